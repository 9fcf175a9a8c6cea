using System.Diagnostics;
using PaymentPlatform.Redis.Tests.Infrastructure;

namespace PaymentPlatform.Redis.Tests;

/// <summary>Uses CLIENT PAUSE to hold replies back, so it has a server of its own.</summary>
public sealed class TimeoutAndCancellationTests(RedisServerFixture server) : RedisTestBase(server, RedisProtocol.Resp2)
{
    private static readonly TimeSpan s_recoveryTimeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task ACommandWithoutAReplyInTimeThrowsRedisTimeoutExceptionAndLaterRepliesStayMatched()
    {
        await using RedisClient client = await ConnectAsync(options => options.CommandTimeout = TimeSpan.FromMilliseconds(300));
        await client.SetAsync(Key("k"), "before");
        await client.ExecuteAsync("CLIENT", "PAUSE", 1500, "ALL");
        var stopwatch = Stopwatch.StartNew();

        RedisTimeoutException timeout = await Assert.ThrowsAsync<RedisTimeoutException>(() => client.GetAsync(Key("k")));

        Assert.InRange(stopwatch.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(1400));
        Assert.True(timeout.CommandMayHaveRun);
        Assert.Contains("GET got no reply", timeout.Message, StringComparison.Ordinal);
        // Once the pause ends the late GET reply is dropped; each new command gets its own reply.
        await Eventually.SucceedsAsync(() => client.SetAsync(Key("k"), "after"), s_recoveryTimeout, "the pause to end");
        Assert.Equal("after", (string?)await client.GetAsync(Key("k")));
        Assert.Equal(1, await client.IncrementAsync(Key("n")));
    }

    [Fact]
    public async Task CancellingAWaitingCommandThrowsPromptlyAndTheConnectionCarriesOn()
    {
        await using RedisClient client = await ConnectAsync();
        await client.ExecuteAsync("CLIENT", "PAUSE", 1500, "ALL");
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        var stopwatch = Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.IncrementAsync(Key("n"), cancellationToken: cancellation.Token));

        Assert.True(stopwatch.Elapsed < TimeSpan.FromMilliseconds(1200), $"Cancellation took {stopwatch.Elapsed}.");
        // The cancelled INCR had been sent, so it runs once the pause ends.
        Assert.Equal(2, await client.IncrementAsync(Key("n")));
    }

    [Fact]
    public async Task AnAlreadyCancelledTokenThrowsWithoutSendingTheCommand()
    {
        await using RedisClient client = await ConnectAsync();
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.SetAsync(Key("k"), "v", cancellationToken: cancellation.Token));

        Assert.True((await client.GetAsync(Key("k"))).IsNull);
    }

    [Fact]
    public async Task ATokenGivesOneCallAShorterDeadlineThanTheClientTimeout()
    {
        await using RedisClient client = await ConnectAsync(options => options.CommandTimeout = TimeSpan.FromSeconds(30));
        await client.ExecuteAsync("CLIENT", "PAUSE", 1000, "ALL");
        using var deadline = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var stopwatch = Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.PingAsync(deadline.Token));

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5));
        await client.PingAsync();
    }

    [Fact]
    public async Task TimeoutsApplyToEachCallOnItsOwn()
    {
        await using RedisClient client = await ConnectAsync(options => options.CommandTimeout = TimeSpan.FromMilliseconds(400));

        // A steady stream of quick commands, none of which is near its own timeout.
        var stopwatch = Stopwatch.StartNew();
        int calls = 0;
        while (stopwatch.Elapsed < TimeSpan.FromSeconds(1))
        {
            await client.IncrementAsync(Key("n"));
            calls++;
        }

        Assert.Equal(calls, (long)await client.GetAsync(Key("n")));
    }
}
