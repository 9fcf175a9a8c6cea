// Ingest throughput of the dashboard's OTLP/HTTP receiver and store, and the CPU it takes.
// Records payment-shaped OTLP batches with the OpenTelemetry exporter, starts the receiver in a
// child process (so its CPU time is its own), replays the batches at each rate and reports
// spans/s achieved, the receiver's CPU share and export latency. See docs/dashboard.md.
// Usage: dotnet run -c Release --project hosting/PaymentPlatform.Dashboard.Benchmarks --
//          [--rates 20000,40000,80000,max] [--duration 10] [--warmup 5] [--payments 4000] [--senders 8]
using System.Globalization;
using PaymentPlatform.Dashboard.Benchmarks;

if (args.FirstOrDefault() == "serve")
{
    await ReceiverProcess.ServeAsync();
    return 0;
}

var rates = Option("--rates", "20000,40000,80000,max").Split(',').Select(r => r == "max" ? (double?)null : double.Parse(r, CultureInfo.InvariantCulture)).ToList();
var duration = TimeSpan.FromSeconds(int.Parse(Option("--duration", "10"), CultureInfo.InvariantCulture));
var warmup = TimeSpan.FromSeconds(int.Parse(Option("--warmup", "5"), CultureInfo.InvariantCulture));
var payments = int.Parse(Option("--payments", "4000"), CultureInfo.InvariantCulture);
var senders = int.Parse(Option("--senders", "8"), CultureInfo.InvariantCulture);

Console.WriteLine($"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC · {Environment.ProcessorCount} cores · {Machine.CpuModel()} · .NET {Environment.Version} · load average {Machine.LoadAverage()}");
Console.Write($"Recording {payments} payments with the OpenTelemetry OTLP exporter (http/protobuf)... ");
var recorded = await BatchRecorder.RecordAsync(payments);
var batches = recorded.Select(r => new ReplayBatch(r)).ToList();
var spans = batches.Sum(b => b.Spans);
Console.WriteLine($"{batches.Count(b => b.Spans > 0)} trace batches ({spans} spans, {(double)batches.Where(b => b.Spans > 0).Sum(b => b.Size) / spans:0} bytes/span), " +
    $"{batches.Count(b => b.Logs > 0)} log batches ({batches.Sum(b => b.Logs)} records).");
if (spans != payments * BatchRecorder.SpansPerPayment)
{
    Console.Error.WriteLine($"The recording lost spans: {spans} of {payments * BatchRecorder.SpansPerPayment}.");
    return 1;
}

await using var receiver = await ReceiverProcess.StartAsync();
Console.WriteLine($"Receiver: pid {receiver.ProcessId}, {receiver.Url} (default limits: 10,000 traces, 10,000 logs); {senders} concurrent exporters; " +
    $"{warmup.TotalSeconds:0} s warm-up then {duration.TotalSeconds:0} s measured per rate.");
Console.WriteLine();
Console.WriteLine($"{"target spans/s",14} {"spans/s",9} {"logs/s",8} {"req/s",6} {"receiver CPU",13} {"of machine",10} {"p50 ms",7} {"p99 ms",7} {"errors",6} {"RSS MB",7}");

var replay = new Replayer(batches, receiver, senders);
var failed = false;
foreach (var rate in rates)
{
    var result = await replay.RunAsync(rate, warmup, duration);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{(rate is null ? "max" : rate.Value.ToString("0", CultureInfo.InvariantCulture)),14} {result.SpansPerSecond,9:0} {result.LogsPerSecond,8:0} {result.RequestsPerSecond,6:0} " +
        $"{result.ReceiverCores * 100,11:0.0} % {result.ReceiverCores * 100 / Environment.ProcessorCount,8:0.0} % {result.P50Ms,7:0.0} {result.P99Ms,7:0.0} {result.Errors,6} {result.ReceiverRssMb,7:0}"));
    if (result.Errors > 0 || result.StoredSpans != result.SentSpans)
    {
        Console.Error.WriteLine($"  {result.Errors} failed exports; the store counted {result.StoredSpans} of {result.SentSpans} spans sent.");
        failed = true;
    }
    if (rate is not null && result.SpansPerSecond < rate * 0.97)
    {
        Console.WriteLine($"  fell behind: {result.SpansPerSecond:0} of {rate:0} spans/s");
    }
}
Console.WriteLine();
Console.WriteLine("receiver CPU: the receiver process's user+system CPU time over the measured window, as a share of one core;");
Console.WriteLine("of machine: the same over all cores. Latency: one export request (about 512 spans), send to response.");
return failed ? 1 : 0;

string Option(string name, string fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
}
