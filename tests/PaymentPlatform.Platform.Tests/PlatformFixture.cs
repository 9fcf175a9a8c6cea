using System.Diagnostics;
using PaymentPlatform.Hosting;
using PaymentPlatform.Hosting.Testing;

namespace PaymentPlatform.Platform.Tests;

/// <summary>The whole platform, as PaymentPlatform.AppHost declares it, started once for the assembly.</summary>
public sealed class PlatformFixture : IAsyncLifetime
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private IDistributedApplicationTestingBuilder? _builder;

    public DistributedApplication App { get; private set; } = null!;

    /// <summary>Where every service exports its telemetry, as it would to the dashboard.</summary>
    public TraceCollector Telemetry { get; private set; } = null!;

    /// <summary>How long the AppHost took from CreateAsync to every resource healthy.</summary>
    public TimeSpan StartupTime { get; private set; }

    public async Task InitializeAsync()
    {
        var stopwatch = Stopwatch.StartNew();
        Telemetry = await TraceCollector.StartAsync();
        _builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.PaymentPlatform_AppHost>();
        _builder.Configuration[Hosting.Orchestration.KnownConfigNames.OtlpEndpoint] = Telemetry.Endpoint;
        App = await _builder.BuildAsync();
        await App.StartAndWaitForHealthyAsync(StartTimeout);
        StartupTime = stopwatch.Elapsed;
    }

    public async Task DisposeAsync()
    {
        // After every test of the collection: the ledger's books must still balance (issue 10, "Done when").
        // A failure here fails the run as a fixture cleanup error, naming what did not reconcile.
        try
        {
            if (App is not null)
            {
                using var ledger = await App.CreateInternalClientAsync("ledger");
                using var response = await ledger.GetAsync(new Uri("/v1/reconciliation", UriKind.Relative));
                var body = await response.Content.ReadAsStringAsync();
                if (!response.IsSuccessStatusCode || !System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("balanced").GetBoolean())
                {
                    throw new InvalidOperationException($"The ledger does not reconcile after the platform tests: {(int)response.StatusCode} {body}");
                }
            }
        }
        finally
        {
            await DisposeBuilderAsync();
        }
    }

    private async Task DisposeBuilderAsync()
    {
        if (_builder is not null)
        {
            await _builder.DisposeAsync();
        }
        if (Telemetry is not null)
        {
            await Telemetry.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PlatformCollection : ICollectionFixture<PlatformFixture>
{
    public const string Name = "Platform";
}
