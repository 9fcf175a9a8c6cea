using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using PaymentPlatform.Redis.Tests.Infrastructure;

namespace PaymentPlatform.Redis.Tests;

/// <summary>Kills and restarts its server, so it has one of its own.</summary>
public sealed class ReconnectionTests(RedisServerFixture server) : RedisTestBase(server, RedisProtocol.Resp2)
{
    private const int Workers = 16;
    private static readonly TimeSpan s_recoveryTimeout = TimeSpan.FromSeconds(15);

    private Task<RedisClient> ConnectResilientAsync() => ConnectAsync(options =>
    {
        // A long command timeout, so a failure that arrives quickly can only be the fail-fast path.
        options.CommandTimeout = TimeSpan.FromSeconds(20);
        options.ReconnectMaxDelay = TimeSpan.FromMilliseconds(200);
    });

    [Fact]
    public async Task AServerRestartMidWorkloadFailsCallersFastThenServiceAndSubscriptionsResume()
    {
        await using RedisClient client = await ConnectResilientAsync();
        long reconnects = 0;
        using MeterListener listener = ListenForReconnects(() => Interlocked.Increment(ref reconnects));
        var received = new ConcurrentQueue<string>();
        await using RedisSubscription subscription = await client.SubscribeAsync(Key("events"), m => received.Enqueue(m.Message.ToString()));
        await client.PublishAsync(Key("events"), "before");
        await Eventually.WaitUntilAsync(() => received.Contains("before"), s_recoveryTimeout, "the message published before the restart");

        using var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, Workers).Select(i => new Worker(client, Key($"worker-{i}"))).ToArray();
        Task[] running = workers.Select(w => Task.Run(() => w.RunAsync(stop.Token))).ToArray();
        await Eventually.WaitUntilAsync(() => workers.All(w => w.Successes > 20), s_recoveryTimeout, "every worker to complete 20 round trips");

        await Server.RestartAsync();
        long[] successesAtRestart = workers.Select(w => w.Successes).ToArray();
        await Eventually.WaitUntilAsync(
            () => workers.Select((w, i) => w.Successes > successesAtRestart[i] + 20).All(x => x),
            s_recoveryTimeout, "every worker to complete 20 more round trips after the restart");
        await stop.CancelAsync();
        await Task.WhenAll(running);

        Exception[] failures = workers.SelectMany(w => w.Failures).ToArray();
        Assert.NotEmpty(failures);
        Assert.All(failures, f => Assert.IsType<RedisConnectionException>(f));
        Assert.All(workers, w => Assert.True(w.SlowestFailure < TimeSpan.FromSeconds(5), $"A failure took {w.SlowestFailure}."));
        Assert.All(workers, w => Assert.Equal(0, w.Mismatches));

        // The subscription came back by itself.
        await Eventually.WaitUntilAsync(
            async () => await client.PublishAsync(Key("events"), "after") > 0 && received.Contains("after"),
            s_recoveryTimeout, "a message published after the restart to reach the resubscribed handler");
        Assert.True(client.IsConnected);
        Assert.True(Interlocked.Read(ref reconnects) >= 1);
    }

    [Fact]
    public async Task CommandsFailFastWhileTheServerIsDownAndWorkOnceItIsBack()
    {
        await using RedisClient client = await ConnectResilientAsync();
        await client.SetAsync(Key("k"), "v");

        await Server.StopAsync();
        try
        {
            await Eventually.WaitUntilAsync(() => !client.IsConnected, s_recoveryTimeout, "the client to notice the server is gone");
            var stopwatch = Stopwatch.StartNew();
            RedisConnectionException error = await Assert.ThrowsAsync<RedisConnectionException>(() => client.GetAsync(Key("k")));
            Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(1));
            Assert.False(error.CommandMayHaveRun);
            Assert.Contains("reconnecting", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            await Server.StartAsync();
        }

        await Eventually.SucceedsAsync(() => client.PingAsync(), s_recoveryTimeout, "the client to reconnect");
        Assert.True((await client.GetAsync(Key("k"))).IsNull, "The server keeps no data across restarts in these tests.");
    }

    [Fact]
    public async Task AClientCreatedWhileTheServerIsDownConnectsWhenItComesUp()
    {
        await Server.StopAsync();
        RedisClient client;
        try
        {
            client = await RedisClient.ConnectAsync(Server.CreateOptions(configure: options =>
            {
                options.AbortOnConnectFail = false;
                options.ReconnectMaxDelay = TimeSpan.FromMilliseconds(200);
            }));
            Assert.False(client.IsConnected);
        }
        finally
        {
            await Server.StartAsync();
        }

        await using (client)
        {
            await Eventually.SucceedsAsync(() => client.PingAsync(), s_recoveryTimeout, "the first connection to be made");
            Assert.True(client.IsConnected);
        }
    }

    [Fact]
    public async Task ABlockedStreamReadFailsFastWhenTheServerDies()
    {
        await using RedisClient client = await ConnectResilientAsync();
        await client.StreamCreateGroupAsync(Key("s"), "g");
        Task<IReadOnlyList<StreamEntry>> read = client.StreamReadGroupAsync(Key("s"), "g", "c", block: TimeSpan.FromSeconds(30));
        await Eventually.WaitUntilAsync(
            async () => await CommandStats.InfoAsync(client, "clients", "blocked_clients") == 1,
            s_recoveryTimeout, "the read to block on the server");

        await Server.RestartAsync();

        RedisConnectionException error = await Assert.ThrowsAsync<RedisConnectionException>(() => read.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.True(error.CommandMayHaveRun);
        await Eventually.SucceedsAsync(() => client.StreamCreateGroupAsync(Key("s"), "g"), s_recoveryTimeout, "the client to reconnect");
    }

    private static MeterListener ListenForReconnects(Action onReconnect)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == RedisInstrumentation.MeterName && instrument.Name == "redis.client.reconnects")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, _, _, _) => onReconnect());
        listener.Start();
        return listener;
    }

    /// <summary>Writes and reads back its own key in a loop, recording what went wrong.</summary>
    private sealed class Worker(RedisClient client, string key)
    {
        private long _successes;

        public long Successes => Interlocked.Read(ref _successes);

        public ConcurrentQueue<Exception> Failures { get; } = new();

        public int Mismatches { get; private set; }

        public TimeSpan SlowestFailure { get; private set; }

        public async Task RunAsync(CancellationToken stop)
        {
            long round = 0;
            while (!stop.IsCancellationRequested)
            {
                round++;
                var stopwatch = Stopwatch.StartNew();
                try
                {
                    await client.SetAsync(key, round);
                    if ((long?)await client.GetAsync(key) != round)
                    {
                        Mismatches++;
                    }
                    Interlocked.Increment(ref _successes);
                }
                catch (RedisException ex)
                {
                    Failures.Enqueue(ex);
                    SlowestFailure = stopwatch.Elapsed > SlowestFailure ? stopwatch.Elapsed : SlowestFailure;
                    // Pace retries like a real caller, rather than spin on a client that is reconnecting.
                    await Task.Delay(TimeSpan.FromMilliseconds(5), CancellationToken.None);
                }
            }
        }
    }
}
