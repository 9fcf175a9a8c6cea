using System.Diagnostics;
using PaymentPlatform.Redis.Tests.Infrastructure;

namespace PaymentPlatform.Redis.Tests;

/// <summary>
/// The connection's write path: callers write on their own thread when the connection is idle,
/// and otherwise leave their command to the thread already writing. Freezes its server, so it
/// has one of its own.
/// </summary>
public sealed class WritePathTests(RedisServerFixture server) : RedisTestBase(server, RedisProtocol.Resp2)
{
    private static readonly TimeSpan s_hang = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task RepliesMatchTheirCommandsInOrderWhenManyThreadsWriteAtOnce()
    {
        await using RedisClient client = await ConnectAsync();
        const int Threads = 8;
        const int PerThread = 500;
        using var start = new Barrier(Threads);

        // Real threads, each issuing its commands without awaiting, so writers contend for the socket.
        var issued = new Task<long>[Threads][];
        Thread[] threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            issued[t] = Enumerable.Range(0, PerThread).Select(_ => client.IncrementAsync(Key($"thread-{t}"))).ToArray();
        })).ToArray();
        foreach (Thread thread in threads)
        {
            thread.Start();
        }
        foreach (Thread thread in threads)
        {
            thread.Join();
        }

        // A command left behind by a writer that had just finished would never complete.
        for (int t = 0; t < Threads; t++)
        {
            long[] replies = await Task.WhenAll(issued[t]).WaitAsync(s_hang);
            Assert.Equal(Enumerable.Range(1, PerThread).Select(i => (long)i), replies);
        }
    }

    [Fact]
    public async Task AWriteTheServerCannotTakeDoesNotBlockCallersAndCommandsBehindItFollowInOrder()
    {
        await using RedisClient client = await ConnectAsync(options => options.CommandTimeout = s_hang);
        // Larger than the kernel's send and receive buffers together, so the send cannot complete while the server is stopped.
        byte[] large = new byte[48 * 1024 * 1024];
        Random.Shared.NextBytes(large);
        await Server.FreezeAsync();
        Task<bool> setLarge;
        Task<long>[] behind;
        Task<long> cancelled;
        try
        {
            var stopwatch = Stopwatch.StartNew();
            setLarge = client.SetAsync(Key("large"), large);
            behind = Enumerable.Range(0, 100).Select(_ => client.IncrementAsync(Key("n"))).ToArray();
            using var cancellation = new CancellationTokenSource();
            cancelled = client.IncrementAsync(Key("never"), cancellationToken: cancellation.Token);
            // Issuing returned without waiting for the server: the stalled send goes on in the background.
            Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"Issuing the commands took {stopwatch.Elapsed}.");
            Assert.False(setLarge.IsCompleted);
            await cancellation.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        }
        finally
        {
            await Server.ThawAsync();
        }

        Assert.True(await setLarge.WaitAsync(s_hang));
        Assert.Equal(Enumerable.Range(1, 100).Select(i => (long)i), await Task.WhenAll(behind).WaitAsync(s_hang));
        // The cancelled command was still queued behind the stalled send, so it was never sent.
        Assert.True((await client.GetAsync(Key("never"))).IsNull);
        Assert.Equal(large, (byte[]?)await client.GetAsync(Key("large")));
    }

    [Fact]
    public async Task KillingTheConnectionMidBurstEndsEveryCommandAndTheClientRecovers()
    {
        await using RedisClient client = await ConnectAsync(options =>
        {
            options.CommandTimeout = s_hang;
            options.ReconnectMaxDelay = TimeSpan.FromMilliseconds(200);
        });
        await using RedisClient killer = await ConnectAsync();
        long id = (long)await client.ExecuteAsync("CLIENT", "ID");
        using var stop = new CancellationTokenSource();
        long succeeded = 0;
        var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        Task[] workers = Enumerable.Range(0, 16).Select(w => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    // Every call must end: with its reply, or with the connection's failure. A hang fails the test.
                    await client.IncrementAsync(Key($"worker-{w}")).WaitAsync(s_hang);
                    Interlocked.Increment(ref succeeded);
                }
                catch (RedisConnectionException ex)
                {
                    failures.Enqueue(ex);
                    // While reconnecting, calls fail at once: pace retries like a real caller rather than spin.
                    await Task.Delay(TimeSpan.FromMilliseconds(5), CancellationToken.None);
                }
            }
        })).ToArray();
        await Eventually.WaitUntilAsync(() => Interlocked.Read(ref succeeded) > 500, s_hang, "500 commands before the kill");

        Assert.Equal(1, (long)await killer.ExecuteAsync("CLIENT", "KILL", "ID", id));
        await Eventually.WaitUntilAsync(() => !failures.IsEmpty, s_hang, "a command to fail with the connection");
        long afterKill = Interlocked.Read(ref succeeded);
        await Eventually.WaitUntilAsync(() => Interlocked.Read(ref succeeded) > afterKill + 500, s_hang, "500 commands after reconnecting");
        await stop.CancelAsync();
        await Task.WhenAll(workers).WaitAsync(s_hang);

        Assert.All(failures, f => Assert.False(string.IsNullOrEmpty(f.Message)));
        long total = 0;
        for (int w = 0; w < 16; w++)
        {
            total += (long)await client.GetAsync(Key($"worker-{w}"));
        }
        // Commands that failed before being sent did not run; ones that failed after may have.
        Assert.InRange(total, Interlocked.Read(ref succeeded), Interlocked.Read(ref succeeded) + failures.Count);
    }
}
