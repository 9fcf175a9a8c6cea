using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace PaymentPlatform.Dashboard.Benchmarks;

internal sealed record StepResult(
    double SpansPerSecond, double LogsPerSecond, double RequestsPerSecond, double ReceiverCores,
    double P50Ms, double P99Ms, int Errors, long SentSpans, long StoredSpans, double ReceiverRssMb);

/// <summary>
/// Replays the recorded batches from several concurrent exporters (one HTTP connection each, one
/// request at a time, as the OpenTelemetry exporter sends), paced so that spans leave at the
/// target rate; a null rate sends as fast as the receiver answers.
/// </summary>
internal sealed class Replayer(List<ReplayBatch> batches, ReceiverProcess receiver, int senders)
{
    private readonly long[] _spanPrefix = Prefix(batches);
    private readonly long _cycleSpans = batches.Sum(b => (long)b.Spans);
    private readonly HttpClient _client = new(new SocketsHttpHandler { MaxConnectionsPerServer = senders, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
    {
        BaseAddress = receiver.Url,
        Timeout = TimeSpan.FromSeconds(30),
    };
    private long _round = 1; // round 0 is the recording itself; every step replays new trace ids

    public async Task<StepResult> RunAsync(double? rate, TimeSpan warmup, TimeSpan duration)
    {
        var statsBefore = await receiver.StatsAsync();
        var firstRound = _round;
        long next = 0;
        var clock = Stopwatch.StartNew();
        var measureFrom = warmup;
        var end = warmup + duration;
        var measured = new Counters();
        var sent = new Counters();
        // The receiver's CPU time at the start and end of the measured window.
        var cpuTask = Task.Run(async () =>
        {
            await Task.Delay(warmup - clock.Elapsed);
            var atStart = receiver.CpuTime();
            await Task.Delay(end - clock.Elapsed);
            return receiver.CpuTime() - atStart;
        });

        async Task SendLoopAsync()
        {
            while (true)
            {
                var k = Interlocked.Increment(ref next) - 1;
                var batch = batches[(int)(k % batches.Count)];
                var round = firstRound + (k / batches.Count);
                if (rate is { } r)
                {
                    var due = TimeSpan.FromSeconds((((k / batches.Count) * _cycleSpans) + _spanPrefix[k % batches.Count]) / r);
                    var wait = due - clock.Elapsed;
                    if (wait > TimeSpan.Zero)
                    {
                        await Task.Delay(wait);
                    }
                }
                if (clock.Elapsed >= end)
                {
                    return;
                }
                using var content = new ByteArrayContent(batch.For(round));
                content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
                using var request = new HttpRequestMessage(HttpMethod.Post, batch.Path) { Content = content };
                request.Headers.Add("x-otlp-api-key", receiver.ApiKey);
                var started = clock.Elapsed;
                using var response = await _client.SendAsync(request);
                var finished = clock.Elapsed;
                var ok = response.StatusCode == HttpStatusCode.OK;
                sent.Add(batch, ok, finished - started);
                if (finished >= measureFrom && finished <= end)
                {
                    measured.Add(batch, ok, finished - started);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, senders).Select(_ => Task.Run(SendLoopAsync)));
        var cpu = await cpuTask;
        _round = firstRound + (next / batches.Count) + 1;
        var statsAfter = await receiver.StatsAsync();

        var latencies = measured.Latencies.Order().ToList();
        return new StepResult(
            measured.Spans / duration.TotalSeconds,
            measured.Logs / duration.TotalSeconds,
            measured.Requests / duration.TotalSeconds,
            cpu.TotalSeconds / duration.TotalSeconds,
            Percentile(latencies, 0.5),
            Percentile(latencies, 0.99),
            sent.Errors,
            sent.Spans,
            statsAfter.SpansAccepted - statsBefore.SpansAccepted,
            receiver.RssMegabytes());
    }

    private static double Percentile(List<double> sorted, double quantile) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)(quantile * sorted.Count))];

    private static long[] Prefix(List<ReplayBatch> batches)
    {
        var prefix = new long[batches.Count];
        long sum = 0;
        for (var i = 0; i < batches.Count; i++)
        {
            prefix[i] = sum;
            sum += batches[i].Spans;
        }
        return prefix;
    }

    private sealed class Counters
    {
        private readonly Lock _lock = new();

        public long Spans { get; private set; }
        public long Logs { get; private set; }
        public long Requests { get; private set; }
        public int Errors { get; private set; }
        public List<double> Latencies { get; } = [];

        public void Add(ReplayBatch batch, bool ok, TimeSpan latency)
        {
            lock (_lock)
            {
                Requests++;
                if (!ok)
                {
                    Errors++;
                    return;
                }
                Spans += batch.Spans;
                Logs += batch.Logs;
                Latencies.Add(latency.TotalMilliseconds);
            }
        }
    }
}
