using System.Diagnostics;

namespace PaymentPlatform.Redis.Benchmarks;

/// <summary>Concurrent callers issuing one command after another through one shared client.</summary>
internal static class ClientBenchmark
{
    // The key and 3-byte value redis-benchmark uses for SET and GET without -r and -d.
    public const string Key = "key:__rand_int__";
    private static readonly RedisValue s_value = "xxx";

    /// <summary>The script the EVALSHA figures run, on both sides: one INCR, so the server's work stays small.</summary>
    public static readonly LuaScript Script = new("return redis.call('INCR', KEYS[1])");

    /// <summary>The script's key (not <see cref="Key"/>, which holds a string SET wrote).</summary>
    public const string ScriptKey = "counter:__rand_int__";

    public static async Task<Measurement> RunAsync(RedisClient client, string test, int callers, TimeSpan duration)
    {
        Func<Task> command = test switch
        {
            "SET" => () => client.SetAsync(Key, s_value),
            "GET" => () => client.GetAsync(Key),
            "PING" => () => client.PingAsync(),
            "EVALSHA" => () => client.EvaluateAsync(Script, [ScriptKey]),
            _ => throw new ArgumentOutOfRangeException(nameof(test), test, "Only SET, GET, PING and EVALSHA are measured."),
        };
        using var stop = new CancellationTokenSource(duration);
        var stopwatch = Stopwatch.StartNew();
        List<long>[] latencies = await Task.WhenAll(Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
        {
            var ticks = new List<long>(1 << 16);
            while (!stop.IsCancellationRequested)
            {
                long started = Stopwatch.GetTimestamp();
                await command();
                ticks.Add(Stopwatch.GetTimestamp() - started);
            }
            return ticks;
        })));
        double seconds = stopwatch.Elapsed.TotalSeconds;
        long[] all = latencies.SelectMany(l => l).Order().ToArray();
        return new Measurement(test, $"PaymentPlatform.Redis, {callers} callers", all.Length / seconds, Percentile(all, 0.50), Percentile(all, 0.99));
    }

    private static double Percentile(long[] sortedTicks, double fraction) =>
        sortedTicks.Length == 0 ? 0 : sortedTicks[(int)Math.Min(sortedTicks.Length - 1, sortedTicks.Length * fraction)] * 1000.0 / Stopwatch.Frequency;
}
