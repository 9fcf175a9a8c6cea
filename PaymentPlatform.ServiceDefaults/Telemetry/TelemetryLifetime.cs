using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace PaymentPlatform.ServiceDefaults.Telemetry;

/// <summary>
/// Creates the tracer and meter providers before any hosted service starts (so the first
/// request is traced) and shuts them down once the host has stopped, which flushes the
/// spans and metrics of the requests drained during a graceful stop.
/// </summary>
internal sealed class TelemetryLifetime(IServiceProvider services) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        _ = services.GetRequiredService<TracerProvider>();
        _ = services.GetRequiredService<MeterProvider>();
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        // Disposing shuts the providers down, exporting what is still batched.
        services.GetRequiredService<TelemetrySdk>().Dispose();
        return Task.CompletedTask;
    }
}
