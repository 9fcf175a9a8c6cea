using System.Globalization;

namespace PaymentPlatform.Load.Scenarios.Soak;

/// <summary>A process's resident set size, read from <c>/proc/{pid}/status</c> (VmRSS), in MiB; null when it is gone.</summary>
public static class ProcessMemory
{
    public static double? ResidentMiB(int processId)
    {
        try
        {
            return ParseVmRss(File.ReadAllText($"/proc/{processId}/status"));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The VmRSS line of a <c>/proc/{pid}/status</c> text ("VmRSS:   123456 kB"), in MiB.</summary>
    public static double? ParseVmRss(string status)
    {
        ArgumentNullException.ThrowIfNull(status);
        var line = status.Split('\n').FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        var kib = line?["VmRSS:".Length..].Trim().Split(' ')[0];
        return long.TryParse(kib, CultureInfo.InvariantCulture, out var value) ? value / 1024.0 : null;
    }
}
