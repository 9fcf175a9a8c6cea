using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace PaymentPlatform.ServiceDefaults.Telemetry;

/// <summary>
/// Creates the tracer and meter providers before any hosted service starts (so the first
/// request is traced) and shuts them down once the host has stopped, which flushes the
/// spans and metrics of the requests drained during a graceful stop.
/// The SDK is resolved at start and kept: when a host is disposed without a stop (a test
/// server torn down), the service provider may already be gone by the time StoppedAsync runs.
/// </summary>
internal sealed class TelemetryLifetime(IServiceProvider services) : IHostedLifecycleService
{
    private TelemetrySdk? _sdk;

    public Task StartingAsync(CancellationToken cancellationToken)
    {
        _ = services.GetRequiredService<TracerProvider>();
        _ = services.GetRequiredService<MeterProvider>();
        _sdk = services.GetRequiredService<TelemetrySdk>();
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        // Disposing shuts the providers down, exporting what is still batched.
        _sdk?.Dispose();
        return Task.CompletedTask;
    }
}
