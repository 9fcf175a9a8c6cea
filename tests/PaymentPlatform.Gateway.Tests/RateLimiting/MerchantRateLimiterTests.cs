using System.Diagnostics;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using PaymentPlatform.Gateway.Merchants;
using PaymentPlatform.Gateway.RateLimiting;

namespace PaymentPlatform.Gateway.Tests.RateLimiting;

/// <summary>The limiter against the real Redis: budgets, refill, replicas, merchants, and Redis down.</summary>
[Collection(GatewayStoresCollection.Name)]
public class MerchantRateLimiterTests(GatewayStores fixture)
{
    private const long Second = 1_000_000;

    [Fact]
    public async Task ABurstIsAllowedInFullThenTheNextRequestIsLimited()
    {
        await using var replica = await LimiterReplica.StartAsync(fixture.Cache);
        var merchant = TestMerchants.NewId();
        var limit = new RateLimitSettings(RequestsPerSecond: 10, Burst: 5);
        var now = TestMerchants.FixedNow();

        var remaining = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            var decision = await replica.AcquireAsync(merchant, limit, now);
            Assert.True(decision.Allowed, $"request {i + 1} of the burst was refused");
            Assert.False(decision.Degraded);
            remaining.Add(decision.Remaining);
        }
        var refused = await replica.AcquireAsync(merchant, limit, now);

        Assert.Equal([4L, 3L, 2L, 1L, 0L], remaining);
        Assert.Equal(new RateLimitDecision(false, TimeSpan.FromMilliseconds(100), 0, false), refused);
        Assert.Equal(1, replica.Counted("gateway.rate_limit.limited"));
    }

    [Fact]
    public async Task RetryAfterIsExactlyWhenTheNextRequestFitsAndTheBudgetRefillsAtTheRate()
    {
        await using var replica = await LimiterReplica.StartAsync(fixture.Cache);
        var merchant = TestMerchants.NewId();
        var limit = new RateLimitSettings(RequestsPerSecond: 4, Burst: 2);
        var start = TestMerchants.FixedNow();
        await replica.AcquireAsync(merchant, limit, start);
        await replica.AcquireAsync(merchant, limit, start);

        var refused = await replica.AcquireAsync(merchant, limit, start + 100_000);
        var justBefore = await replica.AcquireAsync(merchant, limit, start + 249_999);
        var onTime = await replica.AcquireAsync(merchant, limit, start + 250_000);
        var afterThat = await replica.AcquireAsync(merchant, limit, start + 250_000);
        var refilledAfterQuiet = new List<bool>();
        for (var i = 0; i < 3; i++)
        {
            refilledAfterQuiet.Add((await replica.AcquireAsync(merchant, limit, start + (10 * Second))).Allowed);
        }

        Assert.Equal((false, TimeSpan.FromMilliseconds(150)), (refused.Allowed, refused.RetryAfter));
        Assert.Equal((false, TimeSpan.FromMicroseconds(1)), (justBefore.Allowed, justBefore.RetryAfter));
        Assert.True(onTime.Allowed);
        Assert.Equal((false, TimeSpan.FromMilliseconds(250)), (afterThat.Allowed, afterThat.RetryAfter));
        Assert.Equal([true, true, false], refilledAfterQuiet);
    }

    [Fact]
    public async Task OnRedisTimeTheBudgetRefillsAfterRetryAfterAndItsKeyExpiresByItself()
    {
        await using var replica = await LimiterReplica.StartAsync(fixture.Cache);
        var merchant = TestMerchants.NewId();
        var limit = new RateLimitSettings(RequestsPerSecond: 20, Burst: 1);

        Assert.True((await replica.AcquireAsync(merchant, limit)).Allowed);
        var refused = await replica.AcquireAsync(merchant, limit);
        var ttl = await fixture.Redis.TimeToLiveAsync(MerchantRateLimiter.KeyPrefix + merchant);
        var waited = Stopwatch.StartNew();
        await Poll.UntilAsync(() => replica.AcquireAsync(merchant, limit).AsTask(), d => d.Allowed, TimeSpan.FromSeconds(5), "the budget to refill");

        Assert.False(refused.Allowed);
        Assert.InRange(refused.RetryAfter, TimeSpan.FromTicks(1), TimeSpan.FromMilliseconds(50));
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(50));
        Assert.True(waited.Elapsed < TimeSpan.FromSeconds(1), $"refilled only after {waited.Elapsed}");
        await Poll.UntilAsync(() => fixture.Redis.TimeToLiveAsync(MerchantRateLimiter.KeyPrefix + merchant), t => t is null,
            TimeSpan.FromSeconds(5), "the key to expire by itself");
    }

    [Fact]
    public async Task TwoReplicasWithTheirOwnConnectionsShareOneBudget()
    {
        await using var first = await LimiterReplica.StartAsync(fixture.Cache);
        await using var second = await LimiterReplica.StartAsync(fixture.Cache);
        var merchant = TestMerchants.NewId();
        var limit = new RateLimitSettings(RequestsPerSecond: 1, Burst: 15);
        var now = TestMerchants.FixedNow();

        var decisions = await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            (i % 2 == 0 ? first : second).AcquireAsync(merchant, limit, now).AsTask()));

        Assert.Equal(15, decisions.Count(d => d.Allowed));
        Assert.All(decisions, d => Assert.False(d.Degraded));
        Assert.Equal(Enumerable.Range(0, 15).Select(n => (long)n).ToHashSet(), decisions.Where(d => d.Allowed).Select(d => d.Remaining).ToHashSet());
    }

    [Fact]
    public async Task ABudgetSpentOnOneReplicaIsSpentForTheOtherOnRedisTime()
    {
        await using var first = await LimiterReplica.StartAsync(fixture.Cache);
        await using var second = await LimiterReplica.StartAsync(fixture.Cache);
        var merchant = TestMerchants.NewId();
        var limit = new RateLimitSettings(RequestsPerSecond: 1, Burst: 3);

        for (var i = 0; i < 3; i++)
        {
            Assert.True((await first.AcquireAsync(merchant, limit)).Allowed);
        }
        var onTheOther = await second.AcquireAsync(merchant, limit);

        Assert.False(onTheOther.Allowed);
        Assert.InRange(onTheOther.RetryAfter, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task MerchantsHaveIndependentBudgets()
    {
        await using var replica = await LimiterReplica.StartAsync(fixture.Cache);
        var (spent, other) = (TestMerchants.NewId(), TestMerchants.NewId());
        var limit = new RateLimitSettings(RequestsPerSecond: 1, Burst: 2);
        var now = TestMerchants.FixedNow();
        await replica.AcquireAsync(spent, limit, now);
        await replica.AcquireAsync(spent, limit, now);

        Assert.False((await replica.AcquireAsync(spent, limit, now)).Allowed);
        Assert.Equal((true, 1L), Outcome(await replica.AcquireAsync(other, limit, now)));
        Assert.Equal((true, 0L), Outcome(await replica.AcquireAsync(other, limit, now)));
    }

    [Fact]
    public async Task EachMerchantGetsItsOwnConfiguredBurstAndRate()
    {
        await using var replica = await LimiterReplica.StartAsync(fixture.Cache);
        var (small, large) = (TestMerchants.NewId(), TestMerchants.NewId());
        var smallLimit = new RateLimitSettings(RequestsPerSecond: 4, Burst: 2);
        var largeLimit = new RateLimitSettings(RequestsPerSecond: 50, Burst: 7);
        var now = TestMerchants.FixedNow();

        var smallDecisions = new List<RateLimitDecision>();
        var largeDecisions = new List<RateLimitDecision>();
        for (var i = 0; i < 10; i++)
        {
            smallDecisions.Add(await replica.AcquireAsync(small, smallLimit, now));
            largeDecisions.Add(await replica.AcquireAsync(large, largeLimit, now));
        }

        Assert.Equal(2, smallDecisions.Count(d => d.Allowed));
        Assert.Equal(7, largeDecisions.Count(d => d.Allowed));
        Assert.Equal(TimeSpan.FromMilliseconds(250), smallDecisions[2].RetryAfter);
        Assert.Equal(TimeSpan.FromMilliseconds(20), largeDecisions[7].RetryAfter);
    }

    [Fact]
    public async Task ALimitBelowOneRequestPerSecondIsRefused()
    {
        await using var replica = await LimiterReplica.StartAsync(fixture.Cache);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => replica.AcquireAsync(TestMerchants.NewId(), new RateLimitSettings(0, 10)).AsTask());
    }

    [Fact]
    public async Task WithRedisFrozenFailOpenAllowsWithinBudgetCountsTheMetricAndHealthSaysDegraded()
    {
        await using var replica = await LimiterReplica.StartAsync(fixture.Cache, new Dictionary<string, string?>
        {
            ["Gateway:RateLimiting:RedisTimeout"] = "00:00:00.050",
        });
        var merchant = TestMerchants.NewId();
        var limit = new RateLimitSettings(RequestsPerSecond: 1, Burst: 1);
        Assert.True((await replica.AcquireAsync(merchant, limit)).Allowed);
        Assert.Equal(HealthStatus.Healthy, await replica.HealthAsync());

        var decisions = new List<(RateLimitDecision Decision, TimeSpan Elapsed)>();
        var health = HealthStatus.Healthy;
        await RedisOutage.WhilePausedAsync(fixture, async () =>
        {
            for (var i = 0; i < 20; i++)
            {
                var started = Stopwatch.GetTimestamp();
                var decision = await replica.AcquireAsync(merchant, limit);
                decisions.Add((decision, Stopwatch.GetElapsedTime(started)));
            }
            health = await replica.HealthAsync();
        });

        Assert.All(decisions, d => Assert.Equal(new RateLimitDecision(true, TimeSpan.Zero, -1, true), d.Decision));
        Assert.All(decisions, d => Assert.True(d.Elapsed < TimeSpan.FromMilliseconds(250), $"decided in {d.Elapsed.TotalMilliseconds} ms"));
        Assert.False(replica.Limiter.Available);
        Assert.Equal(20, replica.Counted("gateway.rate_limit.redis_unavailable", "fail_open"));
        Assert.Equal(HealthStatus.Degraded, health);
        await Poll.UntilAsync(replica.HealthAsync, h => h == HealthStatus.Healthy, TimeSpan.FromSeconds(15), "health to recover with Redis");
        await Poll.UntilAsync(() => replica.AcquireAsync(merchant, limit).AsTask(), d => !d.Degraded, TimeSpan.FromSeconds(15), "limits to be enforced again");
    }

    [Fact]
    public async Task WithRedisFrozenFailClosedRefusesAsDegradedWithinBudget()
    {
        await using var replica = await LimiterReplica.StartAsync(fixture.Cache, new Dictionary<string, string?>
        {
            ["Gateway:RateLimiting:WhenRedisUnavailable"] = "FailClosed",
            ["Gateway:RateLimiting:RedisTimeout"] = "00:00:00.050",
        });
        var merchant = TestMerchants.NewId();
        var limit = new RateLimitSettings(RequestsPerSecond: 100, Burst: 100);
        Assert.True((await replica.AcquireAsync(merchant, limit)).Allowed);

        var decisions = new List<(RateLimitDecision Decision, TimeSpan Elapsed)>();
        await RedisOutage.WhilePausedAsync(fixture, async () =>
        {
            for (var i = 0; i < 10; i++)
            {
                var started = Stopwatch.GetTimestamp();
                decisions.Add((await replica.AcquireAsync(merchant, limit), Stopwatch.GetElapsedTime(started)));
            }
        });

        Assert.All(decisions, d => Assert.Equal((false, true), (d.Decision.Allowed, d.Decision.Degraded)));
        Assert.All(decisions, d => Assert.True(d.Elapsed < TimeSpan.FromMilliseconds(250), $"decided in {d.Elapsed.TotalMilliseconds} ms"));
        Assert.Equal(10, replica.Counted("gateway.rate_limit.redis_unavailable", "fail_closed"));
        await Poll.UntilAsync(() => replica.AcquireAsync(merchant, limit).AsTask(), d => d.Allowed && !d.Degraded, TimeSpan.FromSeconds(15), "requests to be allowed again");
    }

    private static (bool, long) Outcome(RateLimitDecision decision) => (decision.Allowed, decision.Remaining);
}
