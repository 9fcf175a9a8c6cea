using PaymentPlatform.Load.Reporting;

namespace PaymentPlatform.Load.Scenarios.Soak;

/// <summary>A soak's figures per interval (a minute by default) and the drift between its first and last.</summary>
public sealed record SoakReport(
    double IntervalSeconds,
    IReadOnlyList<SoakInterval> Intervals,
    string MemorySource,
    IReadOnlyList<MemorySeries> Memory,
    IReadOnlyList<string> Drift);

/// <summary>One interval of the sustained rate: the scheduled operation's figures.</summary>
public sealed record SoakInterval(string Name, double TargetRate, double CompletedRate, double P50Ms, double P99Ms, double MaxMs, long Errors);

/// <summary>One process's resident memory at the start of the measured time and at the end of each interval (null: not readable).</summary>
public sealed record MemorySeries(string Process, IReadOnlyList<double?> ResidentMiB);

/// <summary>How a soak's drift is judged: the last interval against the first.</summary>
public static class SoakDrift
{
    /// <summary>Latency drifts when the last interval's p99 is this many times the first's ...</summary>
    public const double P99Growth = 1.5;

    /// <summary>... and at least this much higher (sub-millisecond noise is not drift).</summary>
    public const double P99MinimumRiseMs = 1;

    /// <summary>Memory grows when a process's last sample is this share above its first ...</summary>
    public const double MemoryGrowth = 0.2;

    /// <summary>... and at least this many MiB above it.</summary>
    public const double MemoryMinimumRiseMiB = 10;

    public static SoakReport Of(StepReport step, double intervalSeconds, string memorySource, IReadOnlyList<MemorySeries> memory)
    {
        ArgumentNullException.ThrowIfNull(step);
        ArgumentNullException.ThrowIfNull(memory);
        var intervals = step.Stages.Where(s => s.Measured)
            .Select(s => new SoakInterval(s.Name, s.StartRate, s.CompletedRate, s.Latency.P50Ms, s.Latency.P99Ms, s.Latency.MaxMs, s.Errors)).ToList();
        return new SoakReport(intervalSeconds, intervals, memorySource, memory, Judge(intervals, memory));
    }

    /// <summary>The drift flags: p99 of the last interval against the first, and each process's memory growth.</summary>
    public static IReadOnlyList<string> Judge(IReadOnlyList<SoakInterval> intervals, IReadOnlyList<MemorySeries> memory)
    {
        ArgumentNullException.ThrowIfNull(intervals);
        ArgumentNullException.ThrowIfNull(memory);
        var flags = new List<string>();
        if (intervals.Count >= 2)
        {
            var (first, last) = (intervals[0].P99Ms, intervals[^1].P99Ms);
            if (last > first * P99Growth && last - first >= P99MinimumRiseMs)
            {
                flags.Add(FormattableString.Invariant($"latency drift: p99 {first:0.00} ms in {intervals[0].Name}, {last:0.00} ms in {intervals[^1].Name} (x{last / Math.Max(first, 0.001):0.0})"));
            }
        }
        foreach (var series in memory)
        {
            var samples = series.ResidentMiB.Where(v => v is not null).Select(v => v!.Value).ToList();
            if (samples.Count >= 2 && samples[^1] > samples[0] * (1 + MemoryGrowth) && samples[^1] - samples[0] >= MemoryMinimumRiseMiB)
            {
                flags.Add(FormattableString.Invariant($"memory growth: {series.Process} {samples[0]:0} MiB to {samples[^1]:0} MiB (+{(samples[^1] / samples[0]) - 1:0%})"));
            }
        }
        return flags;
    }
}
