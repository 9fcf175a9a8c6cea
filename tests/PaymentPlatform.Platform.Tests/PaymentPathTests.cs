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
        var merchantId = Probes.NewMerchantId();
        using var gateway = fixture.App.CreateHttpClient("gateway");

        using var response = await Probes.PostPaymentAsync(gateway, merchantId, amount: 2500);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var payment = await Probes.ReadJsonAsync(response);
        var paymentId = payment.GetProperty("id").GetString()!;
        Assert.StartsWith("pay_", paymentId, StringComparison.Ordinal);
        Assert.Equal("payment", payment.GetProperty("object").GetString());
        Assert.Equal("requires_capture", payment.GetProperty("status").GetString());
        Assert.Equal(2500, payment.GetProperty("amount").GetInt64());
        Assert.Equal("usd", payment.GetProperty("currency").GetString());
        Assert.Equal(merchantId, payment.GetProperty("merchant_id").GetString());

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
        var merchantId = Probes.NewMerchantId();
        using var gateway = fixture.App.CreateHttpClient("gateway");

        using var response = await Probes.PostPaymentAsync(gateway, merchantId, card: "4000000000004954");

        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await Probes.ReadJsonAsync(response);
        Assert.Equal("https://paymentplatform.dev/problems/risk_blocked", problem.GetProperty("type").GetString());
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
        var merchantId = Probes.NewMerchantId();
        var key = Guid.NewGuid().ToString();
        using var gateway = fixture.App.CreateHttpClient("gateway");

        using var first = await Probes.PostPaymentAsync(gateway, merchantId, idempotencyKey: key);
        using var retry = await Probes.PostPaymentAsync(gateway, merchantId, idempotencyKey: key);
        using var different = await Probes.PostPaymentAsync(gateway, merchantId, amount: 999, idempotencyKey: key);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal("true", Assert.Single(retry.Headers.GetValues("Idempotent-Replayed")));
        var paymentId = (await Probes.ReadJsonAsync(first)).GetProperty("id").GetString()!;
        Assert.Equal(paymentId, (await Probes.ReadJsonAsync(retry)).GetProperty("id").GetString());
        Assert.Equal(HttpStatusCode.Conflict, different.StatusCode);
        var paymentsDb = await fixture.App.GetConnectionStringAsync("paymentsdb");
        Assert.Single(await Probes.QueryAsync(paymentsDb!, "SELECT id FROM payments WHERE merchant_id = $1", merchantId));
        var ledgerDb = await fixture.App.GetConnectionStringAsync("ledgerdb");
        Assert.Single(await Probes.QueryAsync(ledgerDb!, "SELECT id FROM transfers WHERE credit_account_id = $1", $"merchant:{merchantId}:usd:pending"));
    }

    [Theory]
    [InlineData("{\"merchant_id\": \"mer_x\", \"amount\": 0, \"currency\": \"usd\", \"capture_method\": \"manual\"}")]
    [InlineData("{\"merchant_id\": \"acct_1\", \"amount\": 100, \"currency\": \"usd\", \"capture_method\": \"manual\"}")]
    [InlineData("{\"merchant_id\": \"mer_x\", \"amount\": 100, \"currency\": \"xyz\", \"capture_method\": \"manual\"}")]
    [InlineData("{\"merchant_id\": \"mer_x\", \"amount\": 1.5, \"currency\": \"usd\"}")]
    [InlineData("{\"merchant_id\": \"mer_x\", \"amount\": 100, \"currency\": \"usd\", \"capture_method\": \"manual\", \"payment_method_data\": {\"type\": \"card\", \"card\": {\"number\": \"4242424242424241\"}}}")]
    [InlineData("not json")]
    public async Task AnInvalidPaymentRequestGets400InvalidRequest(string body)
    {
        using var gateway = fixture.App.CreateHttpClient("gateway");

        using var response = await gateway.PostAsync(new Uri("/v1/payments", UriKind.Relative), new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("https://paymentplatform.dev/problems/invalid_request", (await Probes.ReadJsonAsync(response)).GetProperty("type").GetString());
    }

    [Fact]
    public async Task NotifysInternalRoutesRefuseACallWithoutTheInternalToken()
    {
        using var notify = fixture.App.CreateHttpClient("notify");

        using var response = await notify.GetAsync(new Uri($"/v1/merchants/{Probes.NewMerchantId()}/endpoints", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
