// The ledger's throughput against PostgreSQL's own ceiling (docs/ledger-benchmark.md). Not part of the test command:
//   dotnet run -c Release --project services/PaymentPlatform.Ledger.Benchmarks -- [--fill 10000000] [--seconds 15] [--pgbench-seconds 30]
//       [--accounts 10000] [--hot 10] [--clients 64] [--batch-clients 4] [--group-wait-ms 1]
// Runs every scenario at an empty ledger, fills it with --fill transfers (batches of 8,190 through the API), and runs
// them again; beside each phase, pgbench -N -c 16 -j 2 -T 30 on the same server, and each figure's ratio to it.
using System.Diagnostics;
using System.Globalization;
using PaymentPlatform.Ledger.Benchmarks;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var options = BenchmarkOptions.Parse(args);
Console.WriteLine($"Ledger benchmark: {options}");
Console.WriteLine($"{Environment.ProcessorCount} cores, .NET {Environment.Version}, load average {ServerFacts.LoadAverage()} at start.");

await using var ledger = await LedgerUnderTest.StartAsync(options);
Console.WriteLine();
Console.WriteLine("Settings:");
foreach (var line in await ServerFacts.DescribeAsync(ledger))
{
    Console.WriteLine($"  {line}");
}
Console.WriteLine($"  ledger: Ledger:GroupCommit:MaxWait = {options.GroupWaitMs} ms, MaxTransfers = 8190, MaxConcurrentGroups = 1 (defaults); telemetry exported over OTLP/HTTP to the host's receiver; Environment = Development");
Console.WriteLine($"  clients: singles from {options.Clients} clients, batches from {options.BatchClients} clients, each {options.Seconds} s after 2 s of warm-up, in this process");

await Pgbench.InitializeAsync(ledger);
var workload = new Workload(ledger, options);
await workload.CreateAccountsAsync();

var empty = await RunPhaseAsync("empty ledger");
Console.WriteLine();
Console.WriteLine($"Filling with {options.Fill:N0} transfers in batches of 8,190 from 2 clients...");
var filling = Stopwatch.StartNew();
var took = await workload.FillAsync(options.Fill, done => Console.WriteLine($"  {done:N0} after {filling.Elapsed.TotalSeconds:0} s, load average {ServerFacts.LoadAverage()}"));
var (transfers, size) = await ServerFacts.SizeAsync(ledger);
Console.WriteLine($"Filled in {took.TotalSeconds:0} s ({options.Fill / took.TotalSeconds:N0} transfers/s); the ledger holds {transfers:N0} transfers, {size} with indexes.");
var full = await RunPhaseAsync($"after {options.Fill:N0} more transfers");

Console.WriteLine();
Console.WriteLine("Change after the fill (transfers/s):");
foreach (var (before, after) in empty.Zip(full))
{
    Console.WriteLine($"  {before.Name,-28} {before.TransfersPerSecond,10:N0} -> {after.TransfersPerSecond,10:N0}  ({(after.TransfersPerSecond / before.TransfersPerSecond - 1) * 100:+0.0;-0.0} %)");
}
var watch = Stopwatch.StartNew();
using (var client = ledger.CreateClient())
{
    var reconciliation = await client.GetStringAsync(new Uri("/v1/reconciliation", UriKind.Relative));
    Console.WriteLine($"GET /v1/reconciliation after the run: {watch.ElapsedMilliseconds} ms: {reconciliation[..Math.Min(reconciliation.Length, 300)]}");
}
Console.WriteLine($"Load average at the end: {ServerFacts.LoadAverage()}");

async Task<List<ScenarioResult>> RunPhaseAsync(string phase)
{
    Console.WriteLine();
    Console.WriteLine($"== {phase} (load average {ServerFacts.LoadAverage()}) ==");
    var (tps, latency) = await Pgbench.MeasureAsync(ledger, options.PgbenchSeconds);
    Console.WriteLine($"  pgbench -N -c 16 -j 2 -T {options.PgbenchSeconds}: {tps:N0} tps, latency average {latency:0.00} ms (load average {ServerFacts.LoadAverage()})");
    var results = new List<ScenarioResult>();
    foreach (var (name, accounts, batch, clients) in new[]
    {
        ("single, 10,000 accounts", workload.Uniform, 1, options.Clients),
        ("single, 10 hot accounts", workload.Hot, 1, options.Clients),
        ("batch 100, 10,000 accounts", workload.Uniform, 100, options.BatchClients),
        ("batch 100, 10 hot accounts", workload.Hot, 100, options.BatchClients),
        ("batch 1000, 10,000 accounts", workload.Uniform, 1000, options.BatchClients),
        ("batch 1000, 10 hot accounts", workload.Hot, 1000, options.BatchClients),
    })
    {
        var result = await workload.RunAsync(name, accounts, batch, clients);
        results.Add(result);
        var errors = result.Errors.Count == 0 ? "no errors" : string.Join(", ", result.Errors.Select(e => $"{e.Key} x{e.Value}"));
        Console.WriteLine($"  {name,-28} {result.TransfersPerSecond,8:N0} transfers/s = {result.TransfersPerSecond / tps:0.00} x pgbench; " +
            $"request p50 {result.Latency.P50:0.0} ms, p99 {result.Latency.P99:0.0} ms (n={result.Latency.Count}); " +
            $"{result.WriteTransactions / (double)options.Seconds:N0} write transactions/s, {result.Transfers / (double)Math.Max(1, result.WriteTransactions):0.0} transfers each; {errors}; load {ServerFacts.LoadAverage()}");
    }
    return results;
}
