using PaymentPlatform.Load.Reporting;

namespace PaymentPlatform.Load.Ceilings;

/// <summary>
/// The machine's ceilings, measured in the same run as the scenario, and each step's figures as ratios to
/// them: absolute numbers on a shared 2-core machine drift from run to run, ratios drift much less.
/// </summary>
public sealed record CeilingReport(
    HelloSaturation? HelloSaturation,
    PgbenchCeiling? Pgbench,
    IReadOnlyList<StepCeilingRatios> Steps,
    IReadOnlyList<string> Notes);

/// <summary>The hello-world's saturation rate: the highest rate of a short stepped run that it held.</summary>
public sealed record HelloSaturation(double? Rate, double P99LimitMs, double MeasuredSecondsPerStep, IReadOnlyList<SaturationStep> Steps);

/// <summary>One step of the saturation search; <see cref="Held"/> when it met every condition of <see cref="SaturationSearch.Holds"/>.</summary>
public sealed record SaturationStep(double TargetRate, double AchievedRate, double P99Ms, long Errors, long Dropped, bool KeptSchedule, bool Held);

/// <summary>PostgreSQL's own write rate on the platform's server: <c>pgbench -N -c 16 -j 2 -T n</c>.</summary>
public sealed record PgbenchCeiling(string Command, double Tps, double LatencyAverageMs, string LoadAverage);

/// <summary>
/// One step's figures beside the ceilings: its p99 against the hello-world's p99 at the same rate (same
/// due times, same run), and its achieved rate against the hello-world saturation rate and pgbench's tps.
/// </summary>
public sealed record StepCeilingRatios(
    string Step,
    double AchievedRate,
    double P99Ms,
    double? HelloP99Ms,
    double? P99AboveHelloMs,
    double? P99RatioToHello,
    double? RatioToHelloSaturation,
    double? RatioToPgbench);

/// <summary>The ratios of each figure to the ceilings, and the goals for them.</summary>
public static class CeilingMaths
{
    /// <summary>The operation that times <c>GET /</c> on the hello-world at a scenario's own due times.</summary>
    public const string HelloBesideOperation = "GET / (hello-world, same schedule)";

    /// <summary>Goal: the scenario's p99 at most this far above the hello-world's p99 at the same rate.</summary>
    public const double P99AboveHelloGoalMs = 2;

    /// <summary>Goal: payments per second at least this share of pgbench's transactions per second.</summary>
    public const double PgbenchRatioGoal = 0.4;

    public static StepCeilingRatios Ratios(StepReport step, HelloSaturation? saturation, PgbenchCeiling? pgbench)
    {
        ArgumentNullException.ThrowIfNull(step);
        var hello = HelloBeside(step);
        var p99 = step.Latency.P99Ms;
        return new StepCeilingRatios(
            step.Name,
            step.AchievedRate,
            p99,
            hello?.P99Ms,
            hello is null ? null : p99 - hello.P99Ms,
            hello is null ? null : Ratio(p99, hello.P99Ms),
            saturation?.Rate is { } rate ? Ratio(step.AchievedRate, rate) : null,
            pgbench is null ? null : Ratio(step.AchievedRate, pgbench.Tps));
    }

    /// <summary>The hello-world's latencies measured beside <paramref name="step"/>, if it ran beside it.</summary>
    public static LatencySummary? HelloBeside(StepReport step)
    {
        ArgumentNullException.ThrowIfNull(step);
        return step.Operations.FirstOrDefault(o => o.Name == HelloBesideOperation && o.Latency.Count > 0)?.Latency;
    }

    public static double? Ratio(double value, double ceiling) => ceiling > 0 ? value / ceiling : null;
}
