using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using PaymentPlatform.Ledger.Telemetry;
using PaymentPlatform.Ledger.Transfers;

namespace PaymentPlatform.Ledger.Tests;

/// <summary>
/// One group commit at a time, so that requests arriving while it commits queue up and share the next one.
/// Every other test class runs through group commit too, with the default settings.
/// </summary>
public sealed class OneGroupAtATimeLedgerFixture : LedgerFixture
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings =>
    [
        new("Ledger:GroupCommit:MaxConcurrentGroups", "1"),
        new("Ledger:GroupCommit:MaxWait", "00:00:00.005"),
    ];
}

public class GroupCommitTests(OneGroupAtATimeLedgerFixture fixture) : IClassFixture<OneGroupAtATimeLedgerFixture>
{
    [Fact]
    public async Task ConcurrentSingleTransfersShareCommitsAndEachGetsItsOwnAnswer()
    {
        const int Requests = 64, Funding = 100, Overdraw = 30;
        using var ledger = fixture.CreateClient();
        var source = await ledger.CreateAccountAsync("source");
        var sink = await ledger.CreateAccountAsync("sink");
        var limited = await ledger.CreateAccountAsync("limited", debitsMustNotExceedCredits: true);
        await (await ledger.PostJsonAsync("/v1/transfers", LedgerCalls.Transfer(LedgerCalls.NewId("fund"), source, limited, Funding))).ExpectAsync(HttpStatusCode.Created);
        var metrics = fixture.Services.GetRequiredService<LedgerMetrics>();
        var (groupsBefore, requestsBefore) = (metrics.Groups, metrics.Requests);
        var run = LedgerCalls.NewId("run");

        // Every eighth request tries to take 30 from an account holding 100: exactly three can. Requests i and i + 32
        // (i < 4) carry the same transfer: one creates it, the other finds it.
        string IdOf(int i) => i % 8 != 0 && i >= 32 && i < 36 ? $"{run}:{i - 32}" : $"{run}:{i}";
        object BodyOf(int i) => i % 8 == 0
            ? LedgerCalls.Transfer(IdOf(i), limited, sink, Overdraw)
            : LedgerCalls.Transfer(IdOf(i), source, sink, i % 32 + 1);
        var answers = new ConcurrentDictionary<int, (HttpStatusCode Status, string Result)>();
        await Task.WhenAll(Enumerable.Range(0, Requests).Select(i => Task.Run(async () =>
        {
            using var client = fixture.CreateClient();
            var response = await client.PostJsonAsync("/v1/transfers", BodyOf(i));
            var json = await response.ExpectAsync(response.StatusCode);
            answers[i] = (response.StatusCode, json.TryGetProperty("code", out var code) ? code.GetString()! : json.GetProperty("result").GetString()!);
        })));

        var limitedAnswers = answers.Where(a => a.Key % 8 == 0).Select(a => a.Value.Result).ToList();
        Assert.Equal(3, limitedAnswers.Count(r => r == "created"));
        Assert.Equal(5, limitedAnswers.Count(r => r == "exceeds_credits"));
        Assert.All(answers.Where(a => a.Key % 8 == 0 && a.Value.Result == "exceeds_credits"), a => Assert.Equal(HttpStatusCode.UnprocessableEntity, a.Value.Status));
        foreach (var i in Enumerable.Range(1, 3))
        {
            Assert.Equal(["created", "exists"], new[] { answers[i].Result, answers[i + 32].Result }.Order());
        }
        Assert.All(answers.Where(a => a.Key % 8 != 0), a => Assert.Contains(a.Value.Result, new[] { "created", "exists" }));
        var expectedSink = 3 * Overdraw + Enumerable.Range(0, Requests).Where(i => i % 8 != 0 && !(i >= 33 && i < 36)).Sum(i => i % 32 + 1);
        Assert.Equal((0L, 0L, 0L, (long)expectedSink), await ledger.BalancesAsync(sink));
        Assert.Equal((0L, 3L * Overdraw, 0L, Funding), await ledger.BalancesAsync(limited));

        var (groups, requests) = (metrics.Groups - groupsBefore, metrics.Requests - requestsBefore);
        Assert.True(requests >= Requests, $"Group commit counted {requests} requests, fewer than the {Requests} sent.");
        Assert.True(groups < requests, $"{requests} requests took {groups} commits: none were shared.");
        Assert.True(metrics.LargestGroup > 1, $"The largest group held {metrics.LargestGroup} request.");
        await ledger.ReconcileAsync();
    }

    [Fact]
    public async Task AGroupKeepsEachRequestsChainsLimitsAndIdsToItself()
    {
        using var ledger = fixture.CreateClient();
        var source = await ledger.CreateAccountAsync("source");
        var sink = await ledger.CreateAccountAsync("sink");
        var limited = await ledger.CreateAccountAsync("limited", debitsMustNotExceedCredits: true);
        await (await ledger.PostJsonAsync("/v1/transfers", LedgerCalls.Transfer(LedgerCalls.NewId("fund"), source, limited, 100))).ExpectAsync(HttpStatusCode.Created);
        var id = LedgerCalls.NewId("g");
        var store = fixture.Services.GetRequiredService<TransferStore>();
        TransferCommand Move(string suffix, string debit, string credit, long amount, bool linked = false, bool pending = false) =>
            new($"{id}:{suffix}", pending ? TransferKinds.Pending : TransferKinds.SinglePhase, debit, credit, amount, "usd", null, pending ? 600 : null, linked);

        IReadOnlyList<TransferCommand>[] group =
        [
            [Move("overdraw", limited, sink, 101)],
            [Move("chain-a", limited, sink, 60, linked: true), Move("chain-b", source, limited, 5)],
            [Move("broken-a", source, limited, 1000, linked: true), Move("broken-b", limited, sink, 2000)],
            [Move("open", source, sink, 1, linked: true)],
            [Move("after-open", source, sink, 7)],
            [Move("after-open", source, sink, 7)],
            [Move("hold", limited, sink, 45, pending: true)],
            [new TransferCommand($"{id}:hold:post", TransferKinds.PostPending, null, null, 40, null, $"{id}:hold", null, false)],
            [Move("too-much", limited, sink, 6)],
        ];
        var outcomes = await store.CommitGroupAsync(group, CancellationToken.None);

        string[][] codes = [.. outcomes.Select(request => request.Select(o => o.Error?.Code ?? (o.Created ? "created" : "exists")).ToArray())];
        Assert.Equal(
        [
            ["exceeds_credits"],
            ["created", "created"],
            ["linked_event_failed", "exceeds_credits"],
            ["linked_event_chain_open"],
            ["created"],
            ["exists"],
            ["created"],
            ["created"],
            ["exceeds_credits"],
        ], codes);
        // 100 - 60 + 5 = 45 left, all held, then 40 of it posted and 5 released: too little for "too-much".
        Assert.Equal((0L, 100L, 0L, 105L), await ledger.BalancesAsync(limited));
        Assert.Equal((0L, 0L, 0L, 60L + 7 + 40), await ledger.BalancesAsync(sink));
        foreach (var missing in new[] { "overdraw", "broken-a", "broken-b", "open", "too-much" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await ledger.GetAsync($"/v1/transfers/{id}:{missing}")).StatusCode);
        }

        // The whole group again, as retries: what was created exists, what was refused is refused again.
        var retried = await store.CommitGroupAsync(group, CancellationToken.None);
        Assert.Equal(["exceeds_credits", "exists", "exists", "linked_event_failed", "exceeds_credits", "linked_event_chain_open", "exists", "exists", "exists", "exists", "exceeds_credits"],
            retried.SelectMany(request => request.Select(o => o.Error?.Code ?? (o.Created ? "created" : "exists"))));
        await ledger.ReconcileAsync();
    }
}
