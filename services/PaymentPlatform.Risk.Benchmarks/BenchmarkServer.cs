using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PaymentPlatform.Hosting;
using PaymentPlatform.Risk.Scoring;

namespace PaymentPlatform.Risk.Benchmarks;

/// <summary>
/// Starts PostgreSQL and Redis as the AppHost does (Redis with appendonly yes, appendfsync always),
/// the risk service in this process on a real port, and the load client as another process.
/// Inside-the-service latencies are every raw measurement of the service's own histograms
/// (<c>risk.score.duration</c>, <c>http.server.request.duration</c>), taken by a MeterListener.
/// </summary>
internal static class BenchmarkServer
{
    public static async Task<int> RunAsync(BenchmarkOptions options)
    {
        Console.WriteLine($"Risk scoring benchmark: {options.Rate} scorings/s for {options.Duration} s after {options.Warmup} s of warm-up; {Environment.ProcessorCount} cores, .NET {Environment.Version}; load average {LoadAverage()}.");
        var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions
        {
            ApplicationName = "risk-benchmarks",
            IsTesting = true,
            EchoResourceLogs = false,
        });
        builder.AddPostgres("postgres").AddDatabase("riskdb");
        builder.AddRedis("cache");
        await using var host = builder.Build();
        using (var start = new CancellationTokenSource(TimeSpan.FromSeconds(120)))
        {
            await host.StartAsync(start.Token);
            await host.WaitForAllHealthyAsync(start.Token);
        }

        var recorder = new Recorder();
        using var listener = recorder.Listen();
        var token = "itok_bench_" + Guid.NewGuid().ToString("N");
        var riskDb = await host.GetConnectionStringAsync("riskdb");
        var cache = await host.GetConnectionStringAsync("cache");
        await using var app = RiskApplication.Create(["--environment", "Production"], b =>
        {
            b.WebHost.UseUrls("http://127.0.0.1:0");
            b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:riskdb"] = riskDb,
                ["ConnectionStrings:cache"] = cache,
                ["InternalApi:Token"] = token,
                ["Logging:LogLevel:Default"] = "Warning",
            });
            b.Logging.ClearProviders();
        });
        await app.StartAsync();
        var url = app.Urls.First();
        var redisPid = await RedisProcessIdAsync(app.Services.GetRequiredService<PaymentPlatform.Redis.RedisClient>());

        var direct = await DirectAsync(app.Services.GetRequiredService<RiskScorer>(), options);
        Console.WriteLine();
        Console.WriteLine($"In-process, no HTTP, {options.Callers} callers back to back for {Math.Max(5, options.Duration / 2)} s:");
        var seconds = Math.Max(5, options.Duration / 2);
        Console.WriteLine($"  throughput {direct.Rate:0} scorings/s, of which {(direct.Rate * seconds - direct.WithoutVelocity) / seconds:0}/s with velocity ({direct.WithoutVelocity} scored without: Redis timed out or the counter was open)");
        Console.WriteLine($"  latency {direct.Latency}");

        var client = await RunClientAsync(options, url, token, recorder, redisPid);
        var inService = Percentiles.Of(recorder.Score);
        var server = Percentiles.Of(recorder.Http);
        var redis = Percentiles.Of(recorder.Redis);
        Console.WriteLine();
        Console.WriteLine($"Over HTTP from another process, open model at {options.Rate}/s for {options.Duration} s (achieved {client.AchievedRate:0.0}/s, errors: {(client.Errors.Count == 0 ? "none" : string.Join(", ", client.Errors.Select(e => $"{e.Key} x{e.Value}")))}):");
        Console.WriteLine($"  inside the service, risk.score.duration:          {inService}");
        Console.WriteLine($"  inside the service, http.server.request.duration: {server}");
        Console.WriteLine($"  Redis EVALSHA round trip (client histogram):      {redis}");
        Console.WriteLine($"  client, from each request's due time:             {client.Latency}");
        Console.WriteLine($"  CPU per 10,000 scorings (process CPU time while measuring, stable under other load): risk service {PerTenThousand(recorder.ServiceCpu, client.Requests)}, redis-server {PerTenThousand(recorder.RedisCpu, client.Requests)}, load client {PerTenThousand(client.CpuSeconds, client.Requests)}");
        Console.WriteLine($"  load average at the end: {LoadAverage()}");
        var withinBudget = inService.P99 <= options.BudgetMs;
        Console.WriteLine();
        Console.WriteLine(withinBudget
            ? $"Budget met: in-service p99 {inService.P99:0.000} ms <= {options.BudgetMs} ms."
            : $"Budget MISSED: in-service p99 {inService.P99:0.000} ms > {options.BudgetMs} ms.");
        await app.StopAsync();
        return withinBudget ? 0 : 1;
    }

    private static string PerTenThousand(double cpuSeconds, int scorings) =>
        double.IsNaN(cpuSeconds) || scorings == 0 ? "unknown" : $"{cpuSeconds * 10_000 / scorings:0.00} s";

    /// <summary>redis-server's process id (INFO server), to read its CPU time from /proc.</summary>
    private static async Task<int?> RedisProcessIdAsync(PaymentPlatform.Redis.RedisClient redis)
    {
        var info = (string?)await redis.ExecuteAsync("INFO", "server") ?? "";
        var line = info.Split('\n').FirstOrDefault(l => l.StartsWith("process_id:", StringComparison.Ordinal));
        return line is null ? null : int.Parse(line["process_id:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>User plus system CPU seconds of a process, from /proc/{pid}/stat (NaN when unreadable).</summary>
    internal static double CpuSeconds(int? pid)
    {
        if (pid is null || !File.Exists($"/proc/{pid}/stat"))
        {
            return double.NaN;
        }
        // Fields after the command name: state is field 3, utime 14, stime 15, in clock ticks (100 per second on Linux).
        var fields = File.ReadAllText($"/proc/{pid}/stat").Split(')')[^1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return (long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture)) / 100.0;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static async Task<(double Rate, Percentiles Latency, long WithoutVelocity)> DirectAsync(RiskScorer scorer, BenchmarkOptions options)
    {
        var seconds = Math.Max(5, options.Duration / 2);
        var latencies = new ConcurrentBag<double[]>();
        var warmupUntil = Stopwatch.GetTimestamp() + (Stopwatch.Frequency * 2);
        var until = warmupUntil + (Stopwatch.Frequency * seconds);
        long count = 0;
        long withoutVelocity = 0;
        await Task.WhenAll(Enumerable.Range(0, options.Callers).Select(async caller =>
        {
            var mine = new List<double>();
            while (Stopwatch.GetTimestamp() is var now && now < until)
            {
                var request = new ScoreRequest($"pay_direct_{Guid.NewGuid():N}", $"mer_bench_{Random.Shared.Next(1000)}", Random.Shared.Next(100, 200_000), "usd",
                    $"fp_bench_{Random.Shared.Next(100_000)}", "424242", "4242", null, false, $"10.1.{Random.Shared.Next(256)}.{Random.Shared.Next(1, 255)}", "US", "US");
                var score = await scorer.ScoreAsync(request, CancellationToken.None);
                if (now >= warmupUntil)
                {
                    if (score.Reasons.Contains(RiskRules.VelocityUnavailable))
                    {
                        Interlocked.Increment(ref withoutVelocity);
                    }
                    mine.Add(Stopwatch.GetElapsedTime(now).TotalMilliseconds);
                    Interlocked.Increment(ref count);
                }
            }
            latencies.Add([.. mine]);
        }));
        return (count / (double)seconds, Percentiles.Of(latencies.SelectMany(l => l)), withoutVelocity);
    }

    private static async Task<PhaseResult> RunClientAsync(BenchmarkOptions options, string url, string token, Recorder recorder, int? redisPid)
    {
        var self = Environment.ProcessPath!;
        var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            start.ArgumentList.Add(typeof(BenchmarkServer).Assembly.Location);
        }
        foreach (var argument in new[] { "--client", "--url", url, "--token", token, "--rate", $"{options.Rate}", "--duration", $"{options.Duration}", "--warmup", $"{options.Warmup}" })
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the load client.");
        PhaseResult? result = null;
        while (await process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line == "MEASURING")
            {
                recorder.Start(redisPid);
            }
            else if (line == "DONE")
            {
                recorder.Stop(redisPid);
            }
            else if (line.StartsWith("RESULT ", StringComparison.Ordinal))
            {
                result = JsonSerializer.Deserialize<PhaseResult>(line["RESULT ".Length..]);
            }
        }
        await process.WaitForExitAsync();
        return result ?? throw new InvalidOperationException($"The load client exited with {process.ExitCode} and no result.");
    }

    /// <summary>Keeps every raw measurement of the histograms that matter while the client measures.</summary>
    private sealed class Recorder
    {
        public volatile bool Recording;

        public ConcurrentQueue<double> Score { get; } = new();
        public ConcurrentQueue<double> Http { get; } = new();
        public ConcurrentQueue<double> Redis { get; } = new();

        /// <summary>CPU seconds this process (the risk service) and redis-server used while recording.</summary>
        public double ServiceCpu { get; private set; } = double.NaN;

        public double RedisCpu { get; private set; } = double.NaN;

        public void Start(int? redisPid)
        {
            ServiceCpu = -Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
            RedisCpu = -CpuSeconds(redisPid);
            Recording = true;
        }

        public void Stop(int? redisPid)
        {
            Recording = false;
            ServiceCpu += Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
            RedisCpu += CpuSeconds(redisPid);
        }

        public MeterListener Listen()
        {
            var listener = new MeterListener
            {
                InstrumentPublished = (instrument, l) =>
                {
                    if (instrument.Name is "risk.score.duration" or "http.server.request.duration" or "redis.client.command.duration")
                    {
                        l.EnableMeasurementEvents(instrument);
                    }
                },
            };
            listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
            {
                if (!Recording)
                {
                    return;
                }
                switch (instrument.Name)
                {
                    case "risk.score.duration":
                        Score.Enqueue(value * 1000);
                        break;
                    case "http.server.request.duration" when Has(tags, "http.route", "/v1/score"):
                        Http.Enqueue(value * 1000);
                        break;
                    case "redis.client.command.duration" when Has(tags, "db.operation", "EVALSHA"):
                        Redis.Enqueue(value * 1000);
                        break;
                }
            });
            listener.Start();
            return listener;
        }

        private static bool Has(ReadOnlySpan<KeyValuePair<string, object?>> tags, string key, string value)
        {
            foreach (var tag in tags)
            {
                if (tag.Key == key && tag.Value as string == value)
                {
                    return true;
                }
            }
            return false;
        }
    }
}
