using Google.Protobuf;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using PaymentPlatform.Otlp.Common.V1;
using PaymentPlatform.Otlp.Trace.V1;

namespace PaymentPlatform.ServiceDefaults.Tests;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryCollection
{
    // Tracer providers listen process-wide; exporting tests run alone so other tests'
    // client calls (roots with no host of their own) cannot join the exported data.
    public const string Name = "Telemetry";
}

[Collection(TelemetryCollection.Name)]
public class TracePropagationTests
{
    [Fact]
    public async Task ARequestsTraceCrossesTwoServicesAndReachesTheOtlpReceiver()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var b = await TestApp.StartAsync(
            app => app.MapGroup("/v1").RequireInternalToken().MapGet("/pong", () => "pong"),
            configuration: Otel(receiver, "service-b"));
        var aSettings = Otel(receiver, "service-a");
        aSettings["Services:service-b:http:0"] = b.BaseAddress.ToString();
        var a = await TestApp.StartAsync(
            app => app.MapGet("/ping", async (ServiceBClient client, ILogger<TracePropagationTests> logger, CancellationToken cancellationToken) =>
            {
                logger.LogInformation("Calling {Service} for order {OrderId}", "service-b", "o-42");
                return await client.Http.GetStringAsync("/v1/pong", cancellationToken);
            }),
            builder => builder.Services.AddInternalClient<ServiceBClient>("service-b"),
            aSettings);

        // The test's own client spans are suppressed, so A's server span is the trace's root.
        using (SuppressInstrumentationScope.Begin())
        {
            var client = a.CreateClient();
            Assert.Equal("Healthy", await client.GetStringAsync("/health"));
            Assert.Equal("Healthy", await client.GetStringAsync("/alive"));
            Assert.Equal("pong", await client.GetStringAsync("/ping"));
        }

        // Stopping flushes the batched spans and metrics, disposing the batched logs.
        await a.DisposeAsync();
        await b.DisposeAsync();

        var spans = receiver.Traces
            .SelectMany(request => request.ResourceSpans)
            .SelectMany(resource => resource.ScopeSpans.SelectMany(scope => scope.Spans.Select(span =>
                (Service: Attribute(resource.Resource.Attributes, "service.name"),
                 Instance: Attribute(resource.Resource.Attributes, "service.instance.id"),
                 Scope: scope.Scope.Name,
                 Span: span))))
            .ToList();

        var aServer = Assert.Single(spans, s => s.Service == "service-a" && s.Span.Kind == Span.Types.SpanKind.Server);
        var aClient = Assert.Single(spans, s => s.Service == "service-a" && s.Span.Kind == Span.Types.SpanKind.Client);
        var bServer = Assert.Single(spans, s => s.Service == "service-b" && s.Span.Kind == Span.Types.SpanKind.Server);
        Assert.Equal(3, spans.Count);

        Assert.Single(spans.Select(s => s.Span.TraceId).Distinct());
        Assert.Equal(16, aServer.Span.TraceId.Length);
        Assert.True(aServer.Span.ParentSpanId.IsEmpty);
        Assert.Equal(aServer.Span.SpanId, aClient.Span.ParentSpanId);
        Assert.Equal(aClient.Span.SpanId, bServer.Span.ParentSpanId);
        Assert.Equal("Microsoft.AspNetCore", aServer.Scope);
        Assert.Equal("System.Net.Http", aClient.Scope);
        Assert.Equal("service-a-0", aServer.Instance);
        Assert.Equal("service-b-0", bServer.Instance);
        Assert.All(receiver.ApiKeys, key => Assert.Equal("test-key", key));

        var log = Assert.Single(
            receiver.Logs.SelectMany(r => r.ResourceLogs).SelectMany(r => r.ScopeLogs.SelectMany(s => s.LogRecords.Select(l => (r.Resource, Log: l)))),
            l => l.Log.Body?.StringValue == "Calling service-b for order o-42");
        Assert.Equal("service-a", Attribute(log.Resource.Attributes, "service.name"));
        Assert.Equal(aServer.Span.TraceId, log.Log.TraceId);

        var metricNames = receiver.Metrics
            .SelectMany(r => r.ResourceMetrics)
            .Where(r => Attribute(r.Resource.Attributes, "service.name") == "service-a")
            .SelectMany(r => r.ScopeMetrics.SelectMany(s => s.Metrics.Select(m => m.Name)))
            .ToHashSet();
        Assert.Contains("http.server.request.duration", metricNames);
        Assert.Contains("http.client.request.duration", metricNames);
    }

    private static Dictionary<string, string?> Otel(OtlpReceiver receiver, string service) => new()
    {
        ["OTEL_SERVICE_NAME"] = service,
        ["OTEL_RESOURCE_ATTRIBUTES"] = $"service.instance.id={service}-0",
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.BaseAddress.ToString().TrimEnd('/'),
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        ["OTEL_EXPORTER_OTLP_HEADERS"] = "x-otlp-api-key=test-key",
        ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
        ["OTEL_BLRP_SCHEDULE_DELAY"] = "100",
        ["OTEL_METRIC_EXPORT_INTERVAL"] = "1000",
        ["InternalApi:Token"] = ClientHost.Token,
    };

    private static string? Attribute(IEnumerable<KeyValue> attributes, string key) =>
        attributes.FirstOrDefault(a => a.Key == key)?.Value.StringValue;

    internal sealed class ServiceBClient(HttpClient http)
    {
        public HttpClient Http { get; } = http;
    }
}
