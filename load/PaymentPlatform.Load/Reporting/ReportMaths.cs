using System.Globalization;
using PaymentPlatform.Load.Engine;
using PaymentPlatform.Load.Histograms;

namespace PaymentPlatform.Load.Reporting;

/// <summary>Turns a run's raw measurements into the figures every report shows.</summary>
public static class ReportMaths
{
    /// <summary>The schedule is kept when the generator started 99% of requests within this of their due time.</summary>
    public static readonly TimeSpan StartLagLimit = TimeSpan.FromMilliseconds(1);

    /// <summary>The percentiles the distribution chart plots, as far as the sample size supports them.</summary>
    private static readonly double[] DistributionPercentiles =
        [0, 10, 20, 30, 40, 50, 60, 70, 75, 80, 85, 90, 95, 97, 98, 99, 99.5, 99.7, 99.9, 99.95, 99.97, 99.99, 99.995, 99.999];

    public static StepReport Step(string name, StepMeasurements measurements)
    {
        ArgumentNullException.ThrowIfNull(measurements);
        var plan = measurements.Plan;
        var measuredStages = Enumerable.Range(0, plan.Stages.Count).Where(i => plan.Stages[i].Measured).ToList();
        var measuredSeconds = measuredStages.Sum(i => plan.Stages[i].Duration.TotalSeconds);
        var primary = measurements.Operations[0];
        var operations = measurements.Operations.Select(o => new OperationReport(
            o.Name, LatencySummary.Of(o.Measured), ErrorCount(o.Outcomes), new SortedDictionary<string, long>(o.Outcomes, StringComparer.Ordinal))).ToList();
        var errorsByKind = measurements.Operations
            .SelectMany(o => ErrorsOnly(o.Outcomes).Select(e => (Kind: $"{o.Name}: {e.Key}", e.Value)))
            .ToDictionary(e => e.Kind, e => e.Value, StringComparer.Ordinal);
        return new StepReport(
            name,
            primary.Name,
            measuredSeconds,
            TargetRate: Rate(measuredStages.Sum(i => plan.Stages[i].Arrivals), measuredSeconds),
            // Time-outs and failures are not throughput: only answers without an error count.
            AchievedRate: Rate(measuredStages.Sum(i => measurements.AnsweredByStage[i]), measuredSeconds),
            SentRate: Rate(measuredStages.Sum(i => measurements.SentByStage[i]), measuredSeconds),
            LatencySummary.Of(primary.Measured),
            errorsByKind.Values.Sum(),
            errorsByKind,
            operations,
            Stages(measurements),
            Timeline(measurements.Timeline),
            Distribution(primary.Measured),
            Generator(measurements.StartLag, measuredStages.Sum(i => measurements.DroppedByStage[i])));
    }

    public static double Rate(double count, double seconds) => seconds > 0 ? count / seconds : 0;

    public static GeneratorHealth Generator(LatencyHistogram startLag, long dropped)
    {
        ArgumentNullException.ThrowIfNull(startLag);
        var p99 = startLag.ValueAtPercentile(99) / 1000.0;
        var problems = new List<string>();
        if (p99 > StartLagLimit.TotalMilliseconds)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture,
                $"started 1% of requests more than {p99:0.00} ms late (limit {StartLagLimit.TotalMilliseconds:0.#} ms)"));
        }
        if (dropped > 0)
        {
            problems.Add($"dropped {dropped} requests with too many in flight");
        }
        var warning = problems.Count == 0 ? null
            : $"The generator could not keep its own schedule: it {string.Join(" and ", problems)}. The latencies include the generator's own delay; treat them as an upper bound.";
        return new GeneratorHealth(startLag.ValueAtPercentile(50) / 1000.0, p99, startLag.Max / 1000.0, dropped, warning);
    }

    public static IReadOnlyList<SecondPoint> Timeline(IReadOnlyList<SecondWindow> windows)
    {
        ArgumentNullException.ThrowIfNull(windows);
        var last = windows.Count - 1;
        while (last >= 0 && windows[last].Latency.TotalCount == 0 && windows[last].Sent == 0)
        {
            last--;
        }
        return [.. windows.Take(last + 1).Select((w, second) => new SecondPoint(
            second, w.Sent, w.Latency.TotalCount, w.Errors,
            w.Latency.TotalCount > 0 ? w.Latency.ValueAtPercentile(50) / 1000.0 : null,
            w.Latency.TotalCount > 0 ? w.Latency.ValueAtPercentile(99) / 1000.0 : null))];
    }

    /// <summary>The latency at each percentile that at least one sample separates from the maximum, then the maximum.</summary>
    public static IReadOnlyList<PercentilePoint> Distribution(LatencyHistogram histogram)
    {
        ArgumentNullException.ThrowIfNull(histogram);
        if (histogram.TotalCount == 0)
        {
            return [];
        }
        var points = DistributionPercentiles
            .Where(p => p < 100 && (100 - p) / 100 * histogram.TotalCount >= 1)
            .Select(p => new PercentilePoint(p, histogram.ValueAtPercentile(p) / 1000.0))
            .ToList();
        points.Add(new PercentilePoint(100, histogram.Max / 1000.0));
        return points;
    }

    /// <summary>
    /// A stress test's verdict: steps in increasing rate; the first step whose p99 passes the limit,
    /// or that has errors, is the breakpoint.
    /// </summary>
    public static Breakpoint FindBreakpoint(IReadOnlyList<StepReport> steps, double p99LimitMs)
    {
        ArgumentNullException.ThrowIfNull(steps);
        double? lastGood = null;
        foreach (var step in steps)
        {
            var reason = step.Errors > 0 ? $"{step.Errors} errors"
                : step.Latency.P99Ms > p99LimitMs ? string.Create(CultureInfo.InvariantCulture, $"p99 {step.Latency.P99Ms:0.00} ms > {p99LimitMs:0.##} ms")
                : null;
            if (reason is not null)
            {
                return new Breakpoint(lastGood, step.TargetRate, string.Create(CultureInfo.InvariantCulture, $"at {step.TargetRate:0}/s: {reason}"));
            }
            lastGood = step.TargetRate;
        }
        return new Breakpoint(lastGood, null, "every step met the limits: raise --max-rate to find the breakpoint");
    }

    private static List<StageReport> Stages(StepMeasurements m)
    {
        var primary = m.Operations[0];
        return [.. m.Plan.Stages.Select((s, i) => new StageReport(
            s.Name, s.Duration.TotalSeconds, s.StartRate, s.EndRate, s.Measured,
            Rate(m.SentByStage[i], s.Duration.TotalSeconds),
            Rate(m.CompletedByStage[i], s.Duration.TotalSeconds),
            m.DroppedByStage[i],
            primary.ErrorsByStage[i],
            LatencySummary.Of(primary.ByStage[i])))];
    }

    private static long ErrorCount(IReadOnlyDictionary<string, long> outcomes) => ErrorsOnly(outcomes).Values.Sum();

    private static Dictionary<string, long> ErrorsOnly(IReadOnlyDictionary<string, long> outcomes) => outcomes
        .Where(o => o.Key.StartsWith(ErrorPrefix, StringComparison.Ordinal))
        .ToDictionary(o => o.Key[ErrorPrefix.Length..], o => o.Value, StringComparer.Ordinal);

    private const string ErrorPrefix = OperationMeasurements.ErrorPrefix;
}
