using Npgsql;

namespace PaymentPlatform.Risk.Tests;

/// <summary>Two replicas sharing riskdb and Redis, as the AppHost runs them.</summary>
[Collection(RiskCollection.Name)]
public class ReplicaTests(RiskFixture fixture)
{
    private static readonly Dictionary<string, string?> PubSubOnly = new()
    {
        // The safety net far away, so only the change message can explain what a test sees.
        ["Risk:Blocklist:RefreshInterval"] = "00:10:00",
        // Concurrent bursts on two shared cores: give Redis time rather than trip the fallback.
        ["Risk:Velocity:Timeout"] = "00:00:05",
    };

    [Fact]
    public async Task TwoReplicasScoringConcurrentlyCountEveryScoringExactlyOnce()
    {
        await using var first = await fixture.StartReplicaAsync(PubSubOnly);
        await using var second = await fixture.StartReplicaAsync(PubSubOnly);
        var card = Requests.NewId("fp");
        var merchant = Requests.NewId("mer");
        var requests = Enumerable.Range(0, 200).Select(_ => Requests.Score(("card_fingerprint", card), ("merchant_id", merchant))).ToList();
        // Every fourth scoring is retried on the other replica at the same time.
        var calls = requests.Select((r, i) => (Replica: i % 2 == 0 ? first : second, Request: r))
            .Concat(requests.Where((_, i) => i % 4 == 0).Select((r, i) => (Replica: i % 2 == 0 ? second : first, Request: r)))
            .ToList();

        using var gate = new SemaphoreSlim(16);
        await Task.WhenAll(calls.Select(async call =>
        {
            await gate.WaitAsync();
            try
            {
                await call.Replica.ScoreAsync(call.Request);
            }
            finally
            {
                gate.Release();
            }
        }));

        Assert.Equal((200, 200, 200), await VelocityTests.CountsAsync(fixture.Redis, "card_fingerprint", card, "a"));
        Assert.Equal((200, 200, 200), await VelocityTests.CountsAsync(fixture.Redis, "merchant", merchant, "a"));
    }

    // Polls score a blocked merchant with a fresh card each time, so velocity never explains a block.
    [Fact]
    public async Task ABlockListChangeOnOneReplicaReachesTheOtherThroughPubSub()
    {
        await using var first = await fixture.StartReplicaAsync(PubSubOnly);
        await using var second = await fixture.StartReplicaAsync(PubSubOnly);
        var merchant = Requests.NewId("mer");
        Assert.Equal("allow: ", (await second.ScoreAsync(Requests.Score(("merchant_id", merchant)))).Outcome());

        var id = await first.BlockAsync("merchant", merchant);
        await Eventually.Async(() => second.ScoreAsync(Requests.Score(("merchant_id", merchant))), s => s.Outcome() == "block: blocklisted_merchant",
            TimeSpan.FromSeconds(5), "the second replica to block the merchant");
        await first.UnblockAsync(id);
        await Eventually.Async(() => second.ScoreAsync(Requests.Score(("merchant_id", merchant))), s => s.Outcome() == "allow: ",
            TimeSpan.FromSeconds(5), "the second replica to allow the merchant again");
    }

    [Fact]
    public async Task AnEntryWrittenWithoutAChangeMessageArrivesByTheRefreshInterval()
    {
        await using var risk = await fixture.StartReplicaAsync(new Dictionary<string, string?> { ["Risk:Blocklist:RefreshInterval"] = "00:00:00.200" });
        var merchant = Requests.NewId("mer");

        await using (var connection = new NpgsqlConnection(fixture.RiskDb))
        {
            await connection.OpenAsync();
            await using var insert = new NpgsqlCommand("INSERT INTO blocklist (id, kind, value) VALUES ($1, 'merchant', $2)", connection);
            insert.Parameters.Add(new() { Value = Requests.NewId("bl") });
            insert.Parameters.Add(new() { Value = merchant });
            await insert.ExecuteNonQueryAsync();
        }

        await Eventually.Async(() => risk.ScoreAsync(Requests.Score(("merchant_id", merchant))), s => s.Outcome() == "block: blocklisted_merchant",
            TimeSpan.FromSeconds(5), "the refresh to pick up the entry");
    }
}
