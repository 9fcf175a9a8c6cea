using System.Net;
using Microsoft.Extensions.DependencyInjection;
using PaymentPlatform.Ledger.Telemetry;
using PaymentPlatform.Ledger.Transfers;

namespace PaymentPlatform.Ledger.Tests;

/// <summary>The first group that writes transfers loses its balance update (a failpoint); reconciliation runs every 200 ms.</summary>
public sealed class LostBalanceUpdateLedgerFixture : LedgerFixture
{
    public string FailpointDirectory { get; } = Directory.CreateTempSubdirectory("ledger-failpoints-").FullName;

    protected override IEnumerable<KeyValuePair<string, string>> Settings =>
    [
        new("Failpoints:Directory", FailpointDirectory),
        new($"Failpoints:Points:{TransferStore.PostingWithoutBalanceFailpoint}", "error-once"),
        new("Ledger:Reconciliation:Interval", "00:00:00.200"),
    ];

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(FailpointDirectory, recursive: true);
    }
}

public class ReconciliationTests(LostBalanceUpdateLedgerFixture fixture) : IClassFixture<LostBalanceUpdateLedgerFixture>
{
    [Fact]
    public async Task APostingWrittenWithoutItsBalanceUpdateIsCaughtByTheBackgroundCheckAndDegradesHealth()
    {
        using var ledger = fixture.CreateClient();
        var debit = await ledger.CreateAccountAsync("source");
        var credit = await ledger.CreateAccountAsync("sink");
        var metrics = fixture.Services.GetRequiredService<LedgerMetrics>();

        await (await ledger.PostJsonAsync("/v1/transfers", LedgerCalls.Transfer(LedgerCalls.NewId("t"), debit, credit, 250))).ExpectAsync(HttpStatusCode.Created);

        var hits = Path.Combine(fixture.FailpointDirectory, TransferStore.PostingWithoutBalanceFailpoint + ".hits");
        Assert.True(File.Exists(hits), "The failpoint that drops the balance update did not fire.");
        Assert.Equal((0L, 0L, 0L, 0L), await ledger.BalancesAsync(credit));
        await LedgerCalls.EventuallyAsync("the background reconciliation to count a violation", () => Task.FromResult(metrics.Violations > 0));
        await LedgerCalls.EventuallyAsync("the reconciliation health check to turn Degraded", async () =>
        {
            var health = await (await ledger.GetAsync("/health")).ExpectAsync(HttpStatusCode.OK);
            return health.GetProperty("entries").GetProperty("reconciliation").GetProperty("status").GetString() == "Degraded"
                && health.GetProperty("status").GetString() == "Degraded";
        });

        // The violation stays reported: the accounts are checked again on every run until they match.
        for (var run = 0; run < 2; run++)
        {
            var reconciliation = await (await ledger.GetAsync("/v1/reconciliation")).ExpectAsync(HttpStatusCode.OK);
            Assert.False(reconciliation.GetProperty("balanced").GetBoolean());
            Assert.Equal([credit, debit], reconciliation.GetProperty("mismatched_accounts").EnumerateArray().Select(a => a.GetString()!).Order(StringComparer.Ordinal));
            var usd = reconciliation.GetProperty("ledgers").EnumerateArray().Single(l => l.GetProperty("ledger").GetString() == "usd");
            Assert.False(usd.GetProperty("balanced").GetBoolean(), "The ledger's balances no longer sum to its postings.");
        }
    }
}

public class ReconciliationCheckpointTests(LedgerFixture fixture) : IClassFixture<LedgerFixture>
{
    [Fact]
    public async Task EachRunChecksOnlyTheTransfersAndAccountsNewSinceTheLastOne()
    {
        using var ledger = fixture.CreateClient();
        await ledger.ReconcileAsync();
        var (clearing, pending, available) = await ledger.CreateMerchantAsync();
        var hold = LedgerCalls.NewId("pay") + ":auth";
        await (await ledger.PostJsonAsync("/v1/transfers", LedgerCalls.Transfer(hold, clearing, pending, 1000, pending: true, timeoutSeconds: 3600))).ExpectAsync(HttpStatusCode.Created);
        await (await ledger.PostJsonAsync("/v1/payments/" + hold[..^":auth".Length] + "/capture", new { amount = 600, fee = 0 })).ExpectAsync(HttpStatusCode.Created);
        await (await ledger.PostJsonAsync("/v1/transfers", LedgerCalls.Transfer(LedgerCalls.NewId("t"), available, clearing, 100))).ExpectAsync(HttpStatusCode.Created);

        var first = await ledger.ReconcileAsync();
        var second = await ledger.ReconcileAsync();

        // The hold, its post, the capture and the refund-like transfer, over the merchant's three accounts.
        Assert.Equal((4L, 3), (first.GetProperty("transfers_checked").GetInt64(), first.GetProperty("accounts_checked").GetInt32()));
        Assert.Equal((0L, 0), (second.GetProperty("transfers_checked").GetInt64(), second.GetProperty("accounts_checked").GetInt32()));
        Assert.Equal(first.GetProperty("transfers_checked_in_total").GetInt64(), second.GetProperty("transfers_checked_in_total").GetInt64());
        Assert.Empty(second.GetProperty("holds_resolved_twice").EnumerateArray());
        Assert.Empty(second.GetProperty("negative_pending").EnumerateArray());
    }
}
