using PaymentPlatform.Hosting.ApplicationModel;
using PaymentPlatform.Hosting.Postgres;
using PaymentPlatform.Hosting.Redis;

namespace PaymentPlatform.Hosting.Orchestration;

/// <summary>
/// Runs the app: allocates every endpoint, starts each resource once the ones it waits for
/// are healthy, and stops them in reverse order (services before the databases they use).
/// </summary>
internal sealed class Orchestrator : IAsyncDisposable
{
    private readonly RunContext _context;
    private readonly List<ResourceRunner> _runners = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _starts = [];
    private bool _stopped;

    public Orchestrator(DistributedApplicationModel model, RunContext context)
    {
        _context = context;
        var postgresRunners = new Dictionary<PostgresServerResource, PostgresRunner>();
        foreach (var resource in model.Resources)
        {
            ResourceRunner? runner = resource switch
            {
                ProjectResource project => new ProjectRunner(project, context),
                PostgresServerResource server => postgresRunners[server] = new PostgresRunner(server, context),
                PostgresDatabaseResource database => new PostgresDatabaseRunner(database, postgresRunners[database.Server], context),
                RedisResource redis => new RedisRunner(redis, context),
                ParameterResource => null,
                _ => throw new DistributedApplicationException($"Resource '{resource.Name}' of type {resource.GetType().Name} cannot be run by this host."),
            };
            if (runner is not null)
            {
                _runners.Add(runner);
            }
        }
    }

    public IReadOnlyList<ResourceRunner> Runners => _runners;

    public ResourceRunner Find(string name) =>
        _runners.FirstOrDefault(r => r.Resource.Name == name)
        ?? throw new DistributedApplicationException($"No running resource named '{name}'. Resources: {string.Join(", ", _runners.Select(r => r.Resource.Name))}.");

    public void Start()
    {
        // Every address is known before anything starts, so any resource's references resolve.
        foreach (var runner in _runners)
        {
            switch (runner)
            {
                case ProjectRunner project: project.AllocateEndpoints(); break;
                case PostgresRunner postgres: postgres.AllocateEndpoints(); break;
                case RedisRunner redis: redis.AllocateEndpoints(); break;
            }
            runner.Publish();
        }
        foreach (var runner in _runners)
        {
            _starts.Add(StartWhenReadyAsync(runner, _stopping.Token));
        }
    }

    private async Task StartWhenReadyAsync(ResourceRunner runner, CancellationToken cancellationToken)
    {
        var dependencies = GraphValidator.DependenciesOf(runner.Resource).Where(d => d is not ParameterResource).Distinct().ToList();
        try
        {
            if (dependencies.Count > 0)
            {
                runner.MarkWaiting();
                await Task.WhenAll(dependencies.Select(d => WaitHealthyOrFailedAsync(runner, d, cancellationToken))).ConfigureAwait(false);
            }
            runner.MarkStarting();
            await runner.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            _context.Logs.HostMessage($"{runner.Resource.Name} failed to start: {ex.Message}", isError: true);
            runner.MarkFailed(ex.Message);
        }
    }

    private async Task WaitHealthyOrFailedAsync(ResourceRunner waiter, IResource dependency, CancellationToken cancellationToken)
    {
        var snapshot = await _context.Notifications.WaitForResourceAsync(
            dependency.Name,
            s => s.IsHealthy || s.State == KnownResourceStates.FailedToStart,
            "healthy",
            cancellationToken).ConfigureAwait(false);
        if (snapshot.State == KnownResourceStates.FailedToStart)
        {
            throw new DistributedApplicationException($"'{waiter.Resource.Name}' waits for '{dependency.Name}', which failed to start.");
        }
    }

    /// <summary>Stops services first (gracefully, in parallel), then what they depend on.</summary>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }
        _stopped = true;
        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_starts).ConfigureAwait(false);
        foreach (var layer in ShutdownLayers())
        {
            await Task.WhenAll(layer.Select(r => r.StopAsync())).ConfigureAwait(false);
        }
    }

    private IEnumerable<List<ResourceRunner>> ShutdownLayers()
    {
        // Projects first, then databases, then the servers and caches they live on.
        yield return [.. _runners.OfType<ProjectRunner>()];
        yield return [.. _runners.OfType<PostgresDatabaseRunner>()];
        yield return [.. _runners.Where(r => r is not ProjectRunner and not PostgresDatabaseRunner)];
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }
}
