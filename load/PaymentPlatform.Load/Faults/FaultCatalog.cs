using PaymentPlatform.Hosting;
using PaymentPlatform.Hosting.ApplicationModel;
using PaymentPlatform.Hosting.Testing;

namespace PaymentPlatform.Load.Faults;

/// <summary>What a fault can use while it is injected: the host's lifecycle commands and the services' simulated conditions.</summary>
public sealed record FaultContext(DistributedApplication App, SimulatedConditionsClient Conditions);

/// <summary>
/// One fault: its name (for <c>--faults</c>), what it does, and how. <see cref="InjectAsync"/> returns once
/// the fault is lifted (at once for a kill; after the resume of a pause). <see cref="Replaces"/> names
/// the replica whose process the fault ends: it has recovered only once a new process runs there.
/// </summary>
public sealed record FaultDefinition(string Name, string Description, Func<FaultContext, CancellationToken, Task> InjectAsync, (string Resource, int Replica)? Replaces);

/// <summary>The fault suite of issue 16, in the order a full run injects it.</summary>
public static class FaultCatalog
{
    /// <summary>How long a pause or a slow, erroring service lasts before it is lifted.</summary>
    public static readonly TimeSpan PauseTime = TimeSpan.FromSeconds(5);

    public static readonly TimeSpan SlowTime = TimeSpan.FromSeconds(15);

    /// <summary>The services whose simulated conditions a fault run may change.</summary>
    public static readonly string[] SimulatingServices = ["risk", "directory"];

    private const int SlowLatencyMs = 300;
    private const double SlowErrorRate = 0.3;
    private static readonly string[] DirectoryRoutes = ["validate", "status", "collect"];

    public static IReadOnlyList<FaultDefinition> All { get; } =
    [
        Kill("gateway", "the gateway's replica 0 (of two, behind the front door)"),
        Kill("risk", "risk (scoring: every payment asks it)"),
        Kill("ledger", "the ledger (holds, captures, refunds)"),
        Kill("notify", "notify (webhook delivery from the event stream)"),
        Kill("directory", "the directory (UPI handle validation and collects)"),
        new("restart-redis", "restart Redis gracefully: SIGTERM (it writes its append-only file and exits), then start it again",
            (c, _) => c.App.ResourceCommands.RestartAsync("cache", 0), ("cache", 0)),
        new("kill-redis", "kill -9 Redis; the host restarts it and it reloads its append-only file (appendfsync always)",
            (c, _) => Sync(() => c.App.ResourceCommands.Kill("cache", 0)), ("cache", 0)),
        new("restart-postgres", "restart PostgreSQL with a fast shutdown: SIGINT to the postmaster, which rolls back open transactions and checkpoints; then start it again",
            (c, _) => c.App.ResourceCommands.RestartAsync("postgres", 0), ("postgres", 0)),
        new("kill-postgres", "kill -9 the PostgreSQL postmaster (its backends see it die and exit); the host restarts it and it recovers from its WAL",
            (c, _) => Sync(() => c.App.ResourceCommands.Kill("postgres", 0)), ("postgres", 0)),
        Pause("ledger", "the ledger"),
        Pause("gateway", "the gateway's replica 0 (the front door stops choosing it once it is unhealthy; connections already on it stall)"),
        new("slow-risk", $"risk's scoring answers after {SlowLatencyMs} ms and {SlowErrorRate:P0} of them are 503, for {SlowTime.TotalSeconds:0} s, then normal again",
            (c, ct) => SlowAsync(c, "risk", ["score"], ct), null),
        new("slow-directory", $"the directory's validate, status and collect answer after {SlowLatencyMs} ms and {SlowErrorRate:P0} of them are 503, for {SlowTime.TotalSeconds:0} s, then normal again",
            (c, ct) => SlowAsync(c, "directory", DirectoryRoutes, ct), null),
    ];

    /// <summary>The faults <c>--faults</c> names, in the order given; all of them when none is named.</summary>
    public static IReadOnlyList<FaultDefinition> Select(IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        if (names.Count == 0)
        {
            return All;
        }
        return [.. names.Select(name => All.FirstOrDefault(f => f.Name == name)
            ?? throw new FormatException($"Unknown fault '{name}'; choose from {string.Join(", ", All.Select(f => f.Name))}."))];
    }

    /// <summary>Lets risk and the directory take changes of their simulated conditions while they run (before the platform starts).</summary>
    public static void EnableSimulatedConditions(IDistributedApplicationTestingBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        foreach (var service in SimulatingServices)
        {
            builder.CreateResourceBuilder<ProjectResource>(service).WithEnvironment(SimulatedConditionsClient.RuntimeChangesVariable, "true");
        }
    }

    private static FaultDefinition Kill(string resource, string what) =>
        new($"kill-{resource}", $"kill -9 {what}; the host restarts it",
            (c, _) => Sync(() => c.App.ResourceCommands.Kill(resource, 0)), (resource, 0));

    private static FaultDefinition Pause(string resource, string what) =>
        new($"pause-{resource}", $"freeze {what} with SIGSTOP for {PauseTime.TotalSeconds:0} s (it holds its port and answers nothing), then SIGCONT",
            async (c, ct) =>
            {
                c.App.ResourceCommands.Pause(resource, 0);
                try
                {
                    await Task.Delay(PauseTime, ct).ConfigureAwait(false);
                }
                finally
                {
                    c.App.ResourceCommands.Resume(resource, 0);
                }
            }, null);

    private static async Task SlowAsync(FaultContext context, string resource, IReadOnlyList<string> routes, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var route in routes)
            {
                await context.Conditions.SetAsync(resource, route, SlowLatencyMs, SlowErrorRate, cancellationToken).ConfigureAwait(false);
            }
            await Task.Delay(SlowTime, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            foreach (var route in routes)
            {
                await context.Conditions.SetAsync(resource, route, 0, 0, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    private static Task Sync(Action action)
    {
        action();
        return Task.CompletedTask;
    }
}
