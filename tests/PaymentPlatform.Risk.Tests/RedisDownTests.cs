using System.Diagnostics;

namespace PaymentPlatform.Risk.Tests;

/// <summary>
/// Redis stopped or frozen under a running replica: scoring goes on within budget under the
/// configured policy, and health says degraded. Each test brings Redis back before it ends.
/// </summary>
[Collection(RiskCollection.Name)]
public class RedisDownTests(RiskFixture fixture)
{
    private static readonly TimeSpan Budget = TimeSpan.FromMilliseconds(250);

    [Fact]
    public async Task WithRedisStoppedFailOpenScoresWithoutVelocityAndSaysSo()
    {
        await using var risk = await fixture.StartReplicaAsync(new Dictionary<string, string?> { ["Risk:Velocity:Timeout"] = "00:00:00.100" });
        Assert.DoesNotContain("velocity_unavailable", (await risk.ScoreAsync(Requests.Score())).Reasons());

        await fixture.Host.ResourceCommands.StopAsync("cache");
        try
        {
            var first = await risk.ScoreAsync(Requests.Score());
            var timings = await TimedScoresAsync(risk, 20);
            var test = await risk.ScoreAsync(Requests.Score(("card_bin", "400000"), ("card_last4", "9235"), ("test_mode", true)));
            var health = await risk.Http.GetStringAsync(new Uri("/health", UriKind.Relative));

            Assert.Equal("allow: velocity_unavailable", first.Outcome());
            Assert.All(timings, t => Assert.True(t.Elapsed < Budget, $"answered in {t.Elapsed.TotalMilliseconds} ms"));
            Assert.All(timings, t => Assert.Equal("allow", t.Decision));
            Assert.Equal("review: test_elevated_risk,velocity_unavailable", test.Outcome());
            Assert.Equal("Degraded", health);
        }
        finally
        {
            await RestoreAsync(() => fixture.Host.ResourceCommands.StartAsync("cache"));
        }
        await Eventually.Async(() => risk.ScoreAsync(Requests.Score()), s => !s.Reasons().Contains("velocity_unavailable"),
            TimeSpan.FromSeconds(15), "velocity to come back with Redis");
        await Eventually.Async(() => risk.Http.GetStringAsync(new Uri("/health", UriKind.Relative)), h => h == "Healthy",
            TimeSpan.FromSeconds(15), "health to recover");
    }

    [Fact]
    public async Task WithRedisFrozenFailClosedReviewsEveryScoringWithinBudget()
    {
        await using var risk = await fixture.StartReplicaAsync(new Dictionary<string, string?>
        {
            ["Risk:Velocity:WhenUnavailable"] = "FailClosed",
            ["Risk:Velocity:Timeout"] = "00:00:00.100",
        });
        Assert.Equal("allow", (await risk.ScoreAsync(Requests.Score())).Decision());

        fixture.Host.ResourceCommands.Pause("cache");
        try
        {
            var timings = await TimedScoresAsync(risk, 20);
            var blocked = await risk.ScoreAsync(Requests.Score(("card_bin", "400000"), ("card_last4", "4954"), ("test_mode", true)));
            var health = await risk.Http.GetStringAsync(new Uri("/health", UriKind.Relative));

            Assert.All(timings, t => Assert.True(t.Elapsed < Budget, $"answered in {t.Elapsed.TotalMilliseconds} ms"));
            Assert.All(timings, t => Assert.Equal(("review", "velocity_unavailable"), (t.Decision, string.Join(",", t.Reasons))));
            Assert.Equal("block: test_highest_risk,velocity_unavailable", blocked.Outcome());
            Assert.Equal("Degraded", health);
        }
        finally
        {
            await RestoreAsync(() =>
            {
                fixture.Host.ResourceCommands.Resume("cache");
                return Task.CompletedTask;
            });
        }
        await Eventually.Async(() => risk.ScoreAsync(Requests.Score()), s => s.Decision() == "allow",
            TimeSpan.FromSeconds(15), "velocity to come back with Redis");
    }

    private static async Task<List<(TimeSpan Elapsed, string Decision, string[] Reasons)>> TimedScoresAsync(RiskReplica risk, int count)
    {
        var timings = new List<(TimeSpan, string, string[])>();
        for (var i = 0; i < count; i++)
        {
            var started = Stopwatch.GetTimestamp();
            var score = await risk.ScoreAsync(Requests.Score());
            timings.Add((Stopwatch.GetElapsedTime(started), score.Decision(), score.Reasons()));
        }
        return timings;
    }

    private async Task RestoreAsync(Func<Task> bringBack)
    {
        await bringBack();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await fixture.Host.ResourceNotifications.WaitForResourceHealthyAsync("cache", cts.Token);
        await Eventually.Async(async () =>
        {
            try
            {
                await fixture.Redis.PingAsync();
                return true;
            }
            catch (PaymentPlatform.Redis.RedisException)
            {
                return false;
            }
        }, up => up, TimeSpan.FromSeconds(30), "Redis to answer PING");
    }
}
