using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Configuration;
using PaymentPlatform.Hosting.ApplicationModel;
using PaymentPlatform.Hosting.Dashboard;
using PaymentPlatform.Hosting.Orchestration;
using PaymentPlatform.Hosting.Publishing;

namespace PaymentPlatform.Hosting;

/// <summary>
/// A built distributed application: run it (<see cref="Run"/>, what the AppHost does), or
/// start it and talk to it (what tests do).
/// </summary>
public sealed class DistributedApplication : IAsyncDisposable
{
    private readonly DistributedApplicationOptions _options;
    private readonly IConfiguration _configuration;
    private DataLayout? _data;
    private ProcessLauncher? _launcher;
    private Orchestrator? _orchestrator;
    private DashboardServer? _dashboard;
    private bool _disposed;

    internal DistributedApplication(DistributedApplicationModel model, DistributedApplicationOptions options, IConfiguration configuration, DistributedApplicationExecutionContext executionContext)
    {
        Model = model;
        _options = options;
        _configuration = configuration;
        ExecutionContext = executionContext;
        ResourceLogs = new ResourceLoggerService(options.EchoResourceLogs);
        ResourceNotifications = new ResourceNotificationService(name => ResourceLogs.GetLines(name, max: 20));
        ResourceCommands = new ResourceCommandService(() => _orchestrator ?? throw new InvalidOperationException("The application has not been started."));
    }

    /// <summary>Creates a builder from the AppHost's command-line arguments.</summary>
    public static IDistributedApplicationBuilder CreateBuilder(string[] args) =>
        CreateBuilder(new DistributedApplicationOptions { Args = args });

    /// <summary>Creates a builder with explicit options.</summary>
    public static IDistributedApplicationBuilder CreateBuilder(DistributedApplicationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (EntryPointInterception.Current.Value is { } interception)
        {
            options = interception.ConfigureOptions(options);
        }
        return new DistributedApplicationBuilder(options);
    }

    /// <summary>The app's resources.</summary>
    public DistributedApplicationModel Model { get; }

    /// <summary>Run or publish.</summary>
    public DistributedApplicationExecutionContext ExecutionContext { get; }

    /// <summary>Resource states, and waits for them.</summary>
    public ResourceNotificationService ResourceNotifications { get; }

    /// <summary>Every resource's console output.</summary>
    public ResourceLoggerService ResourceLogs { get; }

    /// <summary>Stop, start, restart, kill, pause and resume resources and replicas.</summary>
    public ResourceCommandService ResourceCommands { get; }

    internal PortAllocator Ports { get; } = new();

    /// <summary>The dashboard's address and secrets once started; null when it is off (testing, by default).</summary>
    public DashboardInfo? Dashboard => _dashboard?.Info;

    /// <summary>
    /// Starts every resource (each once the resources it waits for are healthy) and returns. In
    /// publish mode (<c>--publisher NAME --output-path PATH</c>) it writes the deployment
    /// artifacts instead and starts nothing.
    /// </summary>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (ExecutionContext.IsPublishMode)
        {
            return PublishAsync(cancellationToken);
        }
        if (_orchestrator is not null)
        {
            throw new InvalidOperationException("The application has already been started.");
        }
        cancellationToken.ThrowIfCancellationRequested();
        _data = DataLayout.Create(_options, _configuration);
        var binaries = new BinaryLocator(_configuration);
        _launcher = new ProcessLauncher(binaries);
        var parameters = new ParameterValueSource(_configuration, _data.StateDirectory);
        foreach (var parameter in Model.Resources.OfType<ParameterResource>())
        {
            parameter.ValueSource = parameters;
        }
        var context = new RunContext(_options, _configuration, ExecutionContext, _launcher, binaries, Ports, _data, ResourceLogs, ResourceNotifications);
        _orchestrator = new Orchestrator(Model, context);
        return StartDashboardThenResourcesAsync(cancellationToken);
    }

    /// <summary>
    /// The dashboard starts first: each project is told where to export (and the key to send) when
    /// its process starts, from the configuration keys ProjectRunner reads.
    /// </summary>
    private async Task StartDashboardThenResourcesAsync(CancellationToken cancellationToken)
    {
        if (_options.EnableDashboard ?? !_options.IsTesting)
        {
            var options = DashboardOptions.FromConfiguration(_configuration);
            _dashboard = await DashboardServer.StartAsync(options, new DashboardHost(Model, ExecutionContext, ResourceNotifications, ResourceLogs, ResourceCommands), cancellationToken).ConfigureAwait(false);
            _configuration[KnownConfigNames.OtlpEndpoint] = _dashboard.Info.OtlpEndpoint.ToString().TrimEnd('/');
            _configuration[KnownConfigNames.OtlpApiKey] = options.OtlpApiKey;
        }
        _orchestrator!.Start();
    }

    /// <summary>
    /// Writes the artifacts of the publisher named by <c>--publisher</c>: no process starts, no
    /// secret is read or generated, and nothing goes over the network.
    /// </summary>
    private async Task PublishAsync(CancellationToken cancellationToken)
    {
        var written = await DistributedApplicationPublishing.PublishAsync(
            Model, ExecutionContext, _configuration, _options.ApplicationName ?? "app", cancellationToken).ConfigureAwait(false);
        ResourceLogs.HostMessage($"Published {ExecutionContext.PublisherName}: {written.Count} file(s) under {CommonFolder(written)}");
    }

    private static string CommonFolder(IReadOnlyList<string> paths)
    {
        var folder = paths.Count == 1 ? paths[0] : Path.GetDirectoryName(paths[0]) ?? "";
        while (paths.Any(p => !p.StartsWith(folder, StringComparison.Ordinal)))
        {
            folder = Path.GetDirectoryName(folder) ?? "";
        }
        return folder;
    }

    /// <summary>Waits until every resource is healthy; fails fast, saying why, when one fails to start.</summary>
    public async Task WaitForAllHealthyAsync(CancellationToken cancellationToken = default)
    {
        var runners = _orchestrator?.Runners ?? throw new InvalidOperationException("The application has not been started.");
        await Task.WhenAll(runners.Select(r => ResourceNotifications.WaitForResourceHealthyAsync(r.Resource.Name, cancellationToken))).ConfigureAwait(false);
    }

    /// <summary>The URL of a resource's endpoint (the front door for an external one).</summary>
    public Uri GetEndpoint(string resourceName, string endpointName = "http")
    {
        var resource = Model.Find(resourceName);
        var endpoint = resource.Annotations.OfType<EndpointAnnotation>().FirstOrDefault(e => e.Name == endpointName)
            ?? throw new DistributedApplicationException($"Resource '{resourceName}' has no endpoint named '{endpointName}'.");
        return new Uri(endpoint.Primary?.Url ?? throw new InvalidOperationException("Endpoints are allocated when the application starts."));
    }

    /// <summary>The connection string a referencing service would receive.</summary>
    public async Task<string?> GetConnectionStringAsync(string resourceName, CancellationToken cancellationToken = default) =>
        Model.Find(resourceName) is IResourceWithConnectionString resource
            ? await resource.ConnectionStringExpression.GetValueAsync(cancellationToken).ConfigureAwait(false)
            : throw new DistributedApplicationException($"Resource '{resourceName}' has no connection string.");

    /// <summary>Stops services gracefully, then the databases and caches they use.</summary>
    public async Task StopAsync()
    {
        if (_orchestrator is not null)
        {
            await _orchestrator.StopAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Runs until Ctrl+C or SIGTERM, then stops everything cleanly.</summary>
    public void Run() => RunAsync().GetAwaiter().GetResult();

    /// <summary>
    /// Runs until cancelled, Ctrl+C or SIGTERM, then stops everything cleanly. In publish mode it
    /// writes the artifacts and returns; a graph the publisher cannot express is reported on
    /// standard error with exit code 1, without a stack trace.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        if (ExecutionContext.IsPublishMode)
        {
            try
            {
                await PublishAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (DistributedApplicationException ex)
            {
                ResourceLogs.HostMessage($"Publishing failed: {ex.Message}", isError: true);
                Environment.ExitCode = 1;
            }
            return;
        }
        using var shutdown = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true; // we stop the children ourselves, in order
            shutdown.Cancel();
        }
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using var sigquit = PosixSignalRegistration.Create(PosixSignal.SIGQUIT, OnSignal);

        var started = Stopwatch.StartNew();
        try
        {
            await StartAsync(shutdown.Token).ConfigureAwait(false);
            ResourceLogs.HostMessage($"Starting {Model.Resources.Count(r => r is not ParameterResource)} resources; data in {_data!.StateDirectory}");
            PrintDashboardLogin();
            try
            {
                await WaitForAllHealthyAsync(shutdown.Token).ConfigureAwait(false);
                ResourceLogs.HostMessage(SummaryTable.Render(ResourceNotifications.Current, started.Elapsed));
                PrintDashboardLogin();
            }
            catch (DistributedApplicationException ex)
            {
                ResourceLogs.HostMessage(ex.Message, isError: true);
                ResourceLogs.HostMessage(SummaryTable.Render(ResourceNotifications.Current, started.Elapsed));
            }
            await Task.Delay(Timeout.Infinite, shutdown.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
        {
        }
        catch (TimeoutException) when (shutdown.IsCancellationRequested)
        {
            // Stopped before everything was healthy: show where each resource got to.
            ResourceLogs.HostMessage(SummaryTable.Render(ResourceNotifications.Current, started.Elapsed));
        }
        ResourceLogs.HostMessage("Stopping: services first, then PostgreSQL and Redis...");
        var stopping = Stopwatch.StartNew();
        await DisposeAsync().ConfigureAwait(false);
        ResourceLogs.HostMessage($"Stopped in {stopping.Elapsed.TotalSeconds:0.0} s.");
    }

    private void PrintDashboardLogin()
    {
        if (_dashboard is not null)
        {
            ResourceLogs.HostMessage($"Dashboard: {_dashboard.Info.LoginUrl}");
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        if (_orchestrator is not null)
        {
            await _orchestrator.DisposeAsync().ConfigureAwait(false);
        }
        // After the services: their last telemetry, flushed as they stop, still has somewhere to go.
        if (_dashboard is not null)
        {
            await _dashboard.DisposeAsync().ConfigureAwait(false);
        }
        _launcher?.Dispose();
        _data?.Dispose();
    }
}
