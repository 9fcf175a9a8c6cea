using System.Reflection;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Configuration;
using PaymentPlatform.Hosting.ApplicationModel;

namespace PaymentPlatform.Hosting.Testing;

/// <summary>
/// Starts an AppHost's real graph in a test, in the shape of Aspire.Hosting.Testing:
/// <c>await using var builder = await DistributedApplicationTestingBuilder.CreateAsync&lt;Projects.PaymentPlatform_AppHost&gt;();</c>
/// then <c>BuildAsync()</c>, <c>StartAsync()</c>, <c>CreateHttpClient("gateway")</c>.
/// </summary>
public static class DistributedApplicationTestingBuilder
{
    /// <summary>
    /// Runs the AppHost's entry point up to <c>Build()</c> and returns its builder with testing
    /// defaults: random ports, throwaway data and secrets, resource logs kept but not echoed,
    /// quick health polling and a short graceful-shutdown timeout.
    /// </summary>
    public static Task<IDistributedApplicationTestingBuilder> CreateAsync<TEntryPoint>(CancellationToken cancellationToken = default)
        where TEntryPoint : IProjectMetadata, new() =>
        CreateAsync<TEntryPoint>([], cancellationToken);

    /// <inheritdoc cref="CreateAsync{TEntryPoint}(CancellationToken)"/>
    public static Task<IDistributedApplicationTestingBuilder> CreateAsync<TEntryPoint>(string[] args, CancellationToken cancellationToken = default)
        where TEntryPoint : IProjectMetadata, new() =>
        CreateAsync<TEntryPoint>(args, options => options, cancellationToken);

    /// <summary>
    /// As <see cref="CreateAsync{TEntryPoint}(CancellationToken)"/>, with the testing options adjusted
    /// by <paramref name="configureOptions"/>; for example, turn the dashboard's OTLP receiver and
    /// telemetry API on (off by default in tests) to ask questions about traces, logs and metrics:
    /// <c>CreateAsync&lt;Projects.X&gt;([], o =&gt; o with { EnableDashboard = true })</c>, then
    /// <c>app.CreateDashboardClient()</c>.
    /// </summary>
    public static async Task<IDistributedApplicationTestingBuilder> CreateAsync<TEntryPoint>(
        string[] args,
        Func<DistributedApplicationOptions, DistributedApplicationOptions> configureOptions,
        CancellationToken cancellationToken = default)
        where TEntryPoint : IProjectMetadata, new()
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(configureOptions);
        var appHost = new TEntryPoint();
        if (!File.Exists(appHost.AssemblyPath))
        {
            throw new DistributedApplicationException($"The AppHost '{appHost.AssemblyPath}' has not been built. Build the test project, which builds the AppHost it references.");
        }
        var assembly = Assembly.LoadFrom(appHost.AssemblyPath);
        var entryPoint = assembly.EntryPoint ?? throw new DistributedApplicationException($"'{appHost.AssemblyPath}' has no entry point; is it an AppHost?");

        var captured = new TaskCompletionSource<IDistributedApplicationBuilder>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            EntryPointInterception.Current.Value = new EntryPointInterception
            {
                ConfigureOptions = options => configureOptions(TestingOptions(options, assembly)),
                OnBuild = builder =>
                {
                    captured.TrySetResult(builder);
                    throw new EntryPointStoppedException();
                },
            };
            try
            {
                entryPoint.Invoke(null, entryPoint.GetParameters().Length == 0 ? [] : [args]);
                captured.TrySetException(new DistributedApplicationException($"The entry point of '{appHost.AssemblyPath}' returned without calling Build()."));
            }
            catch (TargetInvocationException ex) when (ex.InnerException is EntryPointStoppedException)
            {
            }
            catch (TargetInvocationException ex)
            {
                captured.TrySetException(ex.InnerException ?? ex);
            }
        })
        { IsBackground = true, Name = $"{assembly.GetName().Name} entry point" };
        thread.Start();

        var builder = await captured.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new TestingBuilder(builder);
    }

    private static DistributedApplicationOptions TestingOptions(DistributedApplicationOptions options, Assembly appHost) => options with
    {
        ApplicationName = options.ApplicationName ?? appHost.GetName().Name,
        IsTesting = true,
        EnableDashboard = false,
        // PAYMENTPLATFORM_TEST_ECHO_LOGS=1 shows every resource's output while debugging a test.
        EchoResourceLogs = Environment.GetEnvironmentVariable("PAYMENTPLATFORM_TEST_ECHO_LOGS") == "1",
        HealthCheckInterval = TimeSpan.FromMilliseconds(250),
        GracefulShutdownTimeout = TimeSpan.FromSeconds(5),
    };

    private sealed class TestingBuilder(IDistributedApplicationBuilder inner) : IDistributedApplicationTestingBuilder
    {
        private DistributedApplication? _app;

        public IConfigurationManager Configuration => inner.Configuration;

        public DistributedApplicationExecutionContext ExecutionContext => inner.ExecutionContext;

        public DistributedApplicationOptions Options => inner.Options;

        public IReadOnlyList<IResource> Resources => inner.Resources;

        public IResourceBuilder<T> AddResource<T>(T resource) where T : IResource => inner.AddResource(resource);

        public DistributedApplication Build() => _app = inner.Build();

        public Task<DistributedApplication> BuildAsync(CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return Task.FromResult(Build());
        }

        public async ValueTask DisposeAsync()
        {
            if (_app is not null)
            {
                await _app.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}

/// <summary>An AppHost's builder, captured for a test.</summary>
public interface IDistributedApplicationTestingBuilder : IDistributedApplicationBuilder, IAsyncDisposable
{
    /// <summary>Builds the app; start it with <c>StartAsync</c>.</summary>
    Task<DistributedApplication> BuildAsync(CancellationToken cancellationToken = default);
}

/// <summary>What tests do with a running app.</summary>
public static class DistributedApplicationTestingExtensions
{
    /// <summary>An HttpClient whose base address is the resource's endpoint (the front door for an external one).</summary>
    public static HttpClient CreateHttpClient(this DistributedApplication app, string resourceName, string endpointName = "http")
    {
        ArgumentNullException.ThrowIfNull(app);
        return new HttpClient { BaseAddress = app.GetEndpoint(resourceName, endpointName) };
    }

    /// <summary>
    /// An HttpClient for the dashboard's telemetry API (<c>api/telemetry/traces</c>, <c>logs</c>,
    /// <c>spans</c>, <c>metrics</c>, <c>resources</c>), authenticated with the run's browser token.
    /// </summary>
    public static HttpClient CreateDashboardClient(this DistributedApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var dashboard = app.Dashboard ?? throw new InvalidOperationException(
            "The dashboard is off in tests unless turned on: DistributedApplicationTestingBuilder.CreateAsync<T>(args, o => o with { EnableDashboard = true }), and start the app first.");
        var client = new HttpClient { BaseAddress = dashboard.Url };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", dashboard.BrowserToken);
        return client;
    }

    /// <summary>
    /// Starts the app and waits until every resource is healthy. On time-out the exception names
    /// the resource that was not, its state and its last log lines.
    /// </summary>
    public static async Task StartAndWaitForHealthyAsync(this DistributedApplication app, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(app);
        using var cts = new CancellationTokenSource(timeout);
        await app.StartAsync(cts.Token).ConfigureAwait(false);
        await app.WaitForAllHealthyAsync(cts.Token).ConfigureAwait(false);
    }
}
