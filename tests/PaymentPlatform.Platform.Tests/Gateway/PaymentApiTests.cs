using System.Net;
using System.Text.Json;

namespace PaymentPlatform.Platform.Tests.Gateway;

/// <summary>The public payments API through the real platform: test instruments, automatic capture, bad input, lists and the balance.</summary>
[Collection(PlatformCollection.Name)]
public class PaymentApiTests(PlatformFixture fixture)
{
    [Theory]
    [InlineData("new", "manual", HttpStatusCode.Created, "requires_capture", null)]
    [InlineData("new", "automatic", HttpStatusCode.Created, "succeeded", null)]
    [InlineData("4000000000000002", "manual", HttpStatusCode.PaymentRequired, "declined", "card_declined")]
    [InlineData("4000000000009995", "manual", HttpStatusCode.PaymentRequired, "declined", "insufficient_funds")]
    [InlineData("4000000000004954", "manual", HttpStatusCode.PaymentRequired, "declined", "risk_blocked")]
    [InlineData("4000000000009235", "manual", HttpStatusCode.Created, "requires_capture", null)]
    [InlineData("4000000000000119", "manual", HttpStatusCode.Accepted, "processing", null)]
    public async Task EachTestCardHasItsOutcome(string card, string captureMethod, HttpStatusCode status, string paymentStatus, string? declineCode)
    {
        using var merchant = await fixture.App.CreateMerchantAsync();
        card = card == "new" ? Probes.NewCardNumber() : card;
        using var response = await merchant.Client.PostAsync("/v1/payments", GatewayRequests.Payment(2500, captureMethod, card));
        var body = await response.ReadJsonAsync();
        Assert.True(status == response.StatusCode, $"{card}: {response.StatusCode} {body}");
        var paymentId = declineCode is null ? body.GetProperty("id").GetString()! : body.GetProperty("payment_id").GetString()!;
        if (declineCode is not null)
        {
            Assert.Equal(declineCode, body.GetProperty("code").GetString());
        }

        var stored = await (await merchant.Client.GetAsync(new Uri($"/v1/payments/{paymentId}", UriKind.Relative))).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(paymentStatus, stored.GetProperty("status").GetString());
        Assert.Equal(declineCode, stored.GetProperty("decline_reason").GetString());
        Assert.Equal(card[^4..], stored.GetProperty("payment_method").GetProperty("card").GetProperty("last4").GetString());
        Assert.DoesNotContain(card, stored.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(card == "4000000000009235", stored.GetProperty("review").GetBoolean());
        if (card == "4000000000009235")
        {
            Assert.Contains("test_elevated_risk", stored.GetProperty("review_reasons").EnumerateArray().Select(r => r.GetString()));
        }
    }

    [Fact]
    public async Task AnAutomaticCapturePaymentEmitsAuthorizedThenCapturedInOneTransactionAndChargesTheMerchantsFee()
    {
        using var merchant = await fixture.App.CreateMerchantAsync();
        var paymentId = await merchant.NewPaymentAsync(1000, "automatic");

        var payment = await (await merchant.Client.GetAsync(new Uri($"/v1/payments/{paymentId}", UriKind.Relative))).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(1000, payment.GetProperty("amount_captured").GetInt64());
        Assert.Equal(59, payment.GetProperty("fee").GetInt64());
        var events = await Probes.QueryAsync((await fixture.App.GetConnectionStringAsync("paymentsdb"))!,
            "SELECT type, xmin::text FROM events WHERE merchant_id = $1 ORDER BY seq", merchant.Id);
        Assert.Equal(["payment.authorized", "payment.captured"], events.Select(e => (string)e[0]!));
        Assert.Single(events.Select(e => e[1]).Distinct());   // one transaction

        var balance = await (await merchant.Client.GetAsync(new Uri("/v1/balance", UriKind.Relative))).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(941, balance.GetProperty("available")[0].GetProperty("amount").GetInt64());
        Assert.Equal("usd", balance.GetProperty("available")[0].GetProperty("currency").GetString());
        Assert.Equal(0, balance.GetProperty("pending")[0].GetProperty("amount").GetInt64());
    }

    [Fact]
    public async Task TheBalanceShowsHeldAmountsAsPending()
    {
        using var merchant = await fixture.App.CreateMerchantAsync();
        await merchant.NewPaymentAsync(700);
        var balance = await (await merchant.Client.GetAsync(new Uri("/v1/balance", UriKind.Relative))).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(700, balance.GetProperty("pending")[0].GetProperty("amount").GetInt64());
        Assert.Equal(0, balance.GetProperty("available")[0].GetProperty("amount").GetInt64());
    }

    public static TheoryData<string, HttpStatusCode, string> BadBodies() => new()
    {
        { "{", HttpStatusCode.BadRequest, "invalid_request" },
        { "[]", HttpStatusCode.BadRequest, "invalid_request" },
        { "null", HttpStatusCode.BadRequest, "invalid_request" },
        { "{\"amount\": \"1000\", \"currency\": \"usd\"}", HttpStatusCode.BadRequest, "invalid_request" },
        { "{\"amount\": 10.5, \"currency\": \"usd\"}", HttpStatusCode.BadRequest, "invalid_request" },
        { "{\"currency\": \"usd\", \"payment_method\": {\"type\": \"card\", \"card\": {\"number\": \"4242424242424242\", \"exp_month\": 12, \"exp_year\": 2030}}}", HttpStatusCode.BadRequest, "invalid_request" },
        { "{\"amount\": 1000, \"currency\": \"usd\"}", HttpStatusCode.BadRequest, "invalid_request" },
        { "{\"amount\": 1000, \"currency\": \"xyz\", \"payment_method\": {\"type\": \"card\", \"card\": {\"number\": \"4242424242424242\", \"exp_month\": 12, \"exp_year\": 2030}}}", HttpStatusCode.BadRequest, "invalid_request" },
        { "{\"amount\": 100000000, \"currency\": \"usd\", \"payment_method\": {\"type\": \"card\", \"card\": {\"number\": \"4242424242424242\", \"exp_month\": 12, \"exp_year\": 2030}}}", HttpStatusCode.BadRequest, "amount_too_large" },
        { "{\"amount\": 99999999999999999999999, \"currency\": \"usd\"}", HttpStatusCode.BadRequest, "invalid_request" },
        { "{\"amount\": -1, \"currency\": \"usd\", \"payment_method\": {\"type\": \"card\", \"card\": {\"number\": \"4242424242424242\", \"exp_month\": 12, \"exp_year\": 2030}}}", HttpStatusCode.BadRequest, "invalid_request" },
        { "{\"amount\": 1000, \"currency\": \"usd\", \"payment_method\": {\"type\": \"card\", \"card\": {\"number\": \"4242424242424241\", \"exp_month\": 12, \"exp_year\": 2030}}}", HttpStatusCode.BadRequest, "invalid_request" },
        { "{\"amount\": 1000, \"currency\": \"usd\", \"payment_method\": {\"type\": \"card\", \"card\": {\"number\": \"4242424242424242\", \"exp_month\": 13, \"exp_year\": 2030}}}", HttpStatusCode.BadRequest, "invalid_request" },
        { "{\"amount\": 1000, \"currency\": \"usd\", \"payment_method\": {\"type\": \"card\", \"card\": {\"number\": \"4242424242424242\", \"exp_month\": 1, \"exp_year\": 2020}}}", HttpStatusCode.BadRequest, "invalid_request" },
        { "{\"amount\": 1000, \"currency\": \"usd\", \"capture_method\": \"later\", \"payment_method\": {\"type\": \"card\", \"card\": {\"number\": \"4242424242424242\", \"exp_month\": 12, \"exp_year\": 2030}}}", HttpStatusCode.BadRequest, "invalid_request" },
        { "{\"amount\": 1000, \"currency\": \"usd\", \"payment_method\": {\"type\": \"upi\", \"upi\": {\"handle\": \"success@okhdfcbank\"}}}", HttpStatusCode.BadRequest, "payment_method_not_enabled" },
        { "{\"amount\": 1000, \"currency\": \"usd\", \"payment_method\": {\"type\": \"card\", \"card\": {\"number\": \"4242424242424242\", \"exp_month\": 12, \"exp_year\": 2030}}, \"metadata\": {\"k\": 5}}", HttpStatusCode.BadRequest, "invalid_request" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task BadInputIsA4xxProblemAndWritesNothing(string body, HttpStatusCode status, string code)
    {
        using var merchant = await fixture.App.CreateMerchantAsync();
        var problem = await (await merchant.Client.PostRawAsync("/v1/payments", body, "bad-1")).ExpectProblemAsync(status, code);
        Assert.DoesNotContain("4242424242424242", problem.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(0, await fixture.App.CountAsync("SELECT count(*) FROM payments WHERE merchant_id = $1", merchant.Id));
        Assert.Equal(0, await fixture.App.CountAsync("SELECT count(*) FROM idempotency_keys WHERE merchant_id = $1", merchant.Id));
    }

    [Fact]
    public async Task AnOversizedBodyIs413()
    {
        using var merchant = await fixture.App.CreateMerchantAsync();
        var description = new string('x', 70_000);
        await (await merchant.Client.PostRawAsync("/v1/payments", JsonSerializer.Serialize(new { amount = 1000, currency = "usd", description })))
            .ExpectProblemAsync(HttpStatusCode.RequestEntityTooLarge, "request_too_large");
        Assert.Equal(0, await fixture.App.CountAsync("SELECT count(*) FROM payments WHERE merchant_id = $1", merchant.Id));
    }

    [Fact]
    public async Task ZeroDecimalAndThreeDecimalCurrenciesAreAccepted()
    {
        using var merchant = await fixture.App.CreateMerchantAsync();
        var yen = await (await merchant.Client.PostAsync("/v1/payments", GatewayRequests.Payment(500, currency: "jpy"))).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("jpy", yen.GetProperty("currency").GetString());
        var dinar = await (await merchant.Client.PostAsync("/v1/payments", GatewayRequests.Payment(1500, currency: "KWD"))).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("kwd", dinar.GetProperty("currency").GetString());
    }

    [Fact]
    public async Task ListsPageNewestFirstWithCursorsBothWaysAndFilter()
    {
        using var merchant = await fixture.App.CreateMerchantAsync();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await merchant.NewPaymentAsync(100 + i, i % 2 == 0 ? "manual" : "automatic"));
        }
        ids.Reverse();   // newest first

        var first = await ListAsync(merchant, "limit=2");
        Assert.Equal(ids[..2], Ids(first));
        Assert.True(first.GetProperty("has_more").GetBoolean());
        var second = await ListAsync(merchant, $"limit=2&starting_after={ids[1]}");
        Assert.Equal(ids[2..4], Ids(second));
        Assert.True(second.GetProperty("has_more").GetBoolean());
        var last = await ListAsync(merchant, $"limit=2&starting_after={ids[3]}");
        Assert.Equal(ids[4..], Ids(last));
        Assert.False(last.GetProperty("has_more").GetBoolean());
        var back = await ListAsync(merchant, $"limit=2&ending_before={ids[4]}");
        Assert.Equal(ids[2..4], Ids(back));
        Assert.True(back.GetProperty("has_more").GetBoolean());
        var all = await ListAsync(merchant, "limit=100");
        Assert.Equal(ids, Ids(all));
        Assert.False(all.GetProperty("has_more").GetBoolean());
        var succeeded = await ListAsync(merchant, "status=succeeded");
        Assert.Equal([ids[1], ids[3]], Ids(succeeded));
        var none = await ListAsync(merchant, $"created[lte]={DateTimeOffset.UtcNow.AddDays(-1).ToUnixTimeSeconds()}");
        Assert.Empty(Ids(none));

        foreach (var bad in new[] { "limit=0", "limit=101", "limit=abc", $"starting_after={ids[0]}&ending_before={ids[1]}", "status=lost", "created[gte]=yesterday" })
        {
            await (await merchant.Client.GetAsync(new Uri($"/v1/payments?{bad}", UriKind.Relative))).ExpectProblemAsync(HttpStatusCode.BadRequest, "invalid_request");
        }
    }

    [Fact]
    public async Task RefundsAreListedPerPayment()
    {
        using var merchant = await fixture.App.CreateMerchantAsync();
        var paymentId = await merchant.NewPaymentAsync(5000, "automatic");
        var other = await merchant.NewPaymentAsync(5000, "automatic");
        var r1 = (await (await merchant.Client.PostAsync("/v1/refunds", new { payment = paymentId, amount = 100 })).ExpectAsync(HttpStatusCode.Created)).GetProperty("id").GetString();
        var r2 = (await (await merchant.Client.PostAsync("/v1/refunds", new { payment = paymentId, amount = 200, reason = "requested_by_customer" })).ExpectAsync(HttpStatusCode.Created)).GetProperty("id").GetString();
        await (await merchant.Client.PostAsync("/v1/refunds", new { payment = other, amount = 300 })).ExpectAsync(HttpStatusCode.Created);

        var list = await (await merchant.Client.GetAsync(new Uri($"/v1/refunds?payment={paymentId}", UriKind.Relative))).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal([r2, r1], list.GetProperty("data").EnumerateArray().Select(r => r.GetProperty("id").GetString()));
        var all = await (await merchant.Client.GetAsync(new Uri("/v1/refunds", UriKind.Relative))).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(3, all.GetProperty("data").GetArrayLength());
        await (await merchant.Client.PostAsync("/v1/refunds", new { payment = paymentId, amount = 1, reason = "because" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "invalid_request");
    }

    private async Task<JsonElement> ListAsync(TestMerchant merchant, string query) =>
        await (await merchant.Client.GetAsync(new Uri($"/v1/payments?{query}", UriKind.Relative))).ExpectAsync(HttpStatusCode.OK);

    private static List<string> Ids(JsonElement list) => [.. list.GetProperty("data").EnumerateArray().Select(p => p.GetProperty("id").GetString()!)];
}
