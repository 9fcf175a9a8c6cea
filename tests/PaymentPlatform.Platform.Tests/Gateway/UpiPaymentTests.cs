using System.Net;

namespace PaymentPlatform.Platform.Tests.Gateway;

/// <summary>
/// UPI payments through the real platform: the handle is checked, the directory's collect authorizes, and the ledger
/// and the events follow exactly as for an automatic-capture card payment.
/// </summary>
[Collection(PlatformCollection.Name)]
public class UpiPaymentTests(PlatformFixture fixture)
{
    public static object Upi(long amount, string handle, string currency = "inr", string? captureMethod = null) =>
        captureMethod is null
            ? new { amount, currency, payment_method = new { type = "upi", upi = new { handle } } }
            : new { amount, currency, capture_method = captureMethod, payment_method = new { type = "upi", upi = new { handle } } };

    [Fact]
    public async Task ASuccessHandleIsCollectedCapturedAndPostedWithTheMerchantsFee()
    {
        using var merchant = await fixture.App.CreateMerchantAsync();

        var payment = await (await HandleValidationTests.DecidedAsync(() => merchant.Client.PostAsync("/v1/payments", Upi(10_000, "success@okhdfcbank")))).ExpectAsync(HttpStatusCode.Created);

        var id = payment.GetProperty("id").GetString()!;
        Assert.Equal("succeeded", payment.GetProperty("status").GetString());
        Assert.Equal("automatic", payment.GetProperty("capture_method").GetString());
        Assert.Equal("upi", payment.GetProperty("payment_method").GetProperty("type").GetString());
        Assert.Equal("success@okhdfcbank", payment.GetProperty("payment_method").GetProperty("upi").GetProperty("handle").GetString());
        Assert.Equal(10_000, payment.GetProperty("amount_captured").GetInt64());
        Assert.Equal(320, payment.GetProperty("fee").GetInt64()); // 2.9% + 30

        var read = await (await merchant.Client.GetAsync(new Uri($"/v1/payments/{id}", UriKind.Relative))).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("success@okhdfcbank", read.GetProperty("payment_method").GetProperty("upi").GetProperty("handle").GetString());
        var listed = await (await merchant.Client.GetAsync(new Uri("/v1/payments", UriKind.Relative))).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("upi", Assert.Single(listed.GetProperty("data").EnumerateArray()).GetProperty("payment_method").GetProperty("type").GetString());

        // Hold then capture, as for a card: the merchant's available balance is the amount less the fee.
        using var ledger = await fixture.App.CreateInternalClientAsync("ledger");
        var available = await (await ledger.GetAsync(new Uri($"/v1/accounts/merchant:{merchant.Id}:inr:available", UriKind.Relative))).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(10_000 - 320, available.GetProperty("credits_posted").GetInt64() - available.GetProperty("debits_posted").GetInt64());
        var hold = await (await ledger.GetAsync(new Uri($"/v1/accounts/merchant:{merchant.Id}:inr:pending", UriKind.Relative))).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(0, hold.GetProperty("credits_pending").GetInt64());

        Assert.Equal(["payment.authorized", "payment.captured"], await EventTypesAsync(id));
    }

    [Fact]
    public async Task AFailureHandleIsDeclinedWith402AndTheDirectorysDeclineCode()
    {
        using var merchant = await fixture.App.CreateMerchantAsync();

        var problem = await (await HandleValidationTests.DecidedAsync(() => merchant.Client.PostAsync("/v1/payments", Upi(2_500, "failure@okhdfcbank")))).ExpectProblemAsync(HttpStatusCode.PaymentRequired, "upi_declined");

        Assert.Equal("payer_declined", problem.GetProperty("decline_code").GetString());
        var id = problem.GetProperty("payment_id").GetString()!;
        var read = await (await merchant.Client.GetAsync(new Uri($"/v1/payments/{id}", UriKind.Relative))).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("declined", read.GetProperty("status").GetString());
        Assert.Equal("payer_declined", read.GetProperty("decline_reason").GetString());
        Assert.Equal(["payment.declined"], await EventTypesAsync(id));
    }

    [Fact]
    public async Task ARetryWithTheSameKeyAnswersTheSamePaymentAndTheDirectoryCollectedOnce()
    {
        using var merchant = await fixture.App.CreateMerchantAsync();
        var key = $"upi-{Guid.NewGuid():N}";

        using var first = await HandleValidationTests.DecidedAsync(() => merchant.Client.PostAsync("/v1/payments", Upi(7_000, "success@okhdfcbank"), key));
        var created = await first.ExpectAsync(HttpStatusCode.Created);
        using var again = await merchant.Client.PostAsync("/v1/payments", Upi(7_000, "success@okhdfcbank"), key);
        var replayed = await again.ExpectAsync(HttpStatusCode.Created);

        var id = created.GetProperty("id").GetString()!;
        Assert.Equal(id, replayed.GetProperty("id").GetString());
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        using var directory = await fixture.App.CreateInternalClientAsync("directory");
        var collect = await (await directory.GetAsync(new Uri($"/v1/collects/{id}:collect", UriKind.Relative))).ExpectAsync(HttpStatusCode.OK);
        // One collect under the payment's key, however many requests (the pipeline's retries, a resumed request) asked for it.
        Assert.True(collect.GetProperty("requests").GetInt32() >= 1);
        Assert.Equal(id, collect.GetProperty("collect").GetProperty("collect_id").GetString());
        Assert.Equal("succeeded", collect.GetProperty("collect").GetProperty("status").GetString());
        Assert.Equal(1, await fixture.App.CountAsync("SELECT count(*) FROM payments WHERE merchant_id = $1", merchant.Id));
        // The same key for another handle is the usual 422.
        await (await merchant.Client.PostAsync("/v1/payments", Upi(7_000, "other@okhdfcbank"), key)).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");
    }

    [Fact]
    public async Task TheDirectorysCollectIsIdempotentByItsKey()
    {
        using var directory = await fixture.App.CreateInternalClientAsync("directory");
        var collectId = InternalServices.NewId("pay");
        var body = new { collect_id = collectId, handle = "success@okhdfcbank", amount = 900, currency = "inr" };

        var first = await (await directory.PostJsonAsync("/v1/collect", body)).ExpectAsync(HttpStatusCode.OK);
        var second = await (await directory.PostJsonAsync("/v1/collect", body)).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(first.GetRawText(), second.GetRawText());
        var record = await (await directory.GetAsync(new Uri($"/v1/collects/{collectId}", UriKind.Relative))).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(2, record.GetProperty("requests").GetInt32());
        await (await directory.PostJsonAsync("/v1/collect", body with { amount = 901 })).ExpectProblemAsync(HttpStatusCode.Conflict, "idempotency_key_reused");
    }

    [Theory]
    [InlineData("unknown.payer@okhdfcbank", "address_not_found")]
    [InlineData("inactive.payer@okhdfcbank", "account_inactive")]
    [InlineData("payer@notapsp", "unknown_psp")]
    public async Task AHandleThatCannotBePaidIsA400AndWritesNothing(string handle, string reason)
    {
        using var merchant = await fixture.App.CreateMerchantAsync();

        var problem = await (await HandleValidationTests.DecidedAsync(() => merchant.Client.PostAsync("/v1/payments", Upi(1_000, handle), "bad-handle-1"))).ExpectProblemAsync(HttpStatusCode.BadRequest, "invalid_payment_handle");

        Assert.Equal([reason], problem.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(0, await fixture.App.CountAsync("SELECT count(*) FROM payments WHERE merchant_id = $1", merchant.Id));
        Assert.Equal(0, await fixture.App.CountAsync("SELECT count(*) FROM idempotency_keys WHERE merchant_id = $1", merchant.Id));
    }

    [Theory]
    [InlineData("manual", "inr", "success@okhdfcbank", "invalid_request")]
    [InlineData(null, "usd", "success@okhdfcbank", "payment_method_not_enabled")]
    [InlineData(null, "inr", "not-a-handle", "invalid_request")]
    public async Task AnInvalidUpiRequestIsA400(string? captureMethod, string currency, string handle, string code)
    {
        using var merchant = await fixture.App.CreateMerchantAsync();

        await (await merchant.Client.PostAsync("/v1/payments", Upi(1_000, handle, currency, captureMethod))).ExpectProblemAsync(HttpStatusCode.BadRequest, code);
        Assert.Equal(0, await fixture.App.CountAsync("SELECT count(*) FROM payments WHERE merchant_id = $1", merchant.Id));
    }

    private async Task<List<string>> EventTypesAsync(string paymentId)
    {
        var paymentsDb = await fixture.App.GetConnectionStringAsync("paymentsdb") ?? throw new InvalidOperationException("paymentsdb has no connection string.");
        var rows = await Probes.QueryAsync(paymentsDb, "SELECT type FROM events WHERE payload->'object'->>'id' = $1 ORDER BY seq", paymentId);
        return [.. rows.Select(r => (string)r[0]!)];
    }
}
