using System.Diagnostics;
using System.Net;
using Xunit.Abstractions;

namespace PaymentPlatform.Ledger.Tests;

public class ConcurrencyTests(LedgerFixture fixture, ITestOutputHelper output) : IClassFixture<LedgerFixture>
{
    [Fact]
    public async Task SixtyFourClientsMovingMoneyBetweenTenHotLimitedAccountsNeverOverdrawAndTheLedgerBalances()
    {
        const int Clients = 64, HotAccounts = 10, RoundsPerClient = 25, Funding = 1_000;
        using var setup = fixture.CreateClient();
        var source = await setup.CreateAccountAsync("source");
        var hot = new string[HotAccounts];
        for (var i = 0; i < HotAccounts; i++)
        {
            hot[i] = await setup.CreateAccountAsync("hot", debitsMustNotExceedCredits: true);
            await (await setup.PostJsonAsync("/v1/transfers", LedgerCalls.Transfer(LedgerCalls.NewId("fund"), source, hot[i], Funding))).ExpectAsync(HttpStatusCode.Created);
        }
        var run = LedgerCalls.NewId("run");
        var results = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();

        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(client => Task.Run(async () =>
        {
            using var ledger = fixture.CreateClient();
            var random = new Random(client);
            for (var round = 0; round < RoundsPerClient; round++)
            {
                var (from, to) = (random.Next(HotAccounts), random.Next(HotAccounts - 1));
                to = to >= from ? to + 1 : to;
                // Amounts large enough that many transfers hit the limit.
                var amount = random.Next(1, 400);
                var id = $"{run}:{client}:{round}";
                object body = (round % 5) switch
                {
                    // A hold, posted in part in the same linked chain.
                    0 => new object[]
                    {
                        LedgerCalls.Transfer(id, hot[from], hot[to], amount, pending: true, timeoutSeconds: 3600, linked: true),
                        new { id = id + ":post", pending_id = id, post_pending = true, amount = Math.Max(1, amount / 2) },
                    },
                    // A small batch of independent transfers in both directions.
                    1 => new object[]
                    {
                        LedgerCalls.Transfer(id + ":a", hot[from], hot[to], amount),
                        LedgerCalls.Transfer(id + ":b", hot[to], hot[from], amount / 2 + 1),
                    },
                    _ => LedgerCalls.Transfer(id, hot[from], hot[to], amount),
                };
                var response = await ledger.PostJsonAsync("/v1/transfers", body);
                var json = await response.ExpectAsync(body is object[] ? HttpStatusCode.OK : response.StatusCode);
                Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK or HttpStatusCode.UnprocessableEntity, json.ToString());
                foreach (var result in body is object[] ? LedgerCalls.Results(json) : [json.TryGetProperty("code", out var code) ? code.GetString() : json.GetProperty("result").GetString()])
                {
                    results.AddOrUpdate(result!, 1, (_, n) => n + 1);
                }
            }
        })));
        var elapsed = watch.Elapsed;

        var requests = Clients * RoundsPerClient;
        output.WriteLine($"{Clients} clients, {requests} requests in {elapsed.TotalMilliseconds:F0} ms ({requests / elapsed.TotalSeconds:F0} requests/s): "
            + string.Join(", ", results.OrderBy(r => r.Key).Select(r => $"{r.Key} {r.Value}")));
        Assert.True(results.GetValueOrDefault("created") > 0);
        Assert.True(results.GetValueOrDefault("exceeds_credits") > 0, "The test should drive the accounts to their limits.");
        Assert.DoesNotContain(results.Keys, k => k is not ("created" or "exceeds_credits" or "linked_event_failed"));

        long total = 0;
        foreach (var account in hot)
        {
            var (debitsPending, debitsPosted, creditsPending, creditsPosted) = await setup.BalancesAsync(account);
            Assert.True(debitsPending + debitsPosted <= creditsPosted, $"{account} is overdrawn: {debitsPending} + {debitsPosted} > {creditsPosted}.");
            total += creditsPosted - debitsPosted;
        }
        Assert.Equal(HotAccounts * Funding, total);
        var reconciliation = await setup.ReconcileAsync();
        Assert.All(reconciliation.GetProperty("ledgers").EnumerateArray(), l => Assert.Equal(
            (l.GetProperty("debits_pending").GetInt64(), l.GetProperty("debits_posted").GetInt64()),
            (l.GetProperty("credits_pending").GetInt64(), l.GetProperty("credits_posted").GetInt64())));
    }
}
