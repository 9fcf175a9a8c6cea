using System.Globalization;
using System.Text;
using System.Text.Json;
using PaymentPlatform.Load.Reporting;

namespace PaymentPlatform.Load.Comparison;

/// <summary>
/// <c>compare &lt;baseline report.json&gt; &lt;candidate report.json&gt; [--tolerance 10%]</c>: prints both runs' figures
/// side by side and exits 1 when one regressed, 0 when none did, 2 on a usage error.
/// </summary>
public static class CompareCommand
{
    public const string Name = "compare";
    public const double DefaultTolerance = 0.10;

    public const string Usage = """
        dotnet run -c Release --project load/PaymentPlatform.Load -- compare <baseline report.json> <candidate report.json> [--tolerance 10%]

          Compares two runs' JSON reports step by step and operation by operation: p50, p99, p99.9 and errors,
          each step's achieved rate, a stress breakpoint, and the ceilings. A figure regresses when it is worse by
          more than the tolerance (default 10%) and, where both reports carry its ceiling (the hello-world at the
          same rate for latencies; the hello-world saturation rate, else pgbench, for rates), worse by more than
          the tolerance as a ratio to it too; worse in absolute terms alone is machine drift, reported, not failed.
          Exit code: 1 when a figure regressed, 0 when none did, 2 on a usage error.
        """;

    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        try
        {
            var (baselinePath, candidatePath, tolerance) = Parse(args);
            var comparison = ReportComparison.Compare(Read(baselinePath), Read(candidatePath), tolerance);
            output.Write(Render(comparison, baselinePath, candidatePath));
            return comparison.HasRegression ? 1 : 0;
        }
        catch (FormatException ex)
        {
            error.WriteLine(ex.Message);
            error.WriteLine();
            error.WriteLine(Usage);
            return 2;
        }
    }

    /// <summary>The two paths and the tolerance (a share: "10%" and "10" are both 0.1).</summary>
    public static (string Baseline, string Candidate, double Tolerance) Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var paths = new List<string>();
        var tolerance = DefaultTolerance;
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == "--tolerance")
            {
                tolerance = i + 1 < args.Count ? Tolerance(args[++i]) : throw new FormatException("--tolerance needs a value, such as 10%.");
            }
            else if (args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new FormatException($"Unknown option {args[i]}.");
            }
            else
            {
                paths.Add(args[i]);
            }
        }
        return paths.Count == 2 ? (paths[0], paths[1], tolerance)
            : throw new FormatException($"compare needs two reports (baseline, candidate), not {paths.Count}.");
    }

    public static string Render(ReportComparison comparison, string baselinePath, string candidatePath)
    {
        ArgumentNullException.ThrowIfNull(comparison);
        var text = new StringBuilder();
        void Line(FormattableString line) => text.AppendLine(line.ToString(CultureInfo.InvariantCulture));
        Line($"baseline  {baselinePath}");
        Line($"candidate {candidatePath}");
        Line($"tolerance {comparison.Tolerance:0.#%}; a regression is worse beyond it, and also as a ratio to the ceiling where both reports carry one");
        foreach (var step in comparison.Rows.GroupBy(r => r.Step))
        {
            text.AppendLine();
            Line($"{step.Key}");
            Line($"  {"operation",-40} {"metric",-26} {"baseline",10} {"candidate",10} {"change",8}  {"ratio to ceiling",-34} verdict");
            foreach (var r in step)
            {
                var ratio = r.Ceiling is null ? "" : $"{Number(r.BaselineRatio, "0.###")} -> {Number(r.CandidateRatio, "0.###")} ({Percent(r.RatioChange)})";
                Line($"  {r.Operation,-40} {r.Metric,-26} {Number(r.Baseline, "0.###"),10} {Number(r.Candidate, "0.###"),10} {Percent(r.Change),8}  {ratio,-34} {Describe(r)}");
            }
        }
        if (comparison.Notes.Count > 0)
        {
            text.AppendLine();
            foreach (var note in comparison.Notes)
            {
                Line($"note: {note}");
            }
        }
        var regressions = comparison.Rows.Count(r => r.Verdict == Verdict.Regression);
        text.AppendLine();
        Line($"{(regressions == 0 ? "no regressions" : $"{regressions} REGRESSIONS")}; {comparison.Rows.Count(r => r.Verdict == Verdict.Drift)} figures moved with their ceiling (machine drift)");
        return text.ToString();
    }

    private static string Describe(ComparisonRow row) => row.Verdict switch
    {
        Verdict.Regression => "REGRESSION",
        Verdict.Drift => $"worse, but not against the {row.Ceiling} (drift)",
        Verdict.Better => "better",
        Verdict.NotJudged => "not judged",
        _ => "ok",
    };

    private static double Tolerance(string value)
    {
        var number = value.EndsWith('%') ? value[..^1] : value;
        return double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var percent) && percent >= 0
            ? percent / 100
            : throw new FormatException($"--tolerance needs a percentage of at least 0, such as 10%, not '{value}'.");
    }

    private static RunReport Read(string path)
    {
        try
        {
            return JsonReport.Parse(File.ReadAllText(path)) ?? throw new FormatException($"{path} holds no report.");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new FormatException($"Cannot read {path}: {ex.Message}");
        }
        catch (JsonException ex)
        {
            throw new FormatException($"{path} is not a load report: {ex.Message}");
        }
    }

    private static string Number(double? value, string format) => value?.ToString(format, CultureInfo.InvariantCulture) ?? "-";

    private static string Percent(double? change) => change is { } c ? c.ToString("+0.0%;-0.0%;0.0%", CultureInfo.InvariantCulture) : "-";
}
