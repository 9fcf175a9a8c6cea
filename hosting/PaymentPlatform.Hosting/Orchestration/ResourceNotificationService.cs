using System.Collections.Concurrent;
using System.Threading.Channels;

namespace PaymentPlatform.Hosting.Orchestration;

/// <summary>Aspire's well-known resource states.</summary>
public static class KnownResourceStates
{
    public const string NotStarted = "NotStarted";
    public const string Waiting = "Waiting";
    public const string Starting = "Starting";
    public const string Running = "Running";
    public const string Paused = "Paused";
    public const string Stopping = "Stopping";
    public const string Exited = "Exited";
    public const string Finished = "Finished";
    public const string FailedToStart = "FailedToStart";
}

/// <summary>Whether a running resource answers its health check.</summary>
public enum ResourceHealth
{
    Unknown,
    Healthy,
    Unhealthy,
}

/// <summary>One replica of a resource at a point in time.</summary>
public sealed record ReplicaSnapshot(
    int Index,
    string State,
    ResourceHealth Health,
    int? ProcessId,
    string? Url,
    int Restarts,
    int? LastExitCode,
    DateTimeOffset? StartedAt);

/// <summary>A resource at a point in time.</summary>
public sealed record ResourceSnapshot(
    string Name,
    string Type,
    string State,
    ResourceHealth Health,
    IReadOnlyList<ReplicaSnapshot> Replicas,
    string? Url,
    string? Error = null)
{
    /// <summary>Healthy means running and answering its health check on every replica.</summary>
    public bool IsHealthy => State == KnownResourceStates.Running && Health == ResourceHealth.Healthy;
}

/// <summary>Publishes resource state changes and lets callers wait for a state.</summary>
public sealed class ResourceNotificationService
{
    private readonly ConcurrentDictionary<string, ResourceSnapshot> _current = new();
    private readonly List<Channel<ResourceSnapshot>> _watchers = [];
    private readonly Func<string, IReadOnlyList<ResourceLogLine>> _lastLogLines;

    internal ResourceNotificationService(Func<string, IReadOnlyList<ResourceLogLine>> lastLogLines) =>
        _lastLogLines = lastLogLines;

    /// <summary>The latest snapshot of every resource.</summary>
    public IReadOnlyList<ResourceSnapshot> Current => [.. _current.Values.OrderBy(s => s.Name, StringComparer.Ordinal)];

    /// <summary>The latest snapshot of one resource.</summary>
    public ResourceSnapshot? Get(string name) => _current.GetValueOrDefault(name);

    internal void Publish(ResourceSnapshot snapshot)
    {
        _current[snapshot.Name] = snapshot;
        lock (_watchers)
        {
            foreach (var watcher in _watchers)
            {
                watcher.Writer.TryWrite(snapshot);
            }
        }
    }

    /// <summary>Every snapshot from now on (the current ones first), until cancelled.</summary>
    public async IAsyncEnumerable<ResourceSnapshot> WatchAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var channel = Channel.CreateUnbounded<ResourceSnapshot>();
        lock (_watchers)
        {
            _watchers.Add(channel);
            foreach (var snapshot in _current.Values)
            {
                channel.Writer.TryWrite(snapshot);
            }
        }
        try
        {
            await foreach (var snapshot in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return snapshot;
            }
        }
        finally
        {
            lock (_watchers)
            {
                _watchers.Remove(channel);
            }
        }
    }

    /// <summary>Waits until every replica of the resource is running and healthy.</summary>
    public Task<ResourceSnapshot> WaitForResourceHealthyAsync(string name, CancellationToken cancellationToken = default) =>
        WaitForResourceAsync(name, s => s.IsHealthy, "healthy", cancellationToken);

    /// <summary>Waits until the resource reaches a state.</summary>
    public Task<ResourceSnapshot> WaitForResourceAsync(string name, string state, CancellationToken cancellationToken = default) =>
        WaitForResourceAsync(name, s => s.State == state, $"in state {state}", cancellationToken);

    /// <summary>
    /// Waits until the resource's snapshot satisfies <paramref name="condition"/>. When cancelled,
    /// or when the resource failed to start, the exception names the resource, its state and its
    /// last log lines, so a hung wait says why.
    /// </summary>
    public async Task<ResourceSnapshot> WaitForResourceAsync(string name, Func<ResourceSnapshot, bool> condition, string description, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        try
        {
            await foreach (var snapshot in WatchAsync(cancellationToken).ConfigureAwait(false))
            {
                if (snapshot.Name != name)
                {
                    continue;
                }
                if (condition(snapshot))
                {
                    return snapshot;
                }
                if (snapshot.State == KnownResourceStates.FailedToStart)
                {
                    throw new DistributedApplicationException(Describe(name, description, snapshot));
                }
            }
        }
        catch (OperationCanceledException ex)
        {
            throw new TimeoutException(Describe(name, description, Get(name)), ex);
        }
        throw new OperationCanceledException(cancellationToken);
    }

    private string Describe(string name, string description, ResourceSnapshot? snapshot)
    {
        var replicas = snapshot is null ? "" : string.Join(", ", snapshot.Replicas.Select(r =>
            $"{name}-{r.Index}: {r.State}/{r.Health}{(r.LastExitCode is { } code ? $", last exit code {code}" : "")}{(r.Restarts > 0 ? $", {r.Restarts} restarts" : "")}"));
        var logs = _lastLogLines(name);
        return $"Resource '{name}' did not become {description}. " +
            $"State: {snapshot?.State ?? "unknown (not declared, or not started yet)"}, health: {snapshot?.Health.ToString() ?? "unknown"}" +
            (replicas.Length > 0 ? $" [{replicas}]" : "") +
            (snapshot?.Error is { } error ? $". Error: {error}" : "") +
            (logs.Count > 0 ? $"{Environment.NewLine}Last log lines:{Environment.NewLine}{string.Join(Environment.NewLine, logs.Select(l => $"  {l.Source} | {l.Text}"))}" : ". No log output.");
    }
}
