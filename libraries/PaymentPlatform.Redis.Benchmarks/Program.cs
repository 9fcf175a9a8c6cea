// Throughput of PaymentPlatform.Redis against redis-benchmark on the same server, in the same run.
// Usage: dotnet run -c Release --project libraries/PaymentPlatform.Redis.Benchmarks -- [--duration 10] [--warmup 3] [--callers 32] [--skip-no-aof]
//        ... -- --latency [--duration 5]: PING, SET and EVALSHA at 1, 8 and 64 callers against redis-benchmark -c 1, 8, 64.
using System.Diagnostics;
using System.Globalization;
using PaymentPlatform.Redis;
using PaymentPlatform.Redis.Benchmarks;

int durationSeconds = IntOption("--duration", 10);
int warmupSeconds = IntOption("--warmup", 3);
int callers = IntOption("--callers", 32);
bool skipNoAof = args.Contains("--skip-no-aof");
var duration = TimeSpan.FromSeconds(durationSeconds);
bool latency = args.Contains("--latency");

string redisServer = FindTool("redis-server");
string redisBenchmark = FindTool("redis-benchmark");
Console.WriteLine($"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC · {Environment.ProcessorCount} cores · {CpuModel()} · .NET {Environment.Version} · {Version(redisServer)}");
Console.WriteLine($"{callers} concurrent callers on one client vs redis-benchmark with {callers} clients; {durationSeconds} s per figure after {warmupSeconds} s warm-up.");

if (latency)
{
    return await LatencyAsync();
}

var modes = new List<(string Label, string[] Arguments)> { ("appendonly yes, appendfsync always (as the platform runs it)", ["--appendonly", "yes", "--appendfsync", "always"]) };
if (!skipNoAof)
{
    modes.Add(("appendonly no (in-memory only; for comparison)", ["--appendonly", "no"]));
}

var ratios = new List<double>();
foreach ((string label, string[] persistence) in modes)
{
    await using RedisServerProcess server = await RedisServerProcess.StartAsync(redisServer, persistence);
    await using RedisClient client = await RedisClient.ConnectAsync($"127.0.0.1:{server.Port},password={RedisServerProcess.Password}");
    await client.SetAsync(ClientBenchmark.Key, "xxx");
    await ClientBenchmark.RunAsync(client, "SET", callers, TimeSpan.FromSeconds(warmupSeconds));
    await ClientBenchmark.RunAsync(client, "GET", callers, TimeSpan.FromSeconds(warmupSeconds));

    Console.WriteLine();
    Console.WriteLine($"## {label}");
    Console.WriteLine($"{"test",-4}  {"tool",-40} {"ops/s",10} {"p50 ms",8} {"p99 ms",8}");
    foreach (string test in new[] { "SET", "GET" })
    {
        Measurement ours = await ClientBenchmark.RunAsync(client, test, callers, duration);
        (Measurement theirs, string commandLine) = await RedisBenchmarkTool.RunAsync(redisBenchmark, server.Port, callers, test, duration);
        (Measurement pipelined, string pipelinedCommandLine) = await RedisBenchmarkTool.RunAsync(redisBenchmark, server.Port, callers, test, duration, pipeline: 16);
        double ratio = ours.OpsPerSecond / theirs.OpsPerSecond;
        ratios.Add(ratio);
        Print(ours);
        Print(theirs);
        Print(pipelined);
        Console.WriteLine($"{test,-4}  ratio PaymentPlatform.Redis / redis-benchmark -c {callers}: {ratio:0.00} (goal: at least 0.50)");
        Console.WriteLine($"      {commandLine}");
        Console.WriteLine($"      {pipelinedCommandLine}");
    }
}

Console.WriteLine();
Console.WriteLine($"Lowest ratio: {ratios.Min():0.00}");
return ratios.Min() >= 0.5 ? 0 : 1;

// Round-trip latency at low and high concurrency, as the platform runs Redis: where the client's own
// cost per command shows (redis-benchmark -c 1 is one request in flight, answered at once).
async Task<int> LatencyAsync()
{
    Console.WriteLine($"Load average at start: {LoadAverage()}");
    await using RedisServerProcess server = await RedisServerProcess.StartAsync(redisServer, ["--appendonly", "yes", "--appendfsync", "always"]);
    await using RedisClient client = await RedisClient.ConnectAsync($"127.0.0.1:{server.Port},password={RedisServerProcess.Password}");
    await client.ScriptLoadAsync(ClientBenchmark.Script);
    await client.SetAsync(ClientBenchmark.Key, "xxx");
    foreach (string test in new[] { "PING", "SET", "EVALSHA" })
    {
        await ClientBenchmark.RunAsync(client, test, 8, TimeSpan.FromSeconds(warmupSeconds));
    }
    Console.WriteLine();
    Console.WriteLine($"## appendonly yes, appendfsync always; {durationSeconds} s per figure");
    Console.WriteLine($"{"test",-7}  {"tool",-40} {"ops/s",10} {"p50 ms",8} {"p99 ms",8}");
    foreach (string test in new[] { "PING", "SET", "EVALSHA" })
    {
        foreach (int concurrency in new[] { 1, 8, 64 })
        {
            Measurement ours = await ClientBenchmark.RunAsync(client, test, concurrency, duration);
            (Measurement theirs, _) = await RedisBenchmarkTool.RunAsync(redisBenchmark, server.Port, concurrency, test, duration);
            Print(ours with { Test = test });
            Print(theirs with { Test = test });
        }
    }
    Console.WriteLine($"Load average at end: {LoadAverage()}");
    return 0;
}

static string LoadAverage() =>
    File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

static void Print(Measurement m) =>
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{m.Test,-7}  {m.Tool,-40} {m.OpsPerSecond,10:0} {m.P50Ms,8:0.000} {m.P99Ms,8:0.000}"));

int IntOption(string name, int fallback)
{
    int index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}

static string FindTool(string name) =>
    (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Append("/usr/bin")
        .Select(folder => Path.Combine(folder, name))
        .FirstOrDefault(File.Exists)
    ?? throw new InvalidOperationException($"{name} is not installed. Install it with: apt-get install -y redis-server");

static string CpuModel() =>
    File.Exists("/proc/cpuinfo")
        ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU"
        : "unknown CPU";

static string Version(string redisServer)
{
    using Process process = Process.Start(new ProcessStartInfo(redisServer, "--version") { RedirectStandardOutput = true })!;
    string output = process.StandardOutput.ReadToEnd();
    process.WaitForExit();
    return output.Split(' ').FirstOrDefault(p => p.StartsWith("v=", StringComparison.Ordinal)) is { } v ? "Redis " + v[2..] : "Redis";
}
