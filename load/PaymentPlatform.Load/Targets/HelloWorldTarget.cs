using PaymentPlatform.Hosting;

namespace PaymentPlatform.Load.Targets;

/// <summary>
/// The machine's HTTP ceiling: load/PaymentPlatform.HelloWorld as its own process, started from
/// its build output (the same configuration as this generator's) by the platform's host, as the
/// host starts every service.
/// </summary>
public sealed class HelloWorldTarget : ILoadTarget
{
    private const string ResourceName = "hello";
    private readonly DistributedApplication _app;

    private HelloWorldTarget(DistributedApplication app, Uri baseAddress, IReadOnlyList<string> notes)
    {
        _app = app;
        BaseAddress = baseAddress;
        Notes = notes;
    }

    public Uri BaseAddress { get; }

    public string Description => "load/PaymentPlatform.HelloWorld (GET / answers \"Hello World!\"), one process started by the generator";

    public IReadOnlyList<string> Notes { get; }

    public string? AdminKey => null;

    public static async Task<HelloWorldTarget> StartAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var project = new Projects.PaymentPlatform_HelloWorld();
        var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions
        {
            ApplicationName = "load-hello",
            IsTesting = true,
            EchoResourceLogs = false,
            EnableDashboard = false,
            HealthCheckInterval = TimeSpan.FromMilliseconds(250),
        });
        builder.AddProject<Projects.PaymentPlatform_HelloWorld>(ResourceName);
        var app = builder.Build();
        try
        {
            using var startup = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            startup.CancelAfter(timeout);
            await app.StartAsync(startup.Token).ConfigureAwait(false);
            await app.WaitForAllHealthyAsync(startup.Token).ConfigureAwait(false);
            var replica = app.ResourceNotifications.Get(ResourceName)!.Replicas[0];
            return new HelloWorldTarget(app, app.GetEndpoint(ResourceName), [
                $"process {replica.ProcessId}: {project.AssemblyPath}",
                "ServiceDefaults on; no OTLP endpoint, so no telemetry export; Kestrel defaults; logging at Warning",
            ]);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
