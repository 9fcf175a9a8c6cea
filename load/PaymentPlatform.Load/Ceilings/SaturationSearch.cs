using PaymentPlatform.Load.Reporting;

namespace PaymentPlatform.Load.Ceilings;

/// <summary>
/// Where the hello-world stops keeping up: double the rate from <see cref="StartRate"/> until a step fails,
/// then halve the gap between the last rate held and the first failed <see cref="Refinements"/> times.
/// </summary>
public static class SaturationSearch
{
    public const double StartRate = 1000;
    public const double MaxRate = 64_000;
    public const int Refinements = 2;

    /// <summary>The share of the target rate that must be answered within the measured seconds.</summary>
    public const double AchievedShare = 0.95;

    /// <summary>A step holds when it answered 95% of its target rate with no errors, no drops and p99 within the limit.</summary>
    public static bool Holds(StepReport step, double p99LimitMs)
    {
        ArgumentNullException.ThrowIfNull(step);
        return step.Errors == 0 && step.Generator.Dropped == 0 && step.AchievedRate >= AchievedShare * step.TargetRate && step.Latency.P99Ms <= p99LimitMs;
    }

    public static SaturationStep Summarise(StepReport step, double p99LimitMs)
    {
        ArgumentNullException.ThrowIfNull(step);
        return new(step.TargetRate, step.AchievedRate, step.Latency.P99Ms, step.Errors, step.Generator.Dropped, step.Generator.KeptSchedule, Holds(step, p99LimitMs));
    }

    /// <summary>The next rate to try after <paramref name="done"/>, or null when the search is over.</summary>
    public static double? Next(IReadOnlyList<SaturationStep> done)
    {
        ArgumentNullException.ThrowIfNull(done);
        if (done.Count == 0)
        {
            return StartRate;
        }
        var firstFailure = done.Select((s, i) => (s, i)).FirstOrDefault(x => !x.s.Held);
        if (firstFailure.s is null)
        {
            var doubled = done[^1].TargetRate * 2;
            return doubled <= MaxRate ? doubled : null;
        }
        if (done.Count - 1 - firstFailure.i >= Refinements)
        {
            return null;
        }
        var low = Rate(done) ?? 0;
        var high = done.Where(s => !s.Held).Min(s => s.TargetRate);
        var next = Math.Round((low + high) / 2);
        return next > low && next < high ? next : null;
    }

    /// <summary>The saturation rate: the highest rate held below the lowest rate that failed; null when none held.</summary>
    public static double? Rate(IReadOnlyList<SaturationStep> done)
    {
        ArgumentNullException.ThrowIfNull(done);
        var lowestFailure = done.Where(s => !s.Held).Select(s => s.TargetRate).DefaultIfEmpty(double.MaxValue).Min();
        var held = done.Where(s => s.Held && s.TargetRate < lowestFailure).Select(s => s.TargetRate).ToList();
        return held.Count > 0 ? held.Max() : null;
    }
}
