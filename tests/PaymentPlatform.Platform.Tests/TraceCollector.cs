using System.Collections.Concurrent;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PaymentPlatform.Otlp.Collector.Trace.V1;
using PaymentPlatform.Otlp.Trace.V1;

namespace PaymentPlatform.Platform.Tests;

/// <summary>One exported span with the service that exported it.</summary>
public sealed record CollectedSpan(string Service, Span Span)
{
    public string TraceId => Convert.ToHexStringLower(Span.TraceId.Span);

    public string SpanId => Convert.ToHexStringLower(Span.SpanId.Span);

    public string ParentSpanId => Convert.ToHexStringLower(Span.ParentSpanId.Span);
}

/// <summary>
/// An OTLP/HTTP receiver for the distributed tests: the services export to it exactly as
/// they export to the dashboard (http/protobuf), and it decodes spans with the project's
/// OTLP messages. Metrics and logs are accepted and dropped.
/// </summary>
public sealed class TraceCollector : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TraceCollector(WebApplication app) => _app = app;

    public ConcurrentQueue<CollectedSpan> Spans { get; } = new();

    public string Endpoint => _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();

    public static async Task<TraceCollector> StartAsync()
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
        app.MapPost("/v1/metrics", () => Results.Bytes([], "application/x-protobuf"));
        app.MapPost("/v1/logs", () => Results.Bytes([], "application/x-protobuf"));
        await app.StartAsync();
        return collector;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
