using System.Globalization;
using System.Text;
using PaymentPlatform.Load.Ceilings;
using PaymentPlatform.Load.Scenarios.Soak;

namespace PaymentPlatform.Load.Reporting;

/// <summary>The text of a report's ceilings (with each step's ratios to them) and of a soak's intervals and drift.</summary>
public static class CeilingText
{
    public static string Ceilings(RunReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (report.Ceilings is not { } c)
        {
            return "";
        }
        var text = new StringBuilder();
        void Line(FormattableString line) => text.AppendLine(line.ToString(CultureInfo.InvariantCulture));
        text.AppendLine("Ceilings (same run: hello-world beside every step; saturation and pgbench after the steps and the verification)");
        if (c.HelloSaturation is { } s)
        {
            Line($"  hello-world saturation  {Rate(s.Rate)} (highest rate held: {SaturationSearch.AchievedShare:0%} answered, no errors or drops, p99 <= {s.P99LimitMs:0.##} ms; {s.MeasuredSecondsPerStep:0.#} s per step)");
            Line($"    {"target/s",10} {"achieved/s",10} {"p99 ms",9} {"errors",7} {"dropped",8}  schedule  held");
            foreach (var step in s.Steps)
            {
                Line($"    {step.TargetRate,10:0} {step.AchievedRate,10:0.0} {step.P99Ms,9:0.000} {step.Errors,7} {step.Dropped,8}  {(step.KeptSchedule ? "kept" : "LATE"),-8}  {(step.Held ? "yes" : "no")}");
            }
        }
        if (c.Pgbench is { } p)
        {
            Line($"  pgbench                 {p.Tps:0} tps, latency average {p.LatencyAverageMs:0.00} ms ({p.Command}; load average {p.LoadAverage})");
        }
        foreach (var note in c.Notes)
        {
            Line($"  {note}");
        }
        Line($"  {"step",-28} {"achieved/s",10} {"p99 ms",9} {"hello p99",9} {"above",9} {"p99/hello",9} {"/saturation",11} {"/pgbench",9}");
        foreach (var r in c.Steps)
        {
            Line($"  {r.Step,-28} {r.AchievedRate,10:0.0} {r.P99Ms,9:0.000} {Number(r.HelloP99Ms, "0.000"),9} {Number(r.P99AboveHelloMs, "+0.000;-0.000"),9} {Number(r.P99RatioToHello, "0.0", "x"),9} {Number(r.RatioToHelloSaturation, "0.000"),11} {Number(r.RatioToPgbench, "0.000"),9}");
        }
        if (report.Breakpoint?.LastGoodRate is { } good)
        {
            var toSaturation = c.HelloSaturation?.Rate is { } saturation ? CeilingMaths.Ratio(good, saturation) : null;
            var toPgbench = c.Pgbench is { } pg ? CeilingMaths.Ratio(good, pg.Tps) : null;
            Line($"  stress breakpoint (last good {good:0}/s) = {Number(toSaturation, "0.000")} x hello-world saturation, {Number(toPgbench, "0.000")} x pgbench tps");
        }
        Line($"  goals (issue 15): p99 at most {CeilingMaths.P99AboveHelloGoalMs:0} ms above the hello-world's at the same rate; payments/s at least {CeilingMaths.PgbenchRatioGoal:0.0#} of pgbench's tps");
        return text.ToString();
    }

    public static string Soak(SoakReport soak)
    {
        ArgumentNullException.ThrowIfNull(soak);
        var text = new StringBuilder();
        void Line(FormattableString line) => text.AppendLine(line.ToString(CultureInfo.InvariantCulture));
        Line($"Soak: {soak.Intervals.Count} intervals of {soak.IntervalSeconds:0.#} s");
        Line($"  {"interval",-16} {"target/s",8} {"done/s",8} {"p50",8} {"p99",8} {"max",9} {"errors",7}");
        foreach (var i in soak.Intervals)
        {
            Line($"  {i.Name,-16} {i.TargetRate,8:0} {i.CompletedRate,8:0.0} {i.P50Ms,8:0.000} {i.P99Ms,8:0.000} {i.MaxMs,9:0.000} {i.Errors,7}");
        }
        Line($"  memory: {soak.MemorySource}");
        if (soak.Memory.Count > 0)
        {
            Line($"  {"process (MiB)",-16} {"start",8} {"end",8} {"min",8} {"max",8} {"change",8}");
            foreach (var series in soak.Memory)
            {
                var samples = series.ResidentMiB.Where(v => v is not null).Select(v => v!.Value).ToList();
                if (samples.Count > 0)
                {
                    Line($"  {series.Process,-16} {samples[0],8:0.0} {samples[^1],8:0.0} {samples.Min(),8:0.0} {samples.Max(),8:0.0} {samples[^1] - samples[0],8:+0.0;-0.0}");
                }
            }
        }
        Line($"  drift (last interval against the first): {(soak.Drift.Count == 0 ? "none" : string.Join("; ", soak.Drift))}");
        return text.ToString();
    }

    private static string Rate(double? rate) => rate is { } r ? string.Create(CultureInfo.InvariantCulture, $"{r:0}/s") : "none held";

    private static string Number(double? value, string format, string suffix = "") =>
        value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) + suffix : "-";
}
