using System.Globalization;
using System.Runtime.InteropServices;

namespace PaymentPlatform.Load.Reporting;

/// <summary>
/// What the figures were measured on and under. Absolute numbers on a shared 2-core machine drift
/// from run to run, so every report carries these beside its figures.
/// </summary>
public sealed record MeasurementConditions(
    int Cores,
    string Cpu,
    string Memory,
    string OperatingSystem,
    string Runtime,
    string LoadAverageAtStart,
    string LoadAverageAtEnd,
    string Target,
    IReadOnlyList<string> TargetNotes,
    string CommandLine)
{
    public static MeasurementConditions AtStart(string target, IReadOnlyList<string> targetNotes, string commandLine) => new(
        Environment.ProcessorCount,
        FirstProcLine("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString(),
        FirstProcLine("/proc/meminfo", "MemTotal") ?? "unknown",
        RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription,
        LoadAverage(),
        LoadAverageAtEnd: "",
        target,
        targetNotes,
        commandLine);

    public MeasurementConditions AtEnd() => this with { LoadAverageAtEnd = LoadAverage() };

    /// <summary>The 1, 5 and 15 minute load averages (runnable processes; 2.0 fills two cores).</summary>
    public static string LoadAverage()
    {
        try
        {
            var fields = File.ReadAllText("/proc/loadavg").Split(' ');
            return string.Join(" ", fields.Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
        catch (UnauthorizedAccessException)
        {
            return "unknown";
        }
    }

    private static string? FirstProcLine(string path, string key)
    {
        if (!File.Exists(path))
        {
            return null;
        }
        var line = File.ReadLines(path).FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal));
        var value = line?[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
        if (key == "MemTotal" && value is not null && long.TryParse(value.Split(' ')[0], CultureInfo.InvariantCulture, out var kib))
        {
            return string.Create(CultureInfo.InvariantCulture, $"{kib / 1024.0 / 1024.0:0.0} GiB");
        }
        return value;
    }
}
