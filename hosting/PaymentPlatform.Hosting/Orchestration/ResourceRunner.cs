using PaymentPlatform.Hosting.ApplicationModel;

namespace PaymentPlatform.Hosting.Orchestration;

/// <summary>Runs one resource in run mode and publishes its state.</summary>
internal abstract class ResourceRunner(IResource resource, string type, RunContext context)
{
    public IResource Resource { get; } = resource;

    public string Type { get; } = type;

    protected RunContext Context { get; } = context;

    /// <summary>The processes behind the resource; empty for resources that have none.</summary>
    public virtual IReadOnlyList<ReplicaSupervisor> Replicas => [];

    /// <summary>The address people use, for the summary.</summary>
    public virtual string? Url => null;

    /// <summary>Set when the resource could not be started at all.</summary>
    protected string? Error { get; set; }

    protected string? OwnState { get; set; }

    public abstract Task StartAsync(CancellationToken cancellationToken);

    public abstract Task StopAsync();

    public void MarkWaiting() => SetState(KnownResourceStates.Waiting);

    public void MarkStarting() => SetState(KnownResourceStates.Starting);

    public void MarkFailed(string error)
    {
        Error = error;
        SetState(KnownResourceStates.FailedToStart);
    }

    protected void SetState(string state)
    {
        OwnState = state;
        Publish();
    }

    /// <summary>Publishes the resource's aggregate state: running and healthy only when every replica is.</summary>
    public void Publish()
    {
        var replicas = Replicas.Select(r => r.Snapshot()).ToList();
        string state;
        ResourceHealth health;
        if (replicas.Count == 0 || OwnState is KnownResourceStates.Waiting or KnownResourceStates.FailedToStart)
        {
            state = OwnState ?? KnownResourceStates.NotStarted;
            health = OwnHealth;
        }
        else
        {
            state = Aggregate(replicas);
            health = replicas.All(r => r.Health == ResourceHealth.Healthy) ? ResourceHealth.Healthy
                : replicas.Any(r => r.Health == ResourceHealth.Unhealthy || r.State != KnownResourceStates.Running) ? ResourceHealth.Unhealthy
                : ResourceHealth.Unknown;
        }
        var error = Error ?? Replicas.Select(r => r.Error).FirstOrDefault(e => e is not null);
        Context.Notifications.Publish(new ResourceSnapshot(Resource.Name, Type, state, health, replicas, Url, error));
    }

    protected virtual ResourceHealth OwnHealth => ResourceHealth.Unknown;

    private static string Aggregate(List<ReplicaSnapshot> replicas)
    {
        string[] precedence =
        [
            KnownResourceStates.FailedToStart, KnownResourceStates.Running, KnownResourceStates.Paused, KnownResourceStates.Starting,
            KnownResourceStates.Exited, KnownResourceStates.Stopping, KnownResourceStates.Finished, KnownResourceStates.NotStarted,
        ];
        return precedence.First(s => replicas.Any(r => r.State == s) || s == KnownResourceStates.NotStarted);
    }

    /// <summary>Gives a replica a new port, when another process took the one it was allocated.</summary>
    protected AllocatedEndpoint MoveToFreshPort(EndpointAnnotation endpoint, int index)
    {
        var replicas = endpoint.Replicas.ToArray();
        replicas[index] = replicas[index] with { Port = Context.Ports.Allocate() };
        endpoint.Replicas = replicas;
        return replicas[index];
    }

    protected ReplicaSupervisor CreateSupervisor(ReplicaDefinition definition) =>
        new(definition, Context.Launcher, Context.Logs, Context.Options, Publish);
}

/// <summary>What every runner shares.</summary>
internal sealed record RunContext(
    DistributedApplicationOptions Options,
    Microsoft.Extensions.Configuration.IConfiguration Configuration,
    DistributedApplicationExecutionContext ExecutionContext,
    ProcessLauncher Launcher,
    BinaryLocator Binaries,
    PortAllocator Ports,
    DataLayout Data,
    ResourceLoggerService Logs,
    ResourceNotificationService Notifications);
