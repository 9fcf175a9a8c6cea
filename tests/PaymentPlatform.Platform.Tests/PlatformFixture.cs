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
