using System.Collections.Concurrent;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PaymentPlatform.Otlp.Collector.Logs.V1;
using PaymentPlatform.Otlp.Collector.Metrics.V1;
using PaymentPlatform.Otlp.Collector.Trace.V1;
using PaymentPlatform.Otlp.Logs.V1;
using PaymentPlatform.Otlp.Metrics.V1;
using PaymentPlatform.Otlp.Trace.V1;

namespace PaymentPlatform.Platform.Tests;

/// <summary>One exported span with the service that exported it.</summary>
public sealed record CollectedSpan(string Service, Span Span)
{
    public string TraceId => Convert.ToHexStringLower(Span.TraceId.Span);

    public string SpanId => Convert.ToHexStringLower(Span.SpanId.Span);

    public string ParentSpanId => Convert.ToHexStringLower(Span.ParentSpanId.Span);
}

/// <summary>One exported batch of logs or metrics with the service instance that exported it, in arrival order.</summary>
public sealed record CollectedBatch<T>(string Service, string Instance, T Data);

/// <summary>
/// An OTLP/HTTP receiver for the distributed tests: the services export to it exactly as
/// they export to the dashboard (http/protobuf), and it decodes spans with the project's
/// OTLP messages. Metrics and logs are accepted and dropped unless the collector was started
/// to keep them (<see cref="StartAsync(bool)"/>).
/// </summary>
public sealed class TraceCollector : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TraceCollector(WebApplication app) => _app = app;

    public ConcurrentQueue<CollectedSpan> Spans { get; } = new();

    /// <summary>Every exported batch of log records; empty unless started with <c>keepLogsAndMetrics</c>.</summary>
    public ConcurrentQueue<CollectedBatch<ResourceLogs>> Logs { get; } = new();

    /// <summary>Every exported batch of metrics; empty unless started with <c>keepLogsAndMetrics</c>.</summary>
    public ConcurrentQueue<CollectedBatch<ResourceMetrics>> Metrics { get; } = new();

    public string Endpoint => _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();

    /// <param name="keepLogsAndMetrics">Also decode and keep every log and metric batch (the leak scan reads them all).</param>
    public static async Task<TraceCollector> StartAsync(bool keepLogsAndMetrics = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var collector = new TraceCollector(app);
        app.MapPost("/v1/traces", async (HttpRequest request, CancellationToken ct) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body, ct);
            foreach (var resourceSpans in ExportTraceServiceRequest.Parser.ParseFrom(body.ToArray()).ResourceSpans)
            {
                var service = resourceSpans.Resource.Attributes.FirstOrDefault(a => a.Key == "service.name")?.Value.StringValue ?? "";
                foreach (var span in resourceSpans.ScopeSpans.SelectMany(s => s.Spans))
                {
                    collector.Spans.Enqueue(new CollectedSpan(service, span));
                }
            }
            return Results.Bytes(new ExportTraceServiceResponse().ToByteArray(), "application/x-protobuf");
        });
        app.MapPost("/v1/metrics", async (HttpRequest request, CancellationToken ct) =>
        {
            if (keepLogsAndMetrics)
            {
                foreach (var resourceMetrics in ExportMetricsServiceRequest.Parser.ParseFrom(await ReadBodyAsync(request, ct)).ResourceMetrics)
                {
                    collector.Metrics.Enqueue(new CollectedBatch<ResourceMetrics>(
                        Attribute(resourceMetrics.Resource, "service.name"), Attribute(resourceMetrics.Resource, "service.instance.id"), resourceMetrics));
                }
            }
            return Results.Bytes([], "application/x-protobuf");
        });
        app.MapPost("/v1/logs", async (HttpRequest request, CancellationToken ct) =>
        {
            if (keepLogsAndMetrics)
            {
                foreach (var resourceLogs in ExportLogsServiceRequest.Parser.ParseFrom(await ReadBodyAsync(request, ct)).ResourceLogs)
                {
                    collector.Logs.Enqueue(new CollectedBatch<ResourceLogs>(
                        Attribute(resourceLogs.Resource, "service.name"), Attribute(resourceLogs.Resource, "service.instance.id"), resourceLogs));
                }
            }
            return Results.Bytes([], "application/x-protobuf");
        });
        await app.StartAsync();
        return collector;
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, ct);
        return body.ToArray();
    }

    private static string Attribute(PaymentPlatform.Otlp.Resource.V1.Resource? resource, string key) =>
        resource?.Attributes.FirstOrDefault(a => a.Key == key)?.Value.StringValue ?? "";

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
