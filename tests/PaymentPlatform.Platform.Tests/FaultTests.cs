using System.Net;
using PaymentPlatform.Hosting.Testing;
using PaymentPlatform.Redis;
using Xunit.Abstractions;

namespace PaymentPlatform.Platform.Tests;

[Collection(FaultCollection.Name)]
public class LedgerCrashTests(LedgerCrashFixture fixture, ITestOutputHelper output) : IClassFixture<LedgerCrashFixture>
{
    [Fact]
    public async Task ALedgerReplicaKilledAfterCommittingTheHoldIsSurvivedAndTheHoldExistsOnce()
    {
        output.WriteLine($"AppHost with two ledger replicas healthy in {fixture.StartupTime.TotalSeconds:0.0} s.");
        using var merchant = await fixture.App.CreateMerchantAsync();
        var (merchantId, gateway) = (merchant.Id, merchant.Client);
        var before = DateTimeOffset.UtcNow;

        using var response = await Probes.PostPaymentAsync(gateway, amount: 4200);

        var after = DateTimeOffset.UtcNow;
        // The failpoint fired during this request: it is the first hold this platform committed.
        var hits = fixture.Hits(LedgerCrashFixture.Failpoint);
        Assert.NotEmpty(hits);
        Assert.InRange(hits[0], before, after);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var paymentId = (await Probes.ReadJsonAsync(response)).GetProperty("id").GetString()!;
        var ledgerDb = await fixture.App.GetConnectionStringAsync("ledgerdb");
        var holds = await Probes.QueryAsync(ledgerDb!, "SELECT id, amount FROM transfers WHERE credit_account_id = $1", $"merchant:{merchantId}:usd:pending");
        Assert.Equal(new object?[] { $"{paymentId}:auth", 4200L }, Assert.Single(holds));
        var paymentsDb = await fixture.App.GetConnectionStringAsync("paymentsdb");
        Assert.Equal("requires_capture", Assert.Single(Assert.Single(await Probes.QueryAsync(paymentsDb!, "SELECT status FROM payments WHERE id = $1", paymentId))));
    }
}

[Collection(FaultCollection.Name)]
public class RelayCrashTests(RelayCrashFixture fixture, ITestOutputHelper output) : IClassFixture<RelayCrashFixture>
{
    [Fact]
    public async Task AnEventXaddedJustBeforeTheRelayWasKilledIsSentAgainAndRecordedByNotifyOnce()
    {
        output.WriteLine($"AppHost with the relay failpoint healthy in {fixture.StartupTime.TotalSeconds:0.0} s.");
        using var merchant = await fixture.App.CreateMerchantAsync();

        // The relay wakes as soon as the payment commits, so the crash can take down the very replica that is
        // still writing this answer: the client retries with its key, as a real integration would.
        var card = Probes.NewCardNumber();
        var payment = await Probes.EventuallyAsync(async () =>
        {
            try
            {
                using var response = await Probes.PostPaymentAsync(merchant.Client, card, idempotencyKey: "relay-crash-1");
                return response.StatusCode == HttpStatusCode.Created ? (object?)await Probes.ReadJsonAsync(response) : null;
            }
            catch (HttpRequestException)
            {
                return null;
            }
        }, Probes.EventTimeout, "the payment to be answered 201 (retrying with its Idempotency-Key)");
        var paymentId = ((System.Text.Json.JsonElement)payment).GetProperty("id").GetString()!;
        var paymentsDb = await fixture.App.GetConnectionStringAsync("paymentsdb");
        var eventId = (string)Assert.Single(Assert.Single(await Probes.QueryAsync(paymentsDb!,
            "SELECT id FROM events WHERE payload->'object'->>'id' = $1", paymentId)))!;

        // The failpoint fired on this platform's first relayed batch, which held only this event.
        // (Later batches pass it too, and are counted, but only the first hit crashes.)
        await Probes.EventuallyAsync(() => Task.FromResult(fixture.Hits(RelayCrashFixture.Failpoint).Count > 0), Probes.EventTimeout,
            $"the relay failpoint {RelayCrashFixture.Failpoint} to fire");

        // The window was hit: the killed relay's XADD stands, and a relay sent the event again.
        await using var redis = await RedisClient.ConnectAsync((await fixture.App.GetConnectionStringAsync("cache"))!);
        var copies = await Probes.EventuallyAsync(
            async () => (await redis.StreamRangeAsync("events")).Where(e => (string?)e["event_id"] == eventId).ToList() is { Count: >= 2 } found ? found : null,
            Probes.EventTimeout,
            $"event {eventId} to be in the stream twice (sent before the crash and again after)");
        Assert.Equal(2, copies.Count);
        await Probes.EventuallyAsync(
            async () => (await Probes.QueryAsync(paymentsDb!, "SELECT 1 FROM events WHERE id = $1 AND relayed_at IS NOT NULL", eventId)).Count == 1,
            Probes.EventTimeout, $"event {eventId} to be marked relayed");

        // Notify has read past the second copy and acknowledged everything: nothing is still in flight.
        await Probes.EventuallyAsync(async () => await NotifyCaughtUpAsync(redis, copies[^1].Id), Probes.EventTimeout,
            $"notify's group to read past stream entry {copies[^1].Id} and acknowledge every entry");
        var notifyDb = await fixture.App.GetConnectionStringAsync("notifydb");
        var recorded = Assert.Single(await Probes.QueryAsync(notifyDb!, "SELECT event_id, stream_id FROM events WHERE event_id = $1", eventId));
        Assert.Contains(recorded[1], copies.Select(c => (object?)c.Id));
        output.WriteLine($"event {eventId}: stream entries {string.Join(", ", copies.Select(c => c.Id))}; notify kept {recorded[1]}");
    }

    /// <summary>Whether group <c>notify</c> has been delivered entries up to <paramref name="streamId"/> and has none pending.</summary>
    private static async Task<bool> NotifyCaughtUpAsync(RedisClient redis, string streamId)
    {
        var groups = await redis.ExecuteAsync("XINFO", "GROUPS", "events");
        foreach (var group in groups.Elements)
        {
            var fields = Enumerable.Range(0, group.Elements.Count / 2).ToDictionary(i => (string)group[2 * i]!, i => group[2 * i + 1]);
            if ((string?)fields["name"] != "notify")
            {
                continue;
            }
            return (long)fields["pending"] == 0 && CompareStreamIds((string)fields["last-delivered-id"]!, streamId) >= 0;
        }
        return false;
    }

    private static int CompareStreamIds(string a, string b)
    {
        static (long Ms, long Seq) Parse(string id) => id.Split('-') is [var ms, var seq] ? (long.Parse(ms), long.Parse(seq)) : (long.Parse(id), 0);
        return Parse(a).CompareTo(Parse(b));
    }
}
