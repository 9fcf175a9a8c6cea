using System.Globalization;
using System.Text;

namespace PaymentPlatform.Load.Reporting;

/// <summary>The report as plain text: what the console prints and report.txt holds.</summary>
public static class TextReport
{
    public static string Render(RunReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var text = new StringBuilder();
        void Line(FormattableString line) => text.AppendLine(line.ToString(CultureInfo.InvariantCulture));

        Line($"PaymentPlatform load report: {report.Scenario}");
        Line($"started {report.StartedAt:yyyy-MM-dd HH:mm:ss}Z, took {report.TookSeconds:0} s");
        text.AppendLine();
        AppendConditions(text, report.Conditions);

        foreach (var step in report.Steps)
        {
            text.AppendLine();
            AppendStep(text, step);
        }

        if (report.Breakpoint is { } breakpoint)
        {
            text.AppendLine();
            Line($"Breakpoint: last good {Rate(breakpoint.LastGoodRate)}, first bad {Rate(breakpoint.FirstBadRate)} ({breakpoint.Reason})");
        }

        if (report.Soak is { } soak)
        {
            text.AppendLine();
            text.Append(CeilingText.Soak(soak));
        }

        if (report.Ceilings is not null)
        {
            text.AppendLine();
            text.Append(CeilingText.Ceilings(report));
        }

        if (report.Verification.Count > 0)
        {
            text.AppendLine();
            Line($"Verification: {(report.Verified ? "passed" : "FAILED")}");
            foreach (var check in report.Verification)
            {
                Line($"  [{(check.Passed ? "ok" : "FAIL")}] {check.Name}: {check.Detail}");
            }
        }

        if (report.Warnings.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("Warnings");
            foreach (var warning in report.Warnings)
            {
                text.Append("  ! ").AppendLine(warning);
            }
        }
        return text.ToString();
    }

    private static void AppendConditions(StringBuilder text, MeasurementConditions c)
    {
        void Line(FormattableString line) => text.AppendLine(line.ToString(CultureInfo.InvariantCulture));
        text.AppendLine("Measurement conditions");
        Line($"  machine       {c.Cores} cores ({c.Cpu}), {c.Memory}, {c.OperatingSystem}, {c.Runtime}");
        Line($"  load average  {c.LoadAverageAtStart} at start; {c.LoadAverageAtEnd} at end (1, 5, 15 min)");
        Line($"  target        {c.Target}");
        foreach (var note in c.TargetNotes)
        {
            Line($"                {note}");
        }
        Line($"  command       {c.CommandLine}");
    }

    private static void AppendStep(StringBuilder text, StepReport step)
    {
        void Line(FormattableString line) => text.AppendLine(line.ToString(CultureInfo.InvariantCulture));
        Line($"Step {step.Name}: target {step.TargetRate:0.#}/s, achieved {step.AchievedRate:0.#}/s (sent {step.SentRate:0.#}/s) over {step.MeasuredSeconds:0.#} s measured; {step.Latency.Count} scheduled requests, {step.Errors} errors");
        Line($"  {"latency (ms)",-36} {"count",8} {"p50",8} {"p90",8} {"p99",8} {"p99.9",8} {"max",9} {"errors",7}");
        foreach (var operation in step.Operations.Where(o => o.Latency.Count > 0))
        {
            var l = operation.Latency;
            Line($"  {operation.Name,-36} {l.Count,8} {l.P50Ms,8:0.000} {l.P90Ms,8:0.000} {l.P99Ms,8:0.000} {l.P999Ms,8:0.000} {l.MaxMs,9:0.000} {operation.Errors,7}");
        }
        if (step.Stages.Count > 1)
        {
            Line($"  {"stage",-36} {"target/s",8} {"sent/s",8} {"done/s",8} {"p50",8} {"p99",8} {"max",9} {"errors",7}");
            foreach (var s in step.Stages)
            {
                var target = s.StartRate == s.EndRate ? $"{s.StartRate:0}" : $"{s.StartRate:0}>{s.EndRate:0}";
                Line($"  {(s.Measured ? s.Name : s.Name + " (not measured)"),-36} {target,8} {s.SentRate,8:0.0} {s.CompletedRate,8:0.0} {s.Latency.P50Ms,8:0.000} {s.Latency.P99Ms,8:0.000} {s.Latency.MaxMs,9:0.000} {s.Errors,7}");
            }
        }
        var outcomes = step.Operations.SelectMany(o => o.Outcomes.Select(kv => $"{o.Name}: {kv.Key} x{kv.Value}")).ToList();
        if (outcomes.Count > 0)
        {
            Line($"  outcomes: {string.Join("; ", outcomes)}");
        }
        var g = step.Generator;
        Line($"  generator: start lag p50 {g.StartLagP50Ms:0.000} ms, p99 {g.StartLagP99Ms:0.000} ms, max {g.StartLagMaxMs:0.000} ms; dropped {g.Dropped}; {(g.KeptSchedule ? "kept its schedule" : "DID NOT keep its schedule")}");
    }

    private static string Rate(double? rate) => rate is { } r ? string.Create(CultureInfo.InvariantCulture, $"{r:0}/s") : "none";
}
