using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace PaymentPlatform.Risk.Benchmarks;

/// <summary>
/// The other process: an open-model load (wrk2's convention). Request i is due at start + i/rate
/// whatever the server does, and its latency counts from that due time, so a stalled server
/// cannot hide its stalls (coordinated omission).
/// </summary>
internal static class LoadClient
{
    public static async Task<int> RunAsync(BenchmarkOptions options)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 512, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var http = new HttpClient(handler) { BaseAddress = options.Url, Timeout = TimeSpan.FromSeconds(10) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.Token);

        await RunPhaseAsync(http, options.Rate, options.Warmup);
        Console.WriteLine("MEASURING");
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var result = await RunPhaseAsync(http, options.Rate, options.Duration);
        Console.WriteLine("DONE");
        result = result with { CpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds };
        Console.WriteLine("RESULT " + JsonSerializer.Serialize(result));
        return 0;
    }

    private static async Task<PhaseResult> RunPhaseAsync(HttpClient http, int rate, int seconds)
    {
        var total = rate * seconds;
        var latencies = new double[total];
        var outcomes = new string[total];
        var tasks = new Task[total];
        var start = Stopwatch.GetTimestamp();
        var next = 0;
        while (next < total)
        {
            var now = Stopwatch.GetTimestamp();
            while (next < total && Due(start, next, rate) <= now)
            {
                var i = next++;
                tasks[i] = SendAsync(http, i, Due(start, i, rate), latencies, outcomes);
            }
            if (next < total)
            {
                await Task.Delay(1);
            }
        }
        await Task.WhenAll(tasks);
        var elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var errors = outcomes.Where(o => o != "200").GroupBy(o => o).ToDictionary(g => g.Key, g => g.Count());
        return new PhaseResult(total, total / elapsed, Percentiles.Of(latencies), errors);
    }

    private static long Due(long start, int i, int rate) => start + (long)((double)i * Stopwatch.Frequency / rate);

    private static async Task SendAsync(HttpClient http, int i, long due, double[] latencies, string[] outcomes)
    {
        var random = Random.Shared;
        var body = string.Create(CultureInfo.InvariantCulture, $$"""
            {"score_id":"pay_bench_{{Guid.NewGuid():N}}","merchant_id":"mer_bench_{{random.Next(1000)}}","amount":{{random.Next(100, 200_000)}},"currency":"usd","card_fingerprint":"fp_bench_{{random.Next(100_000)}}","card_bin":"424242","card_last4":"4242","test_mode":false,"ip":"10.{{random.Next(256)}}.{{random.Next(256)}}.{{random.Next(1, 255)}}","card_country":"US","ip_country":"{{(random.Next(20) == 0 ? "GB" : "US")}}"}
            """);
        try
        {
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            using var response = await http.PostAsync(new Uri("/v1/score", UriKind.Relative), content);
            var answer = await response.Content.ReadAsStringAsync();
            outcomes[i] = response.StatusCode != HttpStatusCode.OK ? ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture)
                : answer.Contains("velocity_unavailable", StringComparison.Ordinal) ? "200 without velocity (Redis timeout)" : "200";
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            outcomes[i] = ex.GetType().Name;
        }
        latencies[i] = Stopwatch.GetElapsedTime(due).TotalMilliseconds;
    }
}

internal sealed record PhaseResult(int Requests, double AchievedRate, Percentiles Latency, Dictionary<string, int> Errors, double CpuSeconds = double.NaN);
