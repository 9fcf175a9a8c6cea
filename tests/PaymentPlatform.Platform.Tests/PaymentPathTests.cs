using System.Net;
using PaymentPlatform.Hosting.Testing;
using Xunit.Abstractions;

namespace PaymentPlatform.Platform.Tests;

/// <summary>The walking skeleton across real processes: gateway, risk, ledger, the relay, Redis and notify.</summary>
[Collection(PlatformCollection.Name)]
public class PaymentPathTests(PlatformFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task APaymentIsStoredHeldInTheLedgerAndRecordedByNotifyWithTheSameIds()
    {
        using var merchant = await fixture.App.CreateMerchantAsync();
        var (merchantId, gateway) = (merchant.Id, merchant.Client);

        using var response = await Probes.PostPaymentAsync(gateway, amount: 2500);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var payment = await Probes.ReadJsonAsync(response);
        var paymentId = payment.GetProperty("id").GetString()!;
        Assert.StartsWith("pay_", paymentId, StringComparison.Ordinal);
        Assert.Equal("payment", payment.GetProperty("object").GetString());
        Assert.Equal("requires_capture", payment.GetProperty("status").GetString());
        Assert.Equal(2500, payment.GetProperty("amount").GetInt64());
        Assert.Equal("usd", payment.GetProperty("currency").GetString());
        // The merchant is the API key's: the payment object no longer names it, the row below does.
        Assert.False(payment.TryGetProperty("merchant_id", out _), payment.ToString());

        // paymentsdb: the payment and its outbox event, written in one transaction.
        var paymentsDb = await fixture.App.GetConnectionStringAsync("paymentsdb");
        var row = Assert.Single(await Probes.QueryAsync(paymentsDb!, "SELECT merchant_id, amount, status FROM payments WHERE id = $1", paymentId));
        Assert.Equal(new object?[] { merchantId, 2500L, "requires_capture" }, row);
        var outbox = Assert.Single(await Probes.QueryAsync(paymentsDb!,
            "SELECT id, traceparent FROM events WHERE type = 'payment.authorized' AND payload->'object'->>'id' = $1", paymentId));
        var eventId = (string)outbox[0]!;
        var traceparent = (string?)outbox[1];
        Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$", traceparent);

        // ledgerdb: the hold {payment_id}:auth from customer clearing to the merchant's pending account.
        var ledgerDb = await fixture.App.GetConnectionStringAsync("ledgerdb");
        var hold = Assert.Single(await Probes.QueryAsync(ledgerDb!,
            "SELECT kind, debit_account_id, credit_account_id, amount FROM transfers WHERE id = $1", $"{paymentId}:auth"));
        Assert.Equal(new object?[] { "pending", "platform:usd:customer_clearing", $"merchant:{merchantId}:usd:pending", 2500L }, hold);

        // notifydb: the same event, by the same id, after the relay and the stream.
        var notifyDb = await fixture.App.GetConnectionStringAsync("notifydb");
        var recorded = await Probes.EventuallyAsync(
            async () => (await Probes.QueryAsync(notifyDb!,
                "SELECT type, merchant_id, payload->'object'->>'id', traceparent FROM events WHERE event_id = $1", eventId)).SingleOrDefault(),
            Probes.EventTimeout,
            $"notify to record event {eventId} (payment.authorized of {paymentId})");
        Assert.Equal(new object?[] { "payment.authorized", merchantId, paymentId, traceparent }, recorded);
        output.WriteLine($"payment {paymentId}, hold {paymentId}:auth, event {eventId} at notify");

        using var fetched = await gateway.GetAsync(new Uri($"/v1/payments/{paymentId}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, fetched.StatusCode);
        Assert.Equal(paymentId, (await Probes.ReadJsonAsync(fetched)).GetProperty("id").GetString());
    }

    [Fact]
    public async Task ACardThatRiskBlocksIsDeclinedWith402AndPlacesNoHold()
    {
        using var merchant = await fixture.App.CreateMerchantAsync();
        var (merchantId, gateway) = (merchant.Id, merchant.Client);

        using var response = await Probes.PostPaymentAsync(gateway, card: "4000000000004954");

        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await Probes.ReadJsonAsync(response);
        Assert.Equal("https://paymentplatform.dev/problems/risk_blocked", problem.GetProperty("type").GetString());
        Assert.Equal("risk_blocked", problem.GetProperty("decline_code").GetString());
        var paymentId = problem.GetProperty("payment_id").GetString()!;

        var ledgerDb = await fixture.App.GetConnectionStringAsync("ledgerdb");
        Assert.Empty(await Probes.QueryAsync(ledgerDb!, "SELECT id FROM transfers WHERE id = $1 OR credit_account_id LIKE $2", $"{paymentId}:auth", $"merchant:{merchantId}:%"));
        var paymentsDb = await fixture.App.GetConnectionStringAsync("paymentsdb");
        Assert.Equal(new object?[] { "declined", "risk_blocked" }, Assert.Single(await Probes.QueryAsync(paymentsDb!, "SELECT status, decline_reason FROM payments WHERE id = $1", paymentId)));
        Assert.Equal("payment.declined", Assert.Single(Assert.Single(await Probes.QueryAsync(paymentsDb!,
            "SELECT type FROM events WHERE merchant_id = $1", merchantId))));
    }

    [Fact]
    public async Task ARetryWithTheSameIdempotencyKeyAnswersTheSamePaymentAndHoldsOnce()
    {
        using var merchant = await fixture.App.CreateMerchantAsync();
        var (merchantId, gateway) = (merchant.Id, merchant.Client);
        var key = Guid.NewGuid().ToString();
        var card = Probes.NewCardNumber();

        using var first = await Probes.PostPaymentAsync(gateway, card, idempotencyKey: key);
        using var retry = await Probes.PostPaymentAsync(gateway, card, idempotencyKey: key);
        using var different = await Probes.PostPaymentAsync(gateway, card, amount: 999, idempotencyKey: key);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal("true", Assert.Single(retry.Headers.GetValues("Idempotent-Replayed")));
        var paymentId = (await Probes.ReadJsonAsync(first)).GetProperty("id").GetString()!;
        Assert.Equal(paymentId, (await Probes.ReadJsonAsync(retry)).GetProperty("id").GetString());
        // The same key with a different request is 422 idempotency_key_reused (409 is only for a request still in flight).
        await different.ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");
        var paymentsDb = await fixture.App.GetConnectionStringAsync("paymentsdb");
        Assert.Single(await Probes.QueryAsync(paymentsDb!, "SELECT id FROM payments WHERE merchant_id = $1", merchantId));
        var ledgerDb = await fixture.App.GetConnectionStringAsync("ledgerdb");
        Assert.Single(await Probes.QueryAsync(ledgerDb!, "SELECT id FROM transfers WHERE credit_account_id = $1", $"merchant:{merchantId}:usd:pending"));
    }

    private const string Card = "\"payment_method\": {\"type\": \"card\", \"card\": {\"number\": \"4242424242424242\", \"exp_month\": 12, \"exp_year\": 2030, \"cvc\": \"123\"}}";

    /// <summary>Each body is valid but for one thing (CARD stands for a valid payment_method); the errors name that field.</summary>
    [Theory]
    [InlineData("{\"amount\": 0, \"currency\": \"usd\", \"capture_method\": \"manual\", CARD}", "amount")]
    [InlineData("{\"amount\": 100, \"currency\": \"usd\", \"capture_method\": \"manual\"}", "payment_method")]
    [InlineData("{\"amount\": 100, \"currency\": \"xyz\", \"capture_method\": \"manual\", CARD}", "currency")]
    [InlineData("{\"amount\": 1.5, \"currency\": \"usd\", CARD}", null)]
    [InlineData("{\"amount\": 100, \"currency\": \"usd\", \"capture_method\": \"manual\", \"payment_method\": {\"type\": \"card\", \"card\": {\"number\": \"4242424242424241\", \"exp_month\": 12, \"exp_year\": 2030, \"cvc\": \"123\"}}}", "payment_method.card.number")]
    [InlineData("not json", null)]
    public async Task AnInvalidPaymentRequestGets400InvalidRequest(string body, string? field)
    {
        // With a valid key: without one, authentication answers 401 before the body is read.
        using var merchant = await fixture.App.CreateMerchantAsync();

        using var response = await merchant.Client.PostAsync(new Uri("/v1/payments", UriKind.Relative),
            new StringContent(body.Replace("CARD", Card, StringComparison.Ordinal), System.Text.Encoding.UTF8, "application/json"));

        var problem = await response.ExpectProblemAsync(HttpStatusCode.BadRequest, "invalid_request");
        if (field is not null)
        {
            Assert.Equal([field], problem.GetProperty("errors").EnumerateObject().Select(e => e.Name));
        }
        var paymentsDb = await fixture.App.GetConnectionStringAsync("paymentsdb");
        Assert.Empty(await Probes.QueryAsync(paymentsDb!, "SELECT id FROM payments WHERE merchant_id = $1", merchant.Id));
    }

    [Fact]
    public async Task NotifysInternalRoutesRefuseACallWithoutTheInternalToken()
    {
        using var notify = fixture.App.CreateHttpClient("notify");

        using var response = await notify.GetAsync(new Uri($"/v1/merchants/{InternalServices.NewId("mer")}/endpoints", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
