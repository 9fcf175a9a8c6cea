using System.Globalization;
using PaymentPlatform.Hosting.ApplicationModel;

namespace PaymentPlatform.Hosting.Orchestration;

/// <summary>Runs a project from its build output: one process per replica, each on its own port.</summary>
internal sealed class ProjectRunner : ResourceRunner
{
    private static readonly HttpClient HealthClient = new() { Timeout = TimeSpan.FromSeconds(2) };

    private readonly ProjectResource _project;
    private readonly EndpointAnnotation _http;
    private readonly List<ReplicaSupervisor> _replicas = [];
    private FrontDoor? _frontDoor;

    public ProjectRunner(ProjectResource project, RunContext context)
        : base(project, "Project", context)
    {
        _project = project;
        _http = project.Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == "http");
    }

    public override IReadOnlyList<ReplicaSupervisor> Replicas => _replicas;

    public override string? Url => _http.Primary?.Url;

    /// <summary>Allocates every replica's port, and the front door, before anything starts, so references resolve.</summary>
    public void AllocateEndpoints()
    {
        _http.Replicas = [.. Enumerable.Range(0, _project.Replicas)
            .Select(_ => new AllocatedEndpoint("http", "127.0.0.1", Context.Ports.Allocate()))];
        if (_http.IsExternal)
        {
            _frontDoor = new FrontDoor(HealthyPorts);
            _http.FrontDoor = new AllocatedEndpoint("http", "127.0.0.1", _frontDoor.Port);
        }
        for (var i = 0; i < _http.Replicas.Count; i++)
        {
            var index = i;
            _replicas.Add(CreateSupervisor(new ReplicaDefinition(
                _project.Name, index,
                () => _http.Replicas[index],
                ct => CreateSpecAsync(index, _http.Replicas[index], ct),
                ct => ProbeAsync(_http.Replicas[index], ct),
                PosixSignalNumber.Terminate,
                () => MoveToFreshPort(_http, index))));
        }
    }

    /// <summary>
    /// Where the front door sends new connections: the healthy replicas; when none is, every running one (fail open,
    /// as load balancers' panic mode does). Health probes that time out on a starved machine must not turn a slow
    /// service into a closed door; a paused, stopped or exited replica is still never chosen.
    /// </summary>
    private IReadOnlyList<int> HealthyPorts()
    {
        var running = _replicas.Where(r => r.State == KnownResourceStates.Running).ToList();
        var healthy = running.Where(r => r.Health == ResourceHealth.Healthy).ToList();
        return [.. (healthy.Count > 0 ? healthy : running).Select(r => _http.Replicas[r.Index].Port)];
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(_project.Metadata.AssemblyPath))
        {
            throw new DistributedApplicationException(
                $"Project '{_project.Name}' has not been built: '{_project.Metadata.AssemblyPath}' does not exist. Build the AppHost (dotnet build), which builds every project it references.");
        }
        foreach (var replica in _replicas)
        {
            replica.Start();
        }
        return Task.CompletedTask;
    }

    public override async Task StopAsync()
    {
        await Task.WhenAll(_replicas.Select(r => r.StopAsync())).ConfigureAwait(false);
        if (_frontDoor is not null)
        {
            await _frontDoor.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task<ProcessSpec> CreateSpecAsync(int index, AllocatedEndpoint endpoint, CancellationToken cancellationToken)
    {
        var environment = await EnvironmentResolver.ResolveAsync(_project, Context.ExecutionContext, cancellationToken).ConfigureAwait(false);
        var hostEnvironment = Context.Configuration["Environment"] ?? "Development";
        environment["ASPNETCORE_URLS"] = endpoint.Url;
        environment["ASPNETCORE_ENVIRONMENT"] = hostEnvironment;
        environment["DOTNET_ENVIRONMENT"] = hostEnvironment;
        environment["OTEL_SERVICE_NAME"] = _project.Name;
        environment["OTEL_RESOURCE_ATTRIBUTES"] = $"service.instance.id={_project.Name}-{index.ToString(CultureInfo.InvariantCulture)}";
        environment["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
        if (Context.Configuration[KnownConfigNames.OtlpEndpoint] is { Length: > 0 } otlp)
        {
            environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = otlp;
            if (Context.Configuration[KnownConfigNames.OtlpApiKey] is { Length: > 0 } apiKey)
            {
                environment["OTEL_EXPORTER_OTLP_HEADERS"] = $"x-otlp-api-key={apiKey}";
            }
        }
        if (hostEnvironment == "Development")
        {
            // Aspire's development values: telemetry shows up in the dashboard within a second.
            environment["OTEL_BSP_SCHEDULE_DELAY"] = "1000";
            environment["OTEL_BLRP_SCHEDULE_DELAY"] = "1000";
            environment["OTEL_METRIC_EXPORT_INTERVAL"] = "1000";
        }
        // The service finishes in-flight requests a little before the host would kill it.
        var serviceShutdown = Math.Max(1, (int)Context.Options.GracefulShutdownTimeout.TotalSeconds - 2);
        environment["DOTNET_SHUTDOWNTIMEOUTSECONDS"] = serviceShutdown.ToString(CultureInfo.InvariantCulture);

        return new ProcessSpec(
            Context.Binaries.Require("dotnet", "dotnet-sdk-10.0"),
            [_project.Metadata.AssemblyPath],
            environment,
            Path.GetDirectoryName(_project.Metadata.AssemblyPath)!,
            PosixSignalNumber.Terminate);
    }

    private static async Task<bool> ProbeAsync(AllocatedEndpoint endpoint, CancellationToken cancellationToken)
    {
        using var response = await HealthClient.GetAsync($"{endpoint.Url}/health", cancellationToken).ConfigureAwait(false);
        return response.IsSuccessStatusCode;
    }
}

/// <summary>Configuration keys the host reads.</summary>
public static class KnownConfigNames
{
    /// <summary>The OTLP/HTTP receiver services export to (Aspire's dashboard variable).</summary>
    public const string OtlpEndpoint = "ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL";

    /// <summary>The API key services send to the OTLP receiver in <c>x-otlp-api-key</c>.</summary>
    public const string OtlpApiKey = "AppHost:OtlpApiKey";
}

/// <summary>Turns a resource's environment callbacks into variables.</summary>
internal static class EnvironmentResolver
{
    /// <summary>The variables with their values unresolved: strings, or value providers.</summary>
    public static async Task<Dictionary<string, object>> CollectAsync(IResource resource, DistributedApplicationExecutionContext executionContext)
    {
        var context = new EnvironmentCallbackContext(executionContext, resource);
        foreach (var callback in resource.Annotations.OfType<EnvironmentCallbackAnnotation>())
        {
            await callback.Callback(context).ConfigureAwait(false);
        }
        return context.EnvironmentVariables;
    }

    /// <summary>The variables with every value resolved, for starting a process.</summary>
    public static async Task<Dictionary<string, string>> ResolveAsync(IResource resource, DistributedApplicationExecutionContext executionContext, CancellationToken cancellationToken)
    {
        var resolved = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in await CollectAsync(resource, executionContext).ConfigureAwait(false))
        {
            resolved[key] = value switch
            {
                string s => s,
                IValueProvider provider => await provider.GetValueAsync(cancellationToken).ConfigureAwait(false) ?? "",
                _ => throw new InvalidOperationException($"Environment variable '{key}' of '{resource.Name}' has a value of unsupported type {value.GetType().Name}."),
            };
        }
        return resolved;
    }
}
