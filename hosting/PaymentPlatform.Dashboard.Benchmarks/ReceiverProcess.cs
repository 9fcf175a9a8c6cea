using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using PaymentPlatform.Hosting.Dashboard;
using PaymentPlatform.Hosting.Dashboard.Api;

namespace PaymentPlatform.Dashboard.Benchmarks;

/// <summary>The dashboard server (receiver, store and API, default limits) in a child process of its own.</summary>
internal sealed class ReceiverProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly HttpClient _api;

    private ReceiverProcess(Process process, Uri url, string apiKey, string token)
    {
        _process = process;
        Url = url;
        ApiKey = apiKey;
        _api = new HttpClient { BaseAddress = url };
        _api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    public Uri Url { get; }

    public string ApiKey { get; }

    public int ProcessId => _process.Id;

    /// <summary>In the child: serve until standard input closes (the parent exiting closes it too).</summary>
    public static async Task ServeAsync()
    {
        var options = new DashboardOptions { BrowserToken = DashboardOptions.GenerateSecret(), OtlpApiKey = DashboardOptions.GenerateSecret() };
        await using var server = await DashboardServer.StartAsync(options, host: null);
        Console.WriteLine($"READY {server.Info.Url} {options.OtlpApiKey} {options.BrowserToken}");
        await Console.In.ReadToEndAsync();
        Console.Error.WriteLine(
            $"Receiver GC over the whole run: {GC.CollectionCount(0)} gen0, {GC.CollectionCount(1)} gen1, {GC.CollectionCount(2)} gen2 collections; " +
            $"{GC.GetTotalPauseDuration().TotalMilliseconds:0} ms paused; {GC.GetTotalAllocatedBytes() / (1024 * 1024)} MB allocated.");
    }

    public static async Task<ReceiverProcess> StartAsync()
    {
        var self = Environment.ProcessPath!;
        var start = new ProcessStartInfo(self)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        // Run as `dotnet X.dll serve` when started through the muxer, else as the apphost.
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            start.ArgumentList.Add(typeof(ReceiverProcess).Assembly.Location);
        }
        start.ArgumentList.Add("serve");
        var process = Process.Start(start)!;
        var ready = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30))
            ?? throw new InvalidOperationException("The receiver process exited before it was ready.");
        var parts = ready.Split(' ');
        if (parts is not ["READY", var url, var key, var token])
        {
            throw new InvalidOperationException($"The receiver process said '{ready}' instead of READY.");
        }
        return new ReceiverProcess(process, new Uri(url), key, token);
    }

    /// <summary>User + system CPU time of the receiver process so far.</summary>
    public TimeSpan CpuTime()
    {
        _process.Refresh();
        return _process.TotalProcessorTime;
    }

    public double RssMegabytes()
    {
        _process.Refresh();
        return _process.WorkingSet64 / (1024.0 * 1024);
    }

    public async Task<TelemetryStatsDto> StatsAsync() =>
        (await _api.GetFromJsonAsync<TelemetryStatsDto>("/api/telemetry/stats"))!;

    public async ValueTask DisposeAsync()
    {
        _api.Dispose();
        _process.StandardInput.Close();
        if (!_process.WaitForExit(TimeSpan.FromSeconds(10)))
        {
            _process.Kill();
        }
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}

internal static class Machine
{
    public static string CpuModel() =>
        File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU"
            : "unknown CPU";

    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}
