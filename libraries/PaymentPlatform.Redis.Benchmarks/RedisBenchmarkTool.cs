using System.Diagnostics;
using System.Globalization;

namespace PaymentPlatform.Redis.Benchmarks;

/// <summary>Runs redis-benchmark against the same server and reads its CSV output.</summary>
internal static class RedisBenchmarkTool
{
    public static string CommandLine(int port, int clients, string test, long requests, int pipeline) =>
        $"redis-benchmark -h 127.0.0.1 -p {port} -a {RedisServerProcess.Password} -c {clients} -n {requests}"
        + (pipeline > 1 ? $" -P {pipeline}" : "") + " --csv"
        + test switch
        {
            // Custom commands go last; the EVALSHA one is the client benchmark's own script and key.
            "EVALSHA" => $" evalsha {ClientBenchmark.Script.Sha1} 1 {ClientBenchmark.ScriptKey}",
            "PING" => " ping",
            _ => $" -t {test.ToLowerInvariant()}",
        };

    /// <summary>Runs a short calibration, then enough requests to take about <paramref name="duration"/>.</summary>
    public static async Task<(Measurement Result, string CommandLine)> RunAsync(
        string redisBenchmark, int port, int clients, string test, TimeSpan duration, int pipeline = 1)
    {
        Measurement calibration = await RunOnceAsync(redisBenchmark, port, clients, test, 20_000L * pipeline, pipeline);
        long requests = Math.Max(20_000, (long)(calibration.OpsPerSecond * duration.TotalSeconds));
        Measurement result = await RunOnceAsync(redisBenchmark, port, clients, test, requests, pipeline);
        return (result, CommandLine(port, clients, test, requests, pipeline));
    }

    private static async Task<Measurement> RunOnceAsync(string redisBenchmark, int port, int clients, string test, long requests, int pipeline)
    {
        var start = new ProcessStartInfo(redisBenchmark)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string argument in CommandLine(port, clients, test, requests, pipeline).Split(' ').Skip(1))
        {
            start.ArgumentList.Add(argument);
        }
        using Process process = Process.Start(start) ?? throw new InvalidOperationException("redis-benchmark did not start.");
        Task<string> errors = process.StandardError.ReadToEndAsync();
        string output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"redis-benchmark failed: {await errors}");
        }
        // "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
        string[] row = output.Split('\n')
            .Select(line => line.Trim().Split(',').Select(cell => cell.Trim('"')).ToArray())
            .Last(cells => cells.Length >= 7 && !cells[0].Equals("test", StringComparison.Ordinal));
        double Cell(int i) => double.Parse(row[i], CultureInfo.InvariantCulture);
        string tool = pipeline > 1 ? $"redis-benchmark -c {clients} -P {pipeline}" : $"redis-benchmark -c {clients}";
        return new Measurement(test, tool, Cell(1), Cell(4), Cell(6));
    }
}
