using System.Diagnostics;
using PaymentPlatform.Hosting;
using PaymentPlatform.Hosting.Orchestration;

namespace PaymentPlatform.Load.Faults;

/// <summary>One change of the platform's health as the host sees it: when, and which resources were not healthy (none: all healthy).</summary>
public sealed record HealthChange(long Timestamp, IReadOnlyList<string> Unhealthy)
{
    public bool AllHealthy => Unhealthy.Count == 0;
}

/// <summary>
/// Polls the host's view of every resource (<see cref="ResourceNotificationService.Current"/>: state and
/// health of every replica) every 100 ms and keeps each change of "which resources are not healthy",
/// so a fault's recovery time is read from the host, not guessed from the client's errors.
/// </summary>
public sealed class HealthWatch : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    private readonly DistributedApplication _app;
    private readonly List<HealthChange> _changes = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _polling;

    private HealthWatch(DistributedApplication app)
    {
        _app = app;
        Sample();
        _polling = PollAsync();
    }

    public static HealthWatch Start(DistributedApplication app) => new(app ?? throw new ArgumentNullException(nameof(app)));

    public IReadOnlyList<HealthChange> Changes
    {
        get
        {
            lock (_changes)
            {
                return [.. _changes];
            }
        }
    }

    /// <summary>The resources not healthy now (an empty list when all are), with each one's replica states.</summary>
    public IReadOnlyList<string> UnhealthyNow() =>
        [.. _app.ResourceNotifications.Current.Where(r => !r.IsHealthy)
            .Select(r => $"{r.Name} ({string.Join(", ", r.Replicas.Select(p => $"{r.Name}-{p.Index} {p.State}/{p.Health}"))})")];

    /// <summary>The process id of one replica now; null while it has none.</summary>
    public int? ProcessId(string resource, int replica) =>
        _app.ResourceNotifications.Get(resource)?.Replicas.FirstOrDefault(r => r.Index == replica)?.ProcessId;

    /// <summary>
    /// Waits until every resource has been healthy for <paramref name="stable"/> and <paramref name="condition"/> holds;
    /// the time (a <c>Stopwatch</c> timestamp) it first became so, or null after <paramref name="timeout"/>.
    /// </summary>
    public async Task<long?> WaitForHealthyAsync(Func<bool> condition, TimeSpan stable, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        long? since = null;
        while (Stopwatch.GetTimestamp() < deadline)
        {
            var healthy = UnhealthyNow().Count == 0 && condition();
            var now = Stopwatch.GetTimestamp();
            since = healthy ? since ?? now : null;
            if (since is { } s && Stopwatch.GetElapsedTime(s, now) >= stable)
            {
                return s;
            }
            await Task.Delay(Interval, cancellationToken).ConfigureAwait(false);
        }
        return null;
    }

    private async Task PollAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                await Task.Delay(Interval, _stop.Token).ConfigureAwait(false);
                Sample();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Sample()
    {
        var unhealthy = _app.ResourceNotifications.Current.Where(r => !r.IsHealthy).Select(r => r.Name).ToList();
        lock (_changes)
        {
            if (_changes.Count == 0 || !_changes[^1].Unhealthy.SequenceEqual(unhealthy))
            {
                _changes.Add(new HealthChange(Stopwatch.GetTimestamp(), unhealthy));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _polling.ConfigureAwait(false);
        _stop.Dispose();
    }
}
