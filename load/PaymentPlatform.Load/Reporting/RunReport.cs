using PaymentPlatform.Load.Ceilings;
using PaymentPlatform.Load.Histograms;
using PaymentPlatform.Load.Scenarios.Soak;

namespace PaymentPlatform.Load.Reporting;

/// <summary>Latency percentiles in milliseconds.</summary>
public sealed record LatencySummary(long Count, double P50Ms, double P90Ms, double P99Ms, double P999Ms, double MaxMs, double MeanMs)
{
    public static LatencySummary Of(LatencyHistogram histogram)
    {
        ArgumentNullException.ThrowIfNull(histogram);
        static double Ms(long microseconds) => microseconds / 1000.0;
        return new LatencySummary(
            histogram.TotalCount,
            Ms(histogram.ValueAtPercentile(50)),
            Ms(histogram.ValueAtPercentile(90)),
            Ms(histogram.ValueAtPercentile(99)),
            Ms(histogram.ValueAtPercentile(99.9)),
            Ms(histogram.Max),
            histogram.Mean / 1000.0);
    }
}

public sealed record OperationReport(string Name, LatencySummary Latency, long Errors, IReadOnlyDictionary<string, long> Outcomes);

public sealed record StageReport(
    string Name, double DurationSeconds, double StartRate, double EndRate, bool Measured,
    double SentRate, double CompletedRate, long Dropped, long Errors, LatencySummary Latency);

/// <summary>One second of the run, by completion time: the scheduled operation's figures.</summary>
public sealed record SecondPoint(int Second, long Sent, long Completed, long Errors, double? P50Ms, double? P99Ms);

public sealed record PercentilePoint(double Percentile, double LatencyMs);

/// <summary>Whether the generator itself kept to its schedule: if not, the figures measure the generator too.</summary>
public sealed record GeneratorHealth(double StartLagP50Ms, double StartLagP99Ms, double StartLagMaxMs, long Dropped, string? Warning)
{
    public bool KeptSchedule => Warning is null;
}

/// <summary>One run of a plan (a scenario has one, or several such as the steps of a stress test).</summary>
public sealed record StepReport(
    string Name,
    string PrimaryOperation,
    double MeasuredSeconds,
    double TargetRate,
    double AchievedRate,
    double SentRate,
    LatencySummary Latency,
    long Errors,
    IReadOnlyDictionary<string, long> ErrorsByKind,
    IReadOnlyList<OperationReport> Operations,
    IReadOnlyList<StageReport> Stages,
    IReadOnlyList<SecondPoint> Timeline,
    IReadOnlyList<PercentilePoint> Distribution,
    GeneratorHealth Generator);

/// <summary>
/// One end-of-run check of the scenario's outcome (through the public API, or the platform's internal
/// APIs when the generator can reach them), with its counts; a check that could not run for lack of
/// access is <see cref="Skipped"/> (it passes, and its detail says what it needs).
/// </summary>
public sealed record VerificationCheck(string Name, bool Passed, string Detail, IReadOnlyDictionary<string, long>? Counts = null, bool Skipped = false)
{
    public static VerificationCheck Skip(string name, string why) => new(name, Passed: true, why, Skipped: true);
}

/// <summary>Where a stress test stopped: the last rate that met the limits and the first that did not.</summary>
public sealed record Breakpoint(double? LastGoodRate, double? FirstBadRate, string Reason);

public sealed record RunReport(
    string Scenario,
    DateTimeOffset StartedAt,
    double TookSeconds,
    MeasurementConditions Conditions,
    IReadOnlyList<StepReport> Steps,
    IReadOnlyList<VerificationCheck> Verification,
    Breakpoint? Breakpoint,
    IReadOnlyList<string> Warnings,
    CeilingReport? Ceilings = null,
    SoakReport? Soak = null)
{
    public bool Verified => Verification.All(check => check.Passed);
}
