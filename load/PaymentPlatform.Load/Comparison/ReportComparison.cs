using PaymentPlatform.Load.Ceilings;
using PaymentPlatform.Load.Reporting;

namespace PaymentPlatform.Load.Comparison;

/// <summary>How one figure moved from the baseline to the candidate.</summary>
public enum Verdict
{
    /// <summary>Within the tolerance, or better.</summary>
    Ok,

    /// <summary>Better by more than the tolerance.</summary>
    Better,

    /// <summary>Worse by more than the tolerance, and (where both reports carry the ceiling) worse as a ratio to it too.</summary>
    Regression,

    /// <summary>Worse by more than the tolerance, but not as a ratio to the ceiling: the machine moved, not the code.</summary>
    Drift,

    /// <summary>A ceiling itself, or a figure only one report has: shown, never judged.</summary>
    NotJudged,
}

/// <summary>
/// One figure of both reports: the values, their relative change, and where both reports carry the figure's
/// ceiling, the values as ratios to it and their change.
/// </summary>
public sealed record ComparisonRow(
    string Step,
    string Operation,
    string Metric,
    double? Baseline,
    double? Candidate,
    double? Change,
    string? Ceiling,
    double? BaselineRatio,
    double? CandidateRatio,
    double? RatioChange,
    Verdict Verdict);

/// <summary>The comparison of two runs' JSON reports.</summary>
public sealed record ReportComparison(double Tolerance, IReadOnlyList<ComparisonRow> Rows, IReadOnlyList<string> Notes)
{
    public bool HasRegression => Rows.Any(r => r.Verdict == Verdict.Regression);

    /// <summary>
    /// Compares <paramref name="candidate"/> with <paramref name="baseline"/>, step by step (matched by name)
    /// and operation by operation: p50, p99, p99.9 and errors of each operation, the achieved rate of each step,
    /// the stress breakpoint, and the ceilings themselves (not judged). A figure regresses when it is worse by
    /// more than <paramref name="tolerance"/> (0.1 for 10%) and, where both reports carry its ceiling, also
    /// worse by more than the tolerance as a ratio to that ceiling; errors have no ceiling.
    /// </summary>
    public static ReportComparison Compare(RunReport baseline, RunReport candidate, double tolerance)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentOutOfRangeException.ThrowIfNegative(tolerance);
        var rows = new List<ComparisonRow>();
        var notes = new List<string>();
        if (baseline.Scenario != candidate.Scenario)
        {
            notes.Add($"different scenarios: {baseline.Scenario} against {candidate.Scenario}");
        }
        foreach (var step in baseline.Steps)
        {
            var other = candidate.Steps.FirstOrDefault(s => s.Name == step.Name);
            if (other is null)
            {
                notes.Add($"step '{step.Name}' is only in the baseline");
                continue;
            }
            rows.AddRange(CompareStep(step, other, baseline, candidate, tolerance));
        }
        notes.AddRange(candidate.Steps.Where(s => baseline.Steps.All(b => b.Name != s.Name)).Select(s => $"step '{s.Name}' is only in the candidate"));

        if (baseline.Breakpoint is not null || candidate.Breakpoint is not null)
        {
            rows.Add(Judge("stress", "", "breakpoint (last good /s)", baseline.Breakpoint?.LastGoodRate, candidate.Breakpoint?.LastGoodRate,
                higherIsBetter: true, "hello-world saturation", baseline.Ceilings?.HelloSaturation?.Rate, candidate.Ceilings?.HelloSaturation?.Rate, tolerance));
        }
        rows.Add(Shown("ceilings", "", "hello-world saturation /s", baseline.Ceilings?.HelloSaturation?.Rate, candidate.Ceilings?.HelloSaturation?.Rate));
        rows.Add(Shown("ceilings", "", "pgbench tps", baseline.Ceilings?.Pgbench?.Tps, candidate.Ceilings?.Pgbench?.Tps));
        if (baseline.Ceilings is null || candidate.Ceilings is null)
        {
            notes.Add("ratios to the ceilings: only where both reports carry them; otherwise absolute figures alone are judged");
        }
        return new ReportComparison(tolerance, [.. rows.Where(r => r.Baseline is not null || r.Candidate is not null)], notes);
    }

    private static IEnumerable<ComparisonRow> CompareStep(StepReport baseline, StepReport candidate, RunReport baselineRun, RunReport candidateRun, double tolerance)
    {
        var (baseHello, candidateHello) = (CeilingMaths.HelloBeside(baseline), CeilingMaths.HelloBeside(candidate));
        foreach (var operation in baseline.Operations.Where(o => o.Latency.Count > 0))
        {
            var other = candidate.Operations.FirstOrDefault(o => o.Name == operation.Name && o.Latency.Count > 0);
            if (other is null)
            {
                continue;
            }
            if (operation.Name == CeilingMaths.HelloBesideOperation)
            {
                // The ceiling itself: shown so a reader sees the machine move, never judged.
                yield return Shown(baseline.Name, operation.Name, "p99 ms", operation.Latency.P99Ms, other.Latency.P99Ms);
                continue;
            }
            foreach (var (metric, value) in Percentiles)
            {
                yield return Judge(baseline.Name, operation.Name, metric, value(operation.Latency), value(other.Latency), higherIsBetter: false,
                    "hello-world at the same rate", baseHello is null ? null : value(baseHello), candidateHello is null ? null : value(candidateHello), tolerance);
            }
            yield return JudgeErrors(baseline.Name, operation, other, tolerance);
        }
        var (baseCeiling, candidateCeiling, ceiling) = RateCeiling(baselineRun.Ceilings, candidateRun.Ceilings);
        yield return Judge(baseline.Name, "", "achieved /s", baseline.AchievedRate, candidate.AchievedRate, higherIsBetter: true,
            ceiling, baseCeiling, candidateCeiling, tolerance);
    }

    private static readonly (string Metric, Func<LatencySummary, double> Value)[] Percentiles =
        [("p50 ms", l => l.P50Ms), ("p99 ms", l => l.P99Ms), ("p99.9 ms", l => l.P999Ms)];

    /// <summary>A rate's ceiling: the hello-world saturation rate where both reports have it, else pgbench's tps.</summary>
    private static (double? Baseline, double? Candidate, string? Name) RateCeiling(CeilingReport? baseline, CeilingReport? candidate) =>
        baseline?.HelloSaturation?.Rate is { } b && candidate?.HelloSaturation?.Rate is { } c ? (b, c, "hello-world saturation")
        : baseline?.Pgbench?.Tps is { } pb && candidate?.Pgbench?.Tps is { } pc ? (pb, pc, "pgbench tps")
        : (null, null, null);

    /// <summary>Judges one figure against the tolerance, and where both ceilings are known, its ratio to them too.</summary>
    public static ComparisonRow Judge(string step, string operation, string metric, double? baseline, double? candidate, bool higherIsBetter,
        string? ceiling, double? baselineCeiling, double? candidateCeiling, double tolerance)
    {
        if (baseline is not { } b || candidate is not { } c)
        {
            return Shown(step, operation, metric, baseline, candidate);
        }
        var hasRatios = baselineCeiling > 0 && candidateCeiling > 0;
        double? baseRatio = hasRatios ? b / baselineCeiling : null;
        double? candidateRatio = hasRatios ? c / candidateCeiling : null;
        var worse = Worse(b, c, higherIsBetter, tolerance);
        var verdict = worse
            ? (!hasRatios || Worse(baseRatio!.Value, candidateRatio!.Value, higherIsBetter, tolerance) ? Verdict.Regression : Verdict.Drift)
            : Worse(c, b, higherIsBetter, tolerance) ? Verdict.Better : Verdict.Ok;
        return new ComparisonRow(step, operation, metric, b, c, Change(b, c), hasRatios ? ceiling : null, baseRatio, candidateRatio,
            hasRatios ? Change(baseRatio!.Value, candidateRatio!.Value) : null, verdict);
    }

    /// <summary>
    /// Errors have no ceiling and are not noise: more errors regress when the candidate's error share is also
    /// beyond the tolerance of the baseline's (any error at all against a baseline without one).
    /// </summary>
    private static ComparisonRow JudgeErrors(string step, OperationReport baseline, OperationReport candidate, double tolerance)
    {
        var baseShare = (double)baseline.Errors / Math.Max(1, baseline.Latency.Count);
        var candidateShare = (double)candidate.Errors / Math.Max(1, candidate.Latency.Count);
        var verdict = candidate.Errors > baseline.Errors && candidateShare > baseShare * (1 + tolerance) ? Verdict.Regression
            : candidate.Errors < baseline.Errors && candidateShare < baseShare * (1 - tolerance) ? Verdict.Better
            : Verdict.Ok;
        return new ComparisonRow(step, baseline.Name, "errors", baseline.Errors, candidate.Errors, Change(baseline.Errors, candidate.Errors),
            null, null, null, null, verdict);
    }

    private static ComparisonRow Shown(string step, string operation, string metric, double? baseline, double? candidate) =>
        new(step, operation, metric, baseline, candidate, baseline is { } b && candidate is { } c ? Change(b, c) : null, null, null, null, null, Verdict.NotJudged);

    private static bool Worse(double baseline, double candidate, bool higherIsBetter, double tolerance) =>
        higherIsBetter ? candidate < baseline * (1 - tolerance) : candidate > baseline * (1 + tolerance);

    /// <summary>The relative change (0.1 for +10%); null from a baseline of 0.</summary>
    public static double? Change(double baseline, double candidate) =>
        baseline != 0 ? (candidate / baseline) - 1 : candidate == 0 ? 0 : null;
}
