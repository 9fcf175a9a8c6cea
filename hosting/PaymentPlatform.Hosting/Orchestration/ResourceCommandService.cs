namespace PaymentPlatform.Hosting.Orchestration;

/// <summary>
/// Lifecycle commands for a resource, or one replica of it: stop, start, restart, kill
/// (SIGKILL; the replica is restarted like after any crash), pause and resume (SIGSTOP and
/// SIGCONT). Tests and the dashboard use these to inject faults.
/// </summary>
public sealed class ResourceCommandService
{
    private readonly Func<Orchestrator> _orchestrator;

    internal ResourceCommandService(Func<Orchestrator> orchestrator) => _orchestrator = orchestrator;

    /// <summary>Stops a resource or replica gracefully; it stays stopped until started.</summary>
    public Task StopAsync(string resource, int? replica = null) =>
        Task.WhenAll(Select(resource, replica).Select(r => r.StopAsync()));

    /// <summary>Starts a stopped resource or replica.</summary>
    public Task StartAsync(string resource, int? replica = null)
    {
        foreach (var r in Select(resource, replica))
        {
            r.Start();
        }
        return Task.CompletedTask;
    }

    /// <summary>Stops, then starts, a resource or replica.</summary>
    public async Task RestartAsync(string resource, int? replica = null)
    {
        await StopAsync(resource, replica).ConfigureAwait(false);
        await StartAsync(resource, replica).ConfigureAwait(false);
    }

    /// <summary>Kills a resource's processes, or one replica's, with SIGKILL; they restart with backoff.</summary>
    public void Kill(string resource, int? replica = null)
    {
        foreach (var r in Select(resource, replica))
        {
            r.Kill();
        }
    }

    /// <summary>Freezes processes with SIGSTOP: they hold their ports and answer nothing.</summary>
    public void Pause(string resource, int? replica = null)
    {
        foreach (var r in Select(resource, replica))
        {
            r.Pause();
        }
    }

    /// <summary>Thaws paused processes with SIGCONT.</summary>
    public void Resume(string resource, int? replica = null)
    {
        foreach (var r in Select(resource, replica))
        {
            r.Resume();
        }
    }

    private IReadOnlyList<ReplicaSupervisor> Select(string resource, int? replica)
    {
        var runner = _orchestrator().Find(resource);
        if (runner.Replicas.Count == 0)
        {
            throw new DistributedApplicationException($"Resource '{resource}' has no process to command.");
        }
        if (replica is null)
        {
            return runner.Replicas;
        }
        return runner.Replicas.FirstOrDefault(r => r.Index == replica) is { } one
            ? [one]
            : throw new DistributedApplicationException($"Resource '{resource}' has no replica {replica}; it has {runner.Replicas.Count}.");
    }
}
