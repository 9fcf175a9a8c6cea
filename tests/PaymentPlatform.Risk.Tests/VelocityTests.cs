using PaymentPlatform.Redis;

namespace PaymentPlatform.Risk.Tests;

/// <summary>Velocity counters in the real Redis, driven through the caller-supplied <c>now</c> of test configuration.</summary>
[Collection(RiskCollection.Name)]
public class VelocityTests(RiskFixture fixture)
{
    // 2027-01-15T08:00:00Z: a whole hour, so a whole minute too.
    private const long T0 = 1_800_000_000_000;
    private const long Minute = 60_000;
    private const long Hour = 3_600_000;

    [Theory]
    [InlineData("card_fingerprint")]
    [InlineData("handle")]
    [InlineData("ip")]
    [InlineData("merchant")]
    public async Task AttemptsPerKeyAreReviewedAndThenBlockedAtTheirLimits(string key)
    {
        await using var risk = await fixture.StartReplicaAsync(new Dictionary<string, string?>
        {
            [$"Risk:Velocity:Rules:{key}_attempts_1m:Review"] = "2",
            [$"Risk:Velocity:Rules:{key}_attempts_1m:Block"] = "3",
        });
        var field = key == "merchant" ? "merchant_id" : key;
        var value = key switch { "handle" => $"{Guid.NewGuid():N}@okaxis", "ip" => RandomIpv6(), _ => Requests.NewId(key) };
        var code = $"velocity_{key}_attempts_1m";

        var decisions = new List<(string, bool)>();
        for (var i = 0; i < 3; i++)
        {
            // Everything else fresh, so only this key repeats.
            var score = await risk.ScoreAsync(Requests.Score((field, value), ("now", T0 + i)));
            decisions.Add((score.Decision(), score.Reasons().Contains(code)));
        }

        Assert.Equal([("allow", false), ("review", true), ("block", true)], decisions);
    }

    /// <summary>
    /// The minute is exact: (now - 60 s, now]. The hour and the day are buckets (a minute, an hour):
    /// the current one and the 60 (24) before it, so an event less than a window old always counts.
    /// </summary>
    [Theory]
    [InlineData("1m", T0, T0 + Minute - 1, T0 + Minute)]
    [InlineData("1h", T0, T0 + (61 * Minute) - 1, T0 + (61 * Minute))]
    [InlineData("1h", T0 + Minute - 1, T0 + Minute - 1 + Hour - 1, T0 + (61 * Minute))]
    [InlineData("1d", T0, T0 + (25 * Hour) - 1, T0 + (25 * Hour))]
    [InlineData("1d", T0 + Hour - 1, T0 + Hour - 1 + (24 * Hour) - 1, T0 + (25 * Hour))]
    public async Task AnEventJustInsideAWindowCountsAndOneJustOutsideDoesNot(string window, long first, long inside, long outside)
    {
        await using var risk = await fixture.StartReplicaAsync(new Dictionary<string, string?>
        {
            [$"Risk:Velocity:Rules:card_fingerprint_attempts_{window}:Review"] = "2",
            [$"Risk:Velocity:Rules:card_fingerprint_attempts_{window}:Block"] = "99",
        });
        var code = $"velocity_card_fingerprint_attempts_{window}";
        var insideCard = Requests.NewId("fp");
        var outsideCard = Requests.NewId("fp");

        await risk.ScoreAsync(Requests.Score(("card_fingerprint", insideCard), ("now", first)));
        await risk.ScoreAsync(Requests.Score(("card_fingerprint", outsideCard), ("now", first)));
        var atInside = await risk.ScoreAsync(Requests.Score(("card_fingerprint", insideCard), ("now", inside)));
        var atOutside = await risk.ScoreAsync(Requests.Score(("card_fingerprint", outsideCard), ("now", outside)));

        Assert.Contains(code, atInside.Reasons());
        Assert.DoesNotContain(code, atOutside.Reasons());
    }

    [Fact]
    public async Task ARetriedScoringIsCountedOnceInEveryWindow()
    {
        await using var risk = await fixture.StartReplicaAsync();
        var request = Requests.Score(("handle", $"{Guid.NewGuid():N}@okicici"));

        for (var i = 0; i < 4; i++)
        {
            await risk.ScoreAsync(request);
        }

        Assert.Equal((1, 1, 1), await CountsAsync("card_fingerprint", (string)request["card_fingerprint"]!, "a"));
        Assert.Equal((1, 1, 1), await CountsAsync("handle", (string)request["handle"]!, "a"));
        Assert.Equal((1, 1, 1), await CountsAsync("merchant", (string)request["merchant_id"]!, "a"));
    }

    [Fact]
    public async Task BlockedScoringsCountAsDeclinesForTheirCard()
    {
        await using var risk = await fixture.StartReplicaAsync();
        var card = Requests.NewId("fp");
        var blockedIp = RandomIpv6();
        await risk.BlockAsync("ip", blockedIp);

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("block", (await risk.ScoreAsync(Requests.Score(("card_fingerprint", card), ("ip", blockedIp)))).Decision());
        }
        var elsewhere = await risk.ScoreAsync(Requests.Score(("card_fingerprint", card), ("ip", RandomIpv6())));

        Assert.Equal((3, 3, 3), await CountsAsync("card_fingerprint", card, "d"));
        Assert.Equal("review: velocity_card_fingerprint_declines_1h", elsewhere.Outcome());
    }

    [Fact]
    public async Task AScoringThatVelocityBlocksIsCountedAsADeclineToo()
    {
        await using var risk = await fixture.StartReplicaAsync(new Dictionary<string, string?>
        {
            ["Risk:Velocity:Rules:card_fingerprint_attempts_1m:Review"] = "",
            ["Risk:Velocity:Rules:card_fingerprint_attempts_1m:Block"] = "2",
        });
        var card = Requests.NewId("fp");

        await risk.ScoreAsync(Requests.Score(("card_fingerprint", card)));
        var blocked = await risk.ScoreAsync(Requests.Score(("card_fingerprint", card)));

        Assert.Equal("block", blocked.Decision());
        await Eventually.Async(() => CountsAsync("card_fingerprint", card, "d"), c => c == (1, 1, 1), TimeSpan.FromSeconds(5), "the decline to be counted");
    }

    /// <summary>
    /// Buckets that leave their window are removed from the hash as their counts leave the running
    /// totals, so a key scored for longer than a day holds at most 61 minute and 25 hour buckets.
    /// </summary>
    [Fact]
    public async Task AKeyScoredForMoreThanADayKeepsOnlyTheBucketsItsWindowsNeed()
    {
        await using var risk = await fixture.StartReplicaAsync();
        var card = Requests.NewId("fp");

        // Every 20 minutes for 27 hours: 82 events, 3 in any hour, 72 in any day.
        for (var i = 0; i <= 81; i++)
        {
            await risk.ScoreAsync(Requests.Score(("card_fingerprint", card), ("now", T0 + (i * 20 * Minute))));
        }

        var buckets = await fixture.Redis.HashGetAllAsync($"risk:v:card_fingerprint:{card}:b");
        // The last event is at T0 + 27 h: the hour window (minutes 1560-1620) holds the events at
        // 1580, 1600 and 1620 plus the one at 1560; the day window (hours 3-27) those from T0 + 3 h.
        Assert.Equal((1, 4, 73), await CountsAsync("card_fingerprint", card, "a"));
        Assert.InRange(buckets.Keys.Count(k => k.StartsWith("a:m:", StringComparison.Ordinal)), 1, 61);
        Assert.InRange(buckets.Keys.Count(k => k.StartsWith("a:h:", StringComparison.Ordinal)), 1, 25);
    }

    /// <summary>
    /// The 1-minute, 1-hour and 1-day counts as the keys hold them (docs/risk.md, "Velocity counters"),
    /// checking that each window's running total is the sum of its buckets.
    /// </summary>
    internal static async Task<(long Minute, long Hour, long Day)> CountsAsync(RedisClient redis, string key, string value, string counter)
    {
        var prefix = $"risk:v:{key}:{value}";
        var minute = await redis.SortedSetLengthAsync($"{prefix}:{counter}:m");
        var buckets = await redis.HashGetAllAsync($"{prefix}:b");
        long Field(string name) => buckets.TryGetValue(name, out var v) ? long.Parse((string)v!, System.Globalization.CultureInfo.InvariantCulture) : 0;
        long Sum(string bucketPrefix) => buckets.Where(e => e.Key.StartsWith(bucketPrefix, StringComparison.Ordinal)).Sum(e => long.Parse((string)e.Value!, System.Globalization.CultureInfo.InvariantCulture));
        var hour = Field($"{counter}:1h");
        var day = Field($"{counter}:1d");
        Assert.Equal(hour, Sum($"{counter}:m:"));
        Assert.Equal(day, Sum($"{counter}:h:"));
        return (minute, hour, day);
    }

    private Task<(long Minute, long Hour, long Day)> CountsAsync(string key, string value, string counter) => CountsAsync(fixture.Redis, key, value, counter);

    internal static string RandomIpv6() =>
        $"2001:db8:{Random.Shared.Next(1, 0xffff):x}::{Random.Shared.Next(1, 0xffff):x}:{Random.Shared.Next(1, 0xffff):x}";
}
