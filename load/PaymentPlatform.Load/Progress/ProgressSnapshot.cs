using System.Diagnostics;
using PaymentPlatform.Load.Engine;

namespace PaymentPlatform.Load.Progress;

/// <summary>What the live display shows once a second.</summary>
public sealed record ProgressSnapshot(
    string Step,
    string Stage,
    TimeSpan Elapsed,
    TimeSpan Duration,
    double TargetRate,
    double SentLastSecond,
    long Completed,
    long Errors,
    long Dropped,
    long InFlight,
    double? P99LastSecondMs)
{
    /// <summary>Reads the live counters; the last full second gives the rate and the p99.</summary>
    public static ProgressSnapshot Of(string step, StepMeasurements measurements)
    {
        ArgumentNullException.ThrowIfNull(measurements);
        var elapsed = Stopwatch.GetElapsedTime(measurements.StartTimestamp);
        var plan = measurements.Plan;
        var lastSecond = measurements.Timeline[Math.Max(0, measurements.SecondOf(Stopwatch.GetTimestamp()) - 1)];
        var operation = measurements.Operations[0];
        var completed = measurements.CompletedByStage.Sum() + measurements.CompletedAfterPlan;
        var errors = operation.ErrorsByStage.Sum();
        var stage = elapsed < plan.Duration ? plan.Stages[plan.StageAt(elapsed)].Name : "draining";
        return new ProgressSnapshot(
            step, stage, elapsed, plan.Duration,
            elapsed < plan.Duration ? plan.RateAt(elapsed) : 0,
            Interlocked.Read(ref lastSecond.Sent),
            completed, errors, measurements.DroppedByStage.Sum(), measurements.InFlight,
            lastSecond.Latency.TotalCount > 0 ? lastSecond.Latency.ValueAtPercentile(99) / 1000.0 : null);
    }
}

/// <summary>Shows progress: a live table on a terminal, plain lines otherwise.</summary>
public interface IProgressDisplay
{
    Task RunAsync(Func<IProgress<ProgressSnapshot>, Task> work);

    /// <summary>A line that stays on screen (a warning, a phase change).</summary>
    void Note(string message);
}
