using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using PaymentPlatform.ServiceDefaults.Errors;
using PaymentPlatform.ServiceDefaults.Health;
using PaymentPlatform.ServiceDefaults.InternalApi;
using PaymentPlatform.ServiceDefaults.ServiceDiscovery;
using PaymentPlatform.ServiceDefaults.Simulation;
using PaymentPlatform.ServiceDefaults.Telemetry;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What every PaymentPlatform service gets in one call, in the shape of Aspire's
/// ServiceDefaults template.
/// </summary>
public static class Extensions
{
    /// <summary>The tag of checks that <c>/alive</c> runs.</summary>
    public const string LiveTag = "live";

    /// <summary>The tag of checks that say a dependency is ready (databases and the like).</summary>
    public const string ReadyTag = "ready";

    private const string HealthEndpointPath = "/health";
    private const string AlivenessEndpointPath = "/alive";

    /// <summary>
    /// Adds OpenTelemetry (logs, metrics, traces; OTLP export when
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set), the default health checks, service
    /// discovery, problem details with the platform's exception handler, and the
    /// internal-token options.
    /// </summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();

        builder.Services.AddServiceDiscoveryCore();
        builder.Services.AddInternalApiOptions();
        builder.Services.AddPlatformProblemDetails();
        builder.Services.AddSingleton<PaymentPlatform.ServiceDefaults.Failpoints.Failpoints>();
        builder.AddSimulatedConditions();

        // Exception handling and status-code pages go in front of the service's own
        // middleware, so Program.cs needs no extra call for them.
        builder.Services.TryAddEnumerable(ServiceDescriptor.Transient<IStartupFilter, ServiceDefaultsStartupFilter>());
        return builder;
    }

    /// <summary>
    /// Configures OpenTelemetry logs, metrics and traces for the service, exported over
    /// OTLP/HTTP (protobuf) when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is configured.
    /// </summary>
    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        OpenTelemetrySetup.Configure(builder);
        return builder;
    }

    /// <summary>Adds the <c>self</c> liveness check.</summary>
    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);
        return builder;
    }

    /// <summary>
    /// Maps <c>/health</c> (every check) and <c>/alive</c> (live checks only) in every
    /// environment. Their requests are kept out of traces; the answer is JSON with each
    /// check's status and duration in Development and plain text elsewhere.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);

        // Kubernetes probes need these in every environment; only Development sees detail.
        var health = new HealthCheckOptions();
        var alive = new HealthCheckOptions { Predicate = r => r.Tags.Contains(LiveTag) };
        if (app.Environment.IsDevelopment())
        {
            health.ResponseWriter = HealthResponseWriter.WriteDetailedJson;
            alive.ResponseWriter = HealthResponseWriter.WriteDetailedJson;
        }

        app.MapHealthChecks(HealthEndpointPath, health).ExcludeFromTraces();
        app.MapHealthChecks(AlivenessEndpointPath, alive).ExcludeFromTraces();
        if (app.Services.GetService<RuntimeConditionsSource>() is not null)
        {
            // Only with Simulation:RuntimeChanges on (the fault suite): change a route's simulated conditions.
            app.MapSimulatedConditionsApi();
        }
        return app;
    }
}
