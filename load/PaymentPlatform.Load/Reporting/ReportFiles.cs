namespace PaymentPlatform.Load.Reporting;

/// <summary>Writes report.txt, report.json and report.html into one folder per run.</summary>
public static class ReportFiles
{
    public static string Write(RunReport report, string? directory)
    {
        ArgumentNullException.ThrowIfNull(report);
        directory ??= Path.Combine(DefaultRoot(), $"{report.Scenario}-{report.StartedAt:yyyyMMdd-HHmmss}");
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "report.txt"), TextReport.Render(report));
        File.WriteAllText(Path.Combine(directory, "report.json"), JsonReport.Render(report));
        File.WriteAllText(Path.Combine(directory, "report.html"), HtmlReport.Render(report));
        return Path.GetFullPath(directory);
    }

    /// <summary>load/results in the repository (ignored by git), found from the working directory; else ./load-results.</summary>
    private static string DefaultRoot()
    {
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PaymentPlatform.sln")))
            {
                return Path.Combine(dir.FullName, "load", "results");
            }
        }
        return "load-results";
    }
}
