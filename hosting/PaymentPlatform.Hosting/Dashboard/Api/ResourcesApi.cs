using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using PaymentPlatform.Hosting.ApplicationModel;
using PaymentPlatform.Hosting.Dashboard.Storage;
using PaymentPlatform.Hosting.Orchestration;

namespace PaymentPlatform.Hosting.Dashboard.Api;

/// <summary>
/// <c>/api/telemetry/resources</c>: every resource as the host runs it (state, health, replicas
/// with pid, address, restarts and last exit code, endpoints) merged with the processes seen in
/// telemetry; a resource's environment (secrets withheld) and console output; lifecycle commands;
/// and server-sent-event streams of state changes and console lines for live views.
/// </summary>
internal static class ResourcesApi
{
    private const int DefaultConsoleLines = 500;
    private const int MaxConsoleLines = 5000;
    private static readonly string[] Commands = ["stop", "start", "restart", "kill", "pause", "resume"];

    public static RouteGroupBuilder MapResourcesApi(this RouteGroupBuilder api)
    {
        api.MapGet("/resources", GetResources);
        api.MapGet("/resources/stream", StreamResources);
        api.MapGet("/resources/{name}", GetResource);
        api.MapGet("/resources/{name}/console", GetConsole);
        api.MapGet("/resources/{name}/console/stream", StreamConsole);
        api.MapPost("/resources/{name}/commands/{command}", RunCommandAsync);
        return api;
    }

    public static Ok<IReadOnlyList<ResourceDto>> GetResources(TelemetryStore store, [FromServices] DashboardHost? host, CancellationToken cancellationToken)
    {
        var instances = store.Resources.All().ToLookup(r => r.Name, StringComparer.Ordinal);
        var result = new List<ResourceDto>();
        var hostNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var resource in HostResources(host))
        {
            hostNames.Add(resource.Name);
            result.Add(ToDto(resource, host!.Notifications.Get(resource.Name), instances[resource.Name], environment: null));
        }
        foreach (var external in instances.Where(g => !hostNames.Contains(g.Key)))
        {
            result.Add(External(external.Key, external));
        }
        return TypedResults.Ok<IReadOnlyList<ResourceDto>>(result);
    }

    public static async Task<Results<Ok<ResourceDto>, ProblemHttpResult>> GetResource(string name, TelemetryStore store, [FromServices] DashboardHost? host, CancellationToken cancellationToken)
    {
        var instances = store.Resources.All().Where(r => r.Name == name).ToList();
        if (HostResources(host).FirstOrDefault(r => r.Name == name) is { } resource)
        {
            var environment = await EnvironmentOf(resource, host!, cancellationToken).ConfigureAwait(false);
            return TypedResults.Ok(ToDto(resource, host!.Notifications.Get(name), instances, environment));
        }
        return instances.Count > 0
            ? TypedResults.Ok(External(name, instances))
            : UnknownResource(name, host);
    }

    public static Results<Ok<IReadOnlyList<ConsoleLineDto>>, ProblemHttpResult> GetConsole(
        string name, int? replica, int? limit, [FromServices] DashboardHost? host, CancellationToken cancellationToken)
    {
        if (HostResources(host).All(r => r.Name != name))
        {
            return UnknownResource(name, host);
        }
        if (limit is < 1 or > MaxConsoleLines)
        {
            return DashboardProblems.InvalidQuery($"limit must be between 1 and {MaxConsoleLines}.");
        }
        IReadOnlyList<ConsoleLineDto> lines = [.. host!.Logs.GetLines(name, replica, limit ?? DefaultConsoleLines).Select(ToDto)];
        return TypedResults.Ok(lines);
    }

    public static Results<ServerSentEventsResult<ConsoleLineDto>, ProblemHttpResult> StreamConsole(
        string name, int? replica, [FromServices] DashboardHost? host, DashboardLifetime lifetime, CancellationToken cancellationToken)
    {
        if (HostResources(host).All(r => r.Name != name))
        {
            return UnknownResource(name, host);
        }
        return TypedResults.ServerSentEvents(ConsoleLines(host!, name, replica, lifetime.Stopping), "console");
    }

    public static Results<ServerSentEventsResult<ResourceDto>, ProblemHttpResult> StreamResources(
        TelemetryStore store, [FromServices] DashboardHost? host, DashboardLifetime lifetime, CancellationToken cancellationToken)
    {
        if (host is null)
        {
            return NoHost();
        }
        return TypedResults.ServerSentEvents(ResourceChanges(store, host, lifetime.Stopping), "resource");
    }

    public static async Task<Results<Ok<CommandResultDto>, ProblemHttpResult>> RunCommandAsync(
        string name, string command, int? replica, TelemetryStore store, [FromServices] DashboardHost? host, CancellationToken cancellationToken)
    {
        if (host is null)
        {
            return NoHost();
        }
        if (HostResources(host).FirstOrDefault(r => r.Name == name) is not { } resource)
        {
            return UnknownResource(name, host);
        }
        command = command.ToLowerInvariant();
        if (!Commands.Contains(command))
        {
            return DashboardProblems.Create(StatusCodes.Status400BadRequest, "unknown_command", "Unknown command",
                $"'{command}' is not a command; use one of {string.Join(", ", Commands)}.");
        }
        try
        {
            switch (command)
            {
                case "stop": await host.Commands.StopAsync(name, replica).ConfigureAwait(false); break;
                case "start": await host.Commands.StartAsync(name, replica).ConfigureAwait(false); break;
                case "restart": await host.Commands.RestartAsync(name, replica).ConfigureAwait(false); break;
                case "kill": host.Commands.Kill(name, replica); break;
                case "pause": host.Commands.Pause(name, replica); break;
                case "resume": host.Commands.Resume(name, replica); break;
            }
        }
        catch (Exception ex) when (ex is DistributedApplicationException or InvalidOperationException)
        {
            // No process behind the resource (a database lives in its server), no such replica, or not started.
            return DashboardProblems.Create(StatusCodes.Status409Conflict, "command_not_applicable", "The command cannot run", ex.Message);
        }
        var instances = store.Resources.All().Where(r => r.Name == name).ToList();
        return TypedResults.Ok(new CommandResultDto(name, replica, command, ToDto(resource, host.Notifications.Get(name), instances, environment: null)));
    }

    // Streams end when the client goes (the enumerator's token) or the dashboard stops.
    private static async IAsyncEnumerable<ConsoleLineDto> ConsoleLines(DashboardHost host, string name, int? replica, CancellationToken stopping, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, cancellationToken);
        await foreach (var line in EndQuietly(host.Logs.WatchAsync(linked.Token), linked.Token).ConfigureAwait(false))
        {
            if (line.Resource == name && (replica is null || line.Replica == replica))
            {
                yield return ToDto(line);
            }
        }
    }

    private static async IAsyncEnumerable<ResourceDto> ResourceChanges(TelemetryStore store, DashboardHost host, CancellationToken stopping, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, cancellationToken);
        var resources = HostResources(host).ToDictionary(r => r.Name, StringComparer.Ordinal);
        await foreach (var snapshot in EndQuietly(host.Notifications.WatchAsync(linked.Token), linked.Token).ConfigureAwait(false))
        {
            if (resources.TryGetValue(snapshot.Name, out var resource))
            {
                yield return ToDto(resource, snapshot, store.Resources.All().Where(r => r.Name == snapshot.Name), environment: null);
            }
        }
    }

    /// <summary>Ends the stream, rather than failing the response, when it is cancelled.</summary>
    private static async IAsyncEnumerable<T> EndQuietly<T>(IAsyncEnumerable<T> source, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var enumerator = source.GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                try
                {
                    if (!await enumerator.MoveNextAsync().ConfigureAwait(false))
                    {
                        yield break;
                    }
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    yield break;
                }
                yield return enumerator.Current;
            }
        }
        finally
        {
            await enumerator.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static IEnumerable<IResource> HostResources(DashboardHost? host) =>
        host?.Model.Resources.Where(r => r is not ParameterResource) ?? [];

    private static ResourceDto ToDto(IResource resource, ResourceSnapshot? snapshot, IEnumerable<TelemetryResource> instances, IReadOnlyList<EnvironmentVariableDto>? environment)
    {
        var now = DateTimeOffset.UtcNow;
        var replicas = snapshot?.Replicas.Select(r => new ReplicaDto(
            r.Index, $"{resource.Name}-{r.Index}", r.State, r.Health.ToString(), r.ProcessId, r.Url, r.Restarts, r.LastExitCode, r.StartedAt,
            r.StartedAt is { } started && r.State == KnownResourceStates.Running ? Math.Round((now - started).TotalSeconds, 1) : null)).ToList() ?? [];
        var endpoints = resource.Annotations.OfType<EndpointAnnotation>().Select(e => new EndpointDto(
            e.Name, e.UriScheme, e.IsExternal, e.Primary?.Url, [.. e.Replicas.Select(r => r.Url)])).ToList();
        return new ResourceDto(
            resource.Name,
            snapshot?.Type ?? resource.GetType().Name.Replace("Resource", "", StringComparison.Ordinal),
            snapshot?.State ?? KnownResourceStates.NotStarted,
            snapshot?.Health.ToString() ?? nameof(ResourceHealth.Unknown),
            snapshot?.IsHealthy ?? false,
            snapshot?.Url,
            snapshot?.Error,
            replicas.Sum(r => r.Restarts),
            endpoints,
            replicas,
            [.. resource.Annotations.OfType<WaitAnnotation>().Select(w => w.Resource.Name).Distinct()],
            [.. instances.Select(ToDto)],
            environment);
    }

    /// <summary>A service that sends telemetry but is not part of the app model (a test, a script, another app).</summary>
    private static ResourceDto External(string name, IEnumerable<TelemetryResource> instances) =>
        new(name, "External", null, null, false, null, null, 0, [], [], [], [.. instances.Select(ToDto)], null);

    private static TelemetryInstanceDto ToDto(TelemetryResource instance) =>
        new(instance.Name, instance.InstanceId, instance.DisplayName, instance.FirstSeen, instance.LastSeen, TelemetryMapping.ToDictionary(instance.Attributes));

    private static ConsoleLineDto ToDto(ResourceLogLine line) =>
        new(line.Timestamp, line.Resource, line.Replica, line.Source, line.Text, line.IsError);

    /// <summary>
    /// The variables the app model gives a resource. A value is withheld when it is, or is built
    /// from, a secret parameter (connection strings carry passwords); its manifest expression
    /// still says where it comes from.
    /// </summary>
    private static async Task<IReadOnlyList<EnvironmentVariableDto>> EnvironmentOf(IResource resource, DashboardHost host, CancellationToken cancellationToken)
    {
        if (!resource.Annotations.OfType<EnvironmentCallbackAnnotation>().Any())
        {
            return [];
        }
        var variables = await EnvironmentResolver.CollectAsync(resource, host.ExecutionContext).ConfigureAwait(false);
        var result = new List<EnvironmentVariableDto>();
        foreach (var (key, value) in variables.OrderBy(v => v.Key, StringComparer.Ordinal))
        {
            switch (value)
            {
                case string text:
                    result.Add(new EnvironmentVariableDto(key, text, false, null));
                    break;
                case IValueProvider provider when IsSecret(provider):
                    result.Add(new EnvironmentVariableDto(key, null, true, (provider as IManifestExpressionProvider)?.ValueExpression));
                    break;
                case IValueProvider provider:
                    string? resolved;
                    try
                    {
                        resolved = await provider.GetValueAsync(cancellationToken).ConfigureAwait(false);
                    }
                    catch (InvalidOperationException)
                    {
                        resolved = null; // not allocated yet: the app has not started
                    }
                    result.Add(new EnvironmentVariableDto(key, resolved, false, (provider as IManifestExpressionProvider)?.ValueExpression));
                    break;
            }
        }
        return result;
    }

    private static bool IsSecret(IValueProvider provider) => provider switch
    {
        ParameterResource parameter => parameter.Secret,
        ReferenceExpression expression => expression.ValueProviders.Any(IsSecret),
        IResourceWithConnectionString resource => IsSecret(resource.ConnectionStringExpression),
        _ => false,
    };

    private static ProblemHttpResult UnknownResource(string name, DashboardHost? host) =>
        DashboardProblems.NotFound("resource_not_found",
            $"No resource named '{name}'. Resources: {string.Join(", ", HostResources(host).Select(r => r.Name))}.");

    private static ProblemHttpResult NoHost() =>
        DashboardProblems.Create(StatusCodes.Status409Conflict, "no_host", "No app host",
            "This dashboard runs without an AppHost (telemetry only), so it has no resources to command.");
}
