using System.Globalization;

namespace PaymentPlatform.Load.Progress;

/// <summary>One line per second, for logs and redirected output.</summary>
public sealed class PlainProgressDisplay(TextWriter output) : IProgressDisplay
{
    public Task RunAsync(Func<IProgress<ProgressSnapshot>, Task> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        return work(new LineWriter(output));
    }

    public void Note(string message) => output.WriteLine(message);

    internal static string Describe(ProgressSnapshot s) => string.Create(CultureInfo.InvariantCulture,
        $"[{s.Step} {s.Elapsed.TotalSeconds,5:0}/{s.Duration.TotalSeconds:0} s] {s.Stage,-10} target {s.TargetRate,6:0}/s  sent {s.SentLastSecond,6:0}/s  " +
        $"done {s.Completed,8}  errors {s.Errors,6}  dropped {s.Dropped}  in flight {s.InFlight,5}  p99 {(s.P99LastSecondMs is { } p ? $"{p:0.00} ms" : "-")}");

    private sealed class LineWriter(TextWriter output) : IProgress<ProgressSnapshot>
    {
        public void Report(ProgressSnapshot value) => output.WriteLine(Describe(value));
    }
}
