using System.Diagnostics;

namespace PaymentPlatform.Load.Scenarios.Soak;

/// <summary>
/// Samples the memory of the platform's processes (<see cref="MemorySource"/>) while a soak runs: when the
/// measured time starts and at the end of each interval after it.
/// </summary>
public sealed class MemoryWatch : IAsyncDisposable
{
    private readonly MemorySource _source;
    private readonly Dictionary<string, List<double?>> _samples = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;
    private int _count;

    private MemoryWatch(MemorySource source, TimeSpan firstAt, TimeSpan interval, int intervals)
    {
        _source = source;
        _sampling = SampleAsync(firstAt, interval, intervals);
    }

    /// <summary>Starts sampling: at <paramref name="firstAt"/> from now, then every <paramref name="interval"/>, <paramref name="intervals"/> times.</summary>
    public static MemoryWatch Start(MemorySource source, TimeSpan firstAt, TimeSpan interval, int intervals)
    {
        ArgumentNullException.ThrowIfNull(source);
        return new(source, firstAt, interval, intervals);
    }

    /// <summary>The samples so far, one series per process ("gateway#1"), in sample order.</summary>
    public IReadOnlyList<MemorySeries> Series()
    {
        lock (_samples)
        {
            return [.. _samples.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => new MemorySeries(s.Key, [.. s.Value]))];
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _sampling.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped between samples: what was sampled stands.
        }
        _stop.Dispose();
    }

    private async Task SampleAsync(TimeSpan firstAt, TimeSpan interval, int intervals)
    {
        var start = Stopwatch.GetTimestamp();
        for (var n = 0; n <= intervals; n++)
        {
            var wait = firstAt + (interval * n) - Stopwatch.GetElapsedTime(start);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, _stop.Token).ConfigureAwait(false);
            }
            await SampleAsync().ConfigureAwait(false);
        }
    }

    private async Task SampleAsync()
    {
        IReadOnlyList<(string Process, double? MiB)> sample;
        try
        {
            sample = await _source.SampleAsync(_stop.Token).ConfigureAwait(false);
        }
        catch (HttpRequestException)
        {
            // The metrics did not answer this time: a gap in every series, not the end of the soak.
            sample = [];
        }
        lock (_samples)
        {
            foreach (var (name, mib) in sample)
            {
                if (!_samples.TryGetValue(name, out var series))
                {
                    // A process seen late (restarted) gets nulls for the samples it missed.
                    _samples[name] = series = [.. Enumerable.Repeat<double?>(null, _count)];
                }
                series.Add(mib);
            }
            foreach (var missed in _samples.Values.Where(s => s.Count <= _count))
            {
                missed.Add(null);
            }
            _count++;
        }
    }
}
