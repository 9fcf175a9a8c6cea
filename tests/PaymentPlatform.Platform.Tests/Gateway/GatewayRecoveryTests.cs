using System.Net;
using PaymentPlatform.Hosting;
using PaymentPlatform.Hosting.ApplicationModel;
using PaymentPlatform.Hosting.Testing;
using Xunit.Abstractions;

namespace PaymentPlatform.Platform.Tests.Gateway;

/// <summary>
/// A platform whose gateway dies (once) between placing a payment's ledger hold and recording it; the
/// idempotency lock's lease is 2 s, so a retry may take the dead request's key over quickly.
/// </summary>
public sealed class GatewayCrashFixture : FaultFixture
{
    public const string Failpoint = "GatewayPaymentAfterHold";

    protected override void Arm(IDistributedApplicationTestingBuilder builder) =>
        WithFailpoint(builder, "gateway", Failpoint).WithEnvironment("Gateway__Idempotency__LockLease", "00:00:02");
}

/// <summary>
/// A platform with short timings, so the completer's work is quick to observe: work untouched for 3 s counts as
/// abandoned, the completer looks every 0.5 s, and authorizations expire after 4 s.
/// </summary>
public sealed class GatewayTimingFixture : FaultFixture
{
    protected override void Arm(IDistributedApplicationTestingBuilder builder) =>
        builder.CreateResourceBuilder<ProjectResource>("gateway")
            .WithEnvironment("Gateway__Completer__AbandonedAfter", "00:00:03")
            .WithEnvironment("Gateway__Completer__Interval", "00:00:00.500")
            .WithEnvironment("Gateway__Payments__AuthorizationTtl", "00:00:04");
}

public class GatewayCrashTests(GatewayCrashFixture fixture, ITestOutputHelper output) : IClassFixture<GatewayCrashFixture>
{
    private static readonly TimeSpan RecoveryTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task ARetryAfterTheGatewayDiedBetweenPhasesCompletesThePaymentExactlyOnce()
    {
        using var merchant = await fixture.App.CreateMerchantAsync();
        var request = GatewayRequests.Payment(4321);

        // The first attempt reaches the failpoint: its replica is killed after the hold, before the record.
        try
        {
            using var crashed = await merchant.Client.PostAsync("/v1/payments", request, "crash-1");
            output.WriteLine($"first attempt answered {(int)crashed.StatusCode} (the front door reports the lost connection)");
        }
        catch (HttpRequestException ex)
        {
            output.WriteLine($"first attempt failed: {ex.Message}");
        }
        Assert.Single(fixture.Hits(GatewayCrashFixture.Failpoint));

        // A client retries with the same key until it gets an answer: 409 while the dead request's lease
        // holds, a connection error while the replica restarts, then the payment.
        var payment = await Probes.EventuallyAsync(async () =>
        {
            try
            {
                using var retry = await merchant.Client.PostAsync("/v1/payments", request, "crash-1");
                return retry.StatusCode == HttpStatusCode.Created ? (object?)await retry.ReadJsonAsync() : null;
            }
            catch (HttpRequestException)
            {
                return null;
            }
        }, RecoveryTimeout, "a retry with the same Idempotency-Key to complete the payment");
        var body = (System.Text.Json.JsonElement)payment;
        var paymentId = body.GetProperty("id").GetString()!;
        Assert.Equal("requires_capture", body.GetProperty("status").GetString());

        // Retries pass the failpoint again (recorded, no longer armed): the work after the hold ran more than once,
        // and still there is one payment, one hold and one event.
        Assert.True(fixture.Hits(GatewayCrashFixture.Failpoint).Count >= 2, "the retry resumed after the hold");
        Assert.Equal(1, await fixture.App.CountAsync("SELECT count(*) FROM payments WHERE merchant_id = $1", merchant.Id));
        Assert.Equal(1, await fixture.App.CountAsync("SELECT count(*) FROM events WHERE merchant_id = $1 AND type = 'payment.authorized'", merchant.Id));
        Assert.Equal(1, await fixture.App.CountAsync(
            "SELECT count(*) FROM idempotency_keys WHERE merchant_id = $1 AND key = 'crash-1' AND finished_at IS NOT NULL AND response_status = 201", merchant.Id));
        var ledgerDb = (await fixture.App.GetConnectionStringAsync("ledgerdb"))!;
        var holds = await Probes.QueryAsync(ledgerDb, "SELECT id, amount FROM transfers WHERE id LIKE $1 || ':%'", paymentId);
        Assert.Equal($"{paymentId}:auth", Assert.Single(holds)[0]);
        Assert.Equal(4321L, holds[0][1]);

        using var ledger = await fixture.App.CreateInternalClientAsync("ledger");
        var reconciliation = await (await ledger.GetAsync(new Uri("/v1/reconciliation", UriKind.Relative))).ExpectAsync(HttpStatusCode.OK);
        Assert.True(reconciliation.GetProperty("balanced").GetBoolean(), reconciliation.GetRawText());
    }

}

public class GatewayCompleterTests(GatewayTimingFixture fixture) : IClassFixture<GatewayTimingFixture>
{
    private static readonly TimeSpan RecoveryTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task AProcessorTimeoutStaysProcessingUntilTheCompleterResolvesIt()
    {
        using var merchant = await fixture.App.CreateMerchantAsync();
        var accepted = await (await merchant.Client.PostAsync("/v1/payments", GatewayRequests.Payment(900, "automatic", "4000000000000119")))
            .ExpectAsync(HttpStatusCode.Accepted);
        Assert.Equal("processing", accepted.GetProperty("status").GetString());
        var paymentId = accepted.GetProperty("id").GetString()!;

        var resolved = await Probes.EventuallyAsync(async () =>
        {
            var current = await (await merchant.Client.GetAsync(new Uri($"/v1/payments/{paymentId}", UriKind.Relative))).ExpectAsync(HttpStatusCode.OK);
            return current.GetProperty("status").GetString() == "processing" ? null : (object?)current;
        }, RecoveryTimeout, $"the completer to resolve {paymentId} by an inquiry");
        var payment = (System.Text.Json.JsonElement)resolved;
        Assert.Equal("succeeded", payment.GetProperty("status").GetString());
        Assert.Equal(900, payment.GetProperty("amount_captured").GetInt64());
        var events = await Probes.QueryAsync((await fixture.App.GetConnectionStringAsync("paymentsdb"))!,
            "SELECT type FROM events WHERE merchant_id = $1 ORDER BY seq", merchant.Id);
        Assert.Equal(["payment.authorized", "payment.captured"], events.Select(e => (string)e[0]!));
    }

    [Fact]
    public async Task AnUncapturedAuthorizationExpiresAtTheGatewayWhichVoidsTheHold()
    {
        using var merchant = await fixture.App.CreateMerchantAsync();
        var paymentId = await merchant.NewPaymentAsync(650);

        var expired = await Probes.EventuallyAsync(async () =>
        {
            var current = await (await merchant.Client.GetAsync(new Uri($"/v1/payments/{paymentId}", UriKind.Relative))).ExpectAsync(HttpStatusCode.OK);
            return current.GetProperty("status").GetString() == "canceled" ? (object?)current : null;
        }, RecoveryTimeout, $"{paymentId} to expire (authorization TTL 4 s)");
        Assert.Equal("expired", ((System.Text.Json.JsonElement)expired).GetProperty("cancellation_reason").GetString());

        var ledgerDb = (await fixture.App.GetConnectionStringAsync("ledgerdb"))!;
        Assert.Single(await Probes.QueryAsync(ledgerDb, "SELECT id FROM transfers WHERE id = $1", $"{paymentId}:auth:void"));
        var canceled = Assert.Single(await Probes.QueryAsync((await fixture.App.GetConnectionStringAsync("paymentsdb"))!,
            "SELECT payload->>'reason' FROM events WHERE merchant_id = $1 AND type = 'payment.canceled'", merchant.Id));
        Assert.Equal("expired", canceled[0]);
        await (await merchant.Client.PostAsync($"/v1/payments/{paymentId}/capture", null)).ExpectProblemAsync(HttpStatusCode.Conflict, "payment_not_capturable");
    }
}
