using System.Globalization;
using System.Net;
using System.Text;
using PaymentPlatform.Load.Scenarios.Soak;

namespace PaymentPlatform.Load.Reporting;

/// <summary>A self-contained HTML page: the text report's figures plus charts to look at.</summary>
public static class HtmlReport
{
    public static string Render(RunReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
            .Append(Escape($"Load report: {report.Scenario}"))
            .Append("</title><style>body{font-family:sans-serif;margin:2em;max-width:60em}table{border-collapse:collapse;margin:.5em 0}")
            .Append("td,th{border:1px solid #ccc;padding:.2em .6em;text-align:right}td:first-child,th:first-child{text-align:left}")
            .Append(".bad{color:#b00;font-weight:bold}.good{color:#070}pre{background:#f6f6f6;padding:1em;white-space:pre-wrap}</style></head><body>");
        html.Append(CultureInfo.InvariantCulture, $"<h1>Load report: {Escape(report.Scenario)}</h1>");
        html.Append("<h2>Measurement conditions</h2><pre>").Append(Escape(Conditions(report.Conditions))).Append("</pre>");

        foreach (var step in report.Steps)
        {
            AppendStep(html, step);
        }
        if (report.Breakpoint is { } breakpoint)
        {
            html.Append("<h2>Breakpoint</h2><p>").Append(Escape(breakpoint.Reason)).Append("</p>");
            html.Append(SvgChart.Render("p99 by step", "ms",
                [new ChartSeries("p99", "#c0392b", [.. report.Steps.Select(s => (s.TargetRate, s.Latency.P99Ms))])],
                [.. report.Steps.Select(s => (s.TargetRate, s.TargetRate.ToString("0", CultureInfo.InvariantCulture) + "/s"))]));
        }
        if (report.Soak is { } soak)
        {
            AppendSoak(html, soak);
        }
        if (report.Ceilings is not null)
        {
            html.Append("<h2>Ceilings and ratios</h2><pre>").Append(Escape(CeilingText.Ceilings(report))).Append("</pre>");
        }
        if (report.Verification.Count > 0)
        {
            html.Append("<h2>Verification</h2><table><tr><th>check</th><th>result</th><th>detail</th></tr>");
            foreach (var check in report.Verification)
            {
                html.Append("<tr><td>").Append(Escape(check.Name)).Append("</td><td class=\"").Append(check.Passed ? "good\">ok" : "bad\">FAIL")
                    .Append("</td><td style=\"text-align:left\">").Append(Escape(check.Detail)).Append("</td></tr>");
            }
            html.Append("</table>");
        }
        if (report.Warnings.Count > 0)
        {
            html.Append("<h2>Warnings</h2><ul>");
            foreach (var warning in report.Warnings)
            {
                html.Append("<li class=\"bad\">").Append(Escape(warning)).Append("</li>");
            }
            html.Append("</ul>");
        }
        html.Append("<h2>As text</h2><pre>").Append(Escape(TextReport.Render(report))).Append("</pre></body></html>");
        return html.ToString();
    }

    private static void AppendStep(StringBuilder html, StepReport step)
    {
        html.Append(CultureInfo.InvariantCulture,
            $"<h2>{Escape(step.Name)}</h2><p>target {step.TargetRate:0.#}/s, achieved {step.AchievedRate:0.#}/s, {step.Latency.Count} scheduled requests, {step.Errors} errors; ");
        html.Append(step.Generator.KeptSchedule ? "<span class=\"good\">the generator kept its schedule</span>" : $"<span class=\"bad\">{Escape(step.Generator.Warning!)}</span>").Append("</p>");
        html.Append("<table><tr><th>operation (ms)</th><th>count</th><th>p50</th><th>p90</th><th>p99</th><th>p99.9</th><th>max</th><th>errors</th></tr>");
        foreach (var o in step.Operations.Where(o => o.Latency.Count > 0))
        {
            var l = o.Latency;
            html.Append(CultureInfo.InvariantCulture,
                $"<tr><td>{Escape(o.Name)}</td><td>{l.Count}</td><td>{l.P50Ms:0.000}</td><td>{l.P90Ms:0.000}</td><td>{l.P99Ms:0.000}</td><td>{l.P999Ms:0.000}</td><td>{l.MaxMs:0.000}</td><td>{o.Errors}</td></tr>");
        }
        html.Append("</table>");
        if (step.ErrorsByKind.Count > 0)
        {
            html.Append("<p>errors: ").Append(Escape(string.Join("; ", step.ErrorsByKind.Select(e => $"{e.Key} x{e.Value}")))).Append("</p>");
        }

        var markers = new List<(double, string)>();
        var at = 0.0;
        foreach (var stage in step.Stages)
        {
            markers.Add((at, stage.Name));
            at += stage.DurationSeconds;
        }
        var timeline = step.Timeline;
        var ticks = timeline.Where(p => p.Second % Math.Max(1, timeline.Count / 10) == 0).Select(p => ((double)p.Second, $"{p.Second} s")).ToList();
        html.Append(SvgChart.Render($"{step.PrimaryOperation}: latency per second (by completion)", "ms",
            [
                new ChartSeries("p50", "#2471a3", [.. timeline.Where(p => p.P50Ms is not null).Select(p => ((double)p.Second, p.P50Ms!.Value))]),
                new ChartSeries("p99", "#c0392b", [.. timeline.Where(p => p.P99Ms is not null).Select(p => ((double)p.Second, p.P99Ms!.Value))]),
            ], ticks, markers));
        html.Append(SvgChart.Render($"{step.PrimaryOperation}: requests per second", "req/s",
            [
                new ChartSeries("sent", "#7f8c8d", [.. timeline.Select(p => ((double)p.Second, (double)p.Sent))]),
                new ChartSeries("done", "#27ae60", [.. timeline.Select(p => ((double)p.Second, (double)p.Completed))]),
                new ChartSeries("errors", "#c0392b", [.. timeline.Select(p => ((double)p.Second, (double)p.Errors))]),
            ], ticks, markers));

        // Percentiles on a log scale of 1 / (1 - p), as HdrHistogram's plots: 90% at 1, 99% at 2, 99.9% at 3.
        static double Nines(double percentile) => percentile >= 100 ? double.NaN : Math.Log10(100 / (100 - percentile));
        var points = step.Distribution.Where(p => p.Percentile < 100).Select(p => (Nines(p.Percentile), p.LatencyMs)).ToList();
        var maxX = points.Count > 0 ? Math.Ceiling(points.Max(p => p.Item1)) : 1;
        if (step.Distribution.Count > 0)
        {
            points.Add((Math.Max(maxX, 1), step.Distribution[^1].LatencyMs));
        }
        maxX = Math.Max(maxX, 1);
        var distributionTicks = Enumerable.Range(0, (int)maxX + 1)
            .Select(n => ((double)n, n == (int)maxX ? "max" : n == 0 ? "0%" : (100 - (100 / Math.Pow(10, n))).ToString("0.#####", CultureInfo.InvariantCulture) + "%")).ToList();
        html.Append(SvgChart.Render($"{step.PrimaryOperation}: latency by percentile (measured stages; the last point is the max)", "ms",
            [new ChartSeries("latency", "#8e44ad", points)], distributionTicks));
    }

    private static void AppendSoak(StringBuilder html, SoakReport soak)
    {
        html.Append("<h2>Soak</h2><pre>").Append(Escape(CeilingText.Soak(soak))).Append("</pre>");
        var ticks = soak.Intervals.Select((interval, i) => ((double)i, interval.Name)).ToList();
        html.Append(SvgChart.Render("latency per interval", "ms",
            [
                new ChartSeries("p50", "#2471a3", [.. soak.Intervals.Select((interval, i) => ((double)i, interval.P50Ms))]),
                new ChartSeries("p99", "#c0392b", [.. soak.Intervals.Select((interval, i) => ((double)i, interval.P99Ms))]),
            ], ticks));
        string[] colours = ["#2471a3", "#c0392b", "#27ae60", "#8e44ad", "#d35400", "#7f8c8d", "#16a085", "#2c3e50", "#f39c12", "#e84393"];
        var memoryTicks = Enumerable.Range(0, soak.Intervals.Count + 1).Select(i => ((double)i, i == 0 ? "start" : soak.Intervals[i - 1].Name)).ToList();
        html.Append(SvgChart.Render("resident memory (start, then the end of each interval)", "MiB",
            [.. soak.Memory.Select((series, n) => new ChartSeries(series.Process, colours[n % colours.Length],
                [.. series.ResidentMiB.Select((v, i) => (i, v)).Where(p => p.v is not null).Select(p => ((double)p.i, p.v!.Value))]))],
            memoryTicks));
    }

    private static string Conditions(MeasurementConditions c)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"machine: {c.Cores} cores ({c.Cpu}), {c.Memory}, {c.OperatingSystem}, {c.Runtime}");
        text.AppendLine(CultureInfo.InvariantCulture, $"load average: {c.LoadAverageAtStart} at start; {c.LoadAverageAtEnd} at end");
        text.AppendLine(CultureInfo.InvariantCulture, $"target: {c.Target}");
        foreach (var note in c.TargetNotes)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {note}");
        }
        text.Append(CultureInfo.InvariantCulture, $"command: {c.CommandLine}");
        return text.ToString();
    }

    private static string Escape(string text) => WebUtility.HtmlEncode(text);
}
