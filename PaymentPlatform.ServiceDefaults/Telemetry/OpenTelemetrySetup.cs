using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace PaymentPlatform.ServiceDefaults.Telemetry;

/// <summary>
/// OpenTelemetry on the core SDK and the OTLP exporter only (OpenTelemetry.Extensions.Hosting
/// does not restore here), configured from the application's IConfiguration so OTEL_* keys
/// work from environment variables, appsettings or test configuration alike.
/// </summary>
internal static class OpenTelemetrySetup
{
    internal static readonly string[] TraceSources =
    [
        "Microsoft.AspNetCore",
        "System.Net.Http",
        "Npgsql",
        "PaymentPlatform.*",
    ];

    internal static readonly string[] Meters =
    [
        "Microsoft.AspNetCore.*",
        "System.Net.Http",
        "System.Runtime",
        "Npgsql",
        "PaymentPlatform.*",
    ];

    public static void Configure(IHostApplicationBuilder builder)
    {
        var settings = TelemetrySettings.From(builder.Configuration, builder.Environment);

        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });
        builder.Services.ConfigureOpenTelemetryLoggerProvider(logging =>
        {
            logging.ConfigureResource(settings.ConfigureResource);
            if (settings.ExportOtlp)
            {
                logging.AddOtlpExporter(UseHttpProtobuf);
            }
        });

        builder.Services.TryAddSingleton(sp => new TelemetrySdk(CreateSdk(sp, settings)));
        builder.Services.TryAddSingleton(sp => sp.GetRequiredService<TelemetrySdk>().Sdk.TracerProvider);
        builder.Services.TryAddSingleton(sp => sp.GetRequiredService<TelemetrySdk>().Sdk.MeterProvider);
        builder.Services.AddHostedService<TelemetryLifetime>();
    }

    private static OpenTelemetrySdk CreateSdk(IServiceProvider services, TelemetrySettings settings)
    {
        var configuration = services.GetRequiredService<IConfiguration>();
        var ownServerSource = services.GetService<System.Diagnostics.ActivitySource>();
        var gate = new HostScopedSpanGate(ownServerSource);

        return OpenTelemetrySdk.Create(otel =>
        {
            // The SDK's own container reads OTEL_* keys (endpoint, headers, BSP and metric
            // intervals, resource attributes) from IConfiguration; give it the app's.
            otel.Services.AddSingleton(configuration);
            otel.ConfigureResource(settings.ConfigureResource);

            otel.WithTracing(tracing =>
            {
                tracing.AddSource(TraceSources).AddSource(settings.OwnSources);
                tracing.AddProcessor(gate.Close);
                if (settings.ExportOtlp)
                {
                    tracing.AddOtlpExporter(UseHttpProtobuf);
                }

                tracing.AddProcessor(gate.Reopen);
            });

            otel.WithMetrics(metrics =>
            {
                metrics.AddMeter(Meters).AddMeter(settings.OwnSources);
                if (settings.ExportOtlp)
                {
                    metrics.AddOtlpExporter(UseHttpProtobuf);
                }
            });
        });
    }

    // The host sets OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf; no gRPC stack restores here,
    // so the exporter speaks OTLP/HTTP whatever that variable says.
    private static void UseHttpProtobuf(OtlpExporterOptions options) =>
        options.Protocol = OtlpExportProtocol.HttpProtobuf;
}

/// <summary>Owns the SDK instance so that DI (or <see cref="TelemetryLifetime"/>) disposes it.</summary>
internal sealed class TelemetrySdk(OpenTelemetrySdk sdk) : IDisposable
{
    public OpenTelemetrySdk Sdk { get; } = sdk;

    public void Dispose() => Sdk.Dispose();
}
