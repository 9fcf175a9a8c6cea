using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using PaymentPlatform.Load.Targets;

namespace PaymentPlatform.Load.Scenarios.Soak;

/// <summary>
/// Where a soak reads the platform's memory: the resident set of each process the generator started, else
/// (a target started elsewhere, with the dashboard's telemetry API) each service's GC heap from its metrics.
/// </summary>
public sealed class MemorySource(string description, Func<CancellationToken, Task<IReadOnlyList<(string Process, double? MiB)>>> sample) : IDisposable
{
    /// <summary>The runtime's GC heap size after the last collection, per generation (System.Runtime meter, .NET 9+).</summary>
    public const string GcHeapMetric = "dotnet.gc.last_collection.heap.size";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private HttpClient? _dashboard;

    public string Description { get; } = description;

    public Task<IReadOnlyList<(string Process, double? MiB)>> SampleAsync(CancellationToken cancellationToken) => sample(cancellationToken);

    /// <summary>VmRSS of every process of the platform the generator started (each replica its own).</summary>
    public static MemorySource ResidentSets(PlatformTarget platform)
    {
        ArgumentNullException.ThrowIfNull(platform);
        return new("resident set size (VmRSS in /proc/<pid>/status) of each process the generator started; PostgreSQL's is its postmaster alone",
            _ => Task.FromResult<IReadOnlyList<(string, double?)>>(
                [.. platform.Processes().Select(p => ($"{p.Resource}#{p.Replica}", ProcessMemory.ResidentMiB(p.ProcessId)))]));
    }

    /// <summary>Each service instance's GC heap (all generations) from the last metrics it exported to the dashboard.</summary>
    public static MemorySource GcHeaps(Uri dashboardUrl, string browserToken)
    {
        var http = new HttpClient { BaseAddress = dashboardUrl, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", browserToken);
        return new($"GC heap after the last collection ({GcHeapMetric}, all generations) of each .NET service instance, from the metrics it exported to the dashboard {dashboardUrl}",
            async token =>
            {
                var instruments = await http.GetFromJsonAsync<List<InstrumentData>>($"api/telemetry/metrics/{GcHeapMetric}", Json, token).ConfigureAwait(false) ?? [];
                return [.. instruments.Select(i => ($"{i.Instrument.Resource}#{i.Instrument.InstanceId}", HeapMiB(i)))];
            })
        { _dashboard = http };
    }

    public static MemorySource None { get; } = new(
        "not watched: the target was started outside the generator (--url) and no --dashboard-url/--dashboard-token reach its metrics",
        _ => Task.FromResult<IReadOnlyList<(string, double?)>>([]));

    public void Dispose() => _dashboard?.Dispose();

    /// <summary>The sum over the generations' series of each one's latest value, in MiB.</summary>
    private static double? HeapMiB(InstrumentData data)
    {
        var latest = data.Series.Select(s => s.Points.Count > 0 ? s.Points[^1].Value : null).Where(v => v is not null).ToList();
        return latest.Count > 0 ? latest.Sum() / (1024 * 1024) : null;
    }

    private sealed record InstrumentData(Instrument Instrument, IReadOnlyList<Series> Series);

    private sealed record Instrument(string Resource, string? InstanceId);

    private sealed record Series(IReadOnlyList<Point> Points);

    private sealed record Point(double? Value);
}
