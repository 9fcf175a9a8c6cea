using System.Net.Http.Json;
using PaymentPlatform.Hosting;
using PaymentPlatform.Hosting.Dashboard.Api;
using PaymentPlatform.Hosting.Testing;

namespace PaymentPlatform.Dashboard.Tests;

/// <summary>
/// A small real app with the dashboard on, as run mode starts it: the host's test service with
/// two replicas, a plain and a secret variable. Started once for the lifecycle tests.
/// </summary>
public sealed class HostedDashboardFixture : IAsyncLifetime
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public DistributedApplication App { get; private set; } = null!;

    public HttpClient Api { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions
        {
            ApplicationName = "dashboard-tests",
            IsTesting = true,
            EnableDashboard = true,
            EchoResourceLogs = false,
            HealthCheckInterval = TimeSpan.FromMilliseconds(250),
            GracefulShutdownTimeout = TimeSpan.FromSeconds(5),
        });
        var secret = builder.AddParameter("echo-secret", secret: true);
        builder.AddProject<Projects.PaymentPlatform_Hosting_TestService>("echo")
            .WithEnvironment("ECHO_GREETING", "hello")
            .WithEnvironment("ECHO_SECRET", secret)
            .WithReplicas(2)
            .WithExternalHttpEndpoints();
        App = builder.Build();
        await App.StartAndWaitForHealthyAsync(Timeout);
        Api = App.CreateDashboardClient();
    }

    public async Task<ResourceDto> ResourceAsync(string name) =>
        (await Api.GetFromJsonAsync<ResourceDto>($"/api/telemetry/resources/{name}", TestDashboard.Json))!;

    /// <summary>Polls the API until the resource matches, failing with what it waited for and what it last saw.</summary>
    public async Task<ResourceDto> WaitForResourceAsync(string name, Func<ResourceDto, bool> condition, string waitingFor)
    {
        var deadline = DateTime.UtcNow + Timeout;
        ResourceDto? last = null;
        while (DateTime.UtcNow < deadline)
        {
            last = await ResourceAsync(name);
            if (condition(last))
            {
                return last;
            }
            await Task.Delay(50);
        }
        var replicas = last is null ? "" : string.Join(", ", last.Replicas.Select(r => $"{r.Name} {r.State}/{r.Health} pid {r.ProcessId} restarts {r.Restarts} exit {r.LastExitCode}"));
        throw new TimeoutException($"Timed out after {Timeout.TotalSeconds} s waiting for {name} to be {waitingFor}; last seen: {last?.State}/{last?.Health} [{replicas}]");
    }

    public Task<ResourceDto> WaitForHealthyAsync(string name) =>
        WaitForResourceAsync(name, r => r.IsHealthy && r.Replicas.All(x => x.Health == "Healthy"), "running and healthy on every replica");

    public async Task DisposeAsync()
    {
        Api?.Dispose();
        if (App is not null)
        {
            await App.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class HostedDashboardCollection : ICollectionFixture<HostedDashboardFixture>
{
    public const string Name = "Hosted dashboard";
}
