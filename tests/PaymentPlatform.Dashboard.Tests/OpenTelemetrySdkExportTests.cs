using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using PaymentPlatform.Hosting.Dashboard.Api;

namespace PaymentPlatform.Dashboard.Tests;

/// <summary>
/// The exporter every service uses (OpenTelemetry .NET's OTLP exporter, http/protobuf, key in
/// OTEL_EXPORTER_OTLP_HEADERS form) delivers traces, logs and metrics the dashboard can read.
/// </summary>
public class OpenTelemetrySdkExportTests
{
    [Fact]
    public async Task TheOpenTelemetryExporterDeliversTracesLogsAndMetricsWithTheApiKeyHeader()
    {
        await using var dashboard = await TestDashboard.StartAsync();
        var source = $"Tests.Sdk.{Guid.NewGuid():N}";
        var resource = ResourceBuilder.CreateEmpty().AddService("sdk-service", serviceInstanceId: "sdk-service-0");
        void Configure(OtlpExporterOptions options, string signal)
        {
            options.Protocol = OtlpExportProtocol.HttpProtobuf;
            options.Endpoint = new Uri(dashboard.Info.OtlpEndpoint, $"v1/{signal}");
            options.Headers = $"x-otlp-api-key={dashboard.Info.OtlpApiKey}";
        }

        using var activitySource = new ActivitySource(source);
        using var meter = new Meter(source);
        var tracing = Sdk.CreateTracerProviderBuilder().SetResourceBuilder(resource).AddSource(source)
            .AddOtlpExporter(o => Configure(o, "traces")).Build();
        var metrics = Sdk.CreateMeterProviderBuilder().SetResourceBuilder(resource).AddMeter(source)
            .AddOtlpExporter(o => Configure(o, "metrics")).Build();
        var loggerFactory = LoggerFactory.Create(logging => logging.AddOpenTelemetry(o =>
        {
            o.SetResourceBuilder(resource);
            o.IncludeFormattedMessage = true;
            o.AddOtlpExporter(e => Configure(e, "logs"));
        }));

        string traceId;
        using (var activity = activitySource.StartActivity("authorize payment", ActivityKind.Server))
        {
            traceId = activity!.TraceId.ToHexString();
            activity.SetTag("payment.amount", 1000);
            loggerFactory.CreateLogger("Tests.Payments").LogWarning("Payment {PaymentId} needs review", "pay_42");
            meter.CreateHistogram<double>("payments.duration", "ms").Record(12.5, new KeyValuePair<string, object?>("outcome", "authorized"));
        }
        Assert.True(tracing.ForceFlush(10_000), "the tracer provider did not flush within 10 s");
        Assert.True(metrics.ForceFlush(10_000), "the meter provider did not flush within 10 s");
        loggerFactory.Dispose(); // flushes the batched log records
        tracing.Dispose();
        metrics.Dispose();

        var trace = await dashboard.GetAsync<TraceDetailDto>($"/api/telemetry/traces/{traceId}");
        var span = Assert.Single(trace.Spans);
        Assert.Equal(("authorize payment", "sdk-service", "sdk-service-0", "1000"), (span.Name, span.Resource, span.InstanceId, span.Attributes["payment.amount"]));
        var log = Assert.Single(trace.Logs);
        Assert.Equal(("Payment pay_42 needs review", "Warning", "Tests.Payments", span.SpanId), (log.Message, log.Level, log.Category, log.SpanId));
        var histogram = Assert.Single(await dashboard.GetAsync<List<InstrumentDataDto>>("/api/telemetry/metrics/payments.duration?resource=sdk-service"));
        var point = Assert.Single(Assert.Single(histogram.Series).Points);
        Assert.Equal((1UL, 12.5), (point.Count!.Value, point.Sum!.Value));
        Assert.Equal("authorized", histogram.Series[0].Attributes["outcome"]);
    }
}
