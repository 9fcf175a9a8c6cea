using System.Collections.Concurrent;
using Google.Protobuf;
using PaymentPlatform.Otlp.Collector.Logs.V1;
using PaymentPlatform.Otlp.Collector.Metrics.V1;
using PaymentPlatform.Otlp.Collector.Trace.V1;

namespace PaymentPlatform.ServiceDefaults.Tests;

/// <summary>A minimal OTLP/HTTP receiver (protobuf bodies) decoding with the PaymentPlatform.Otlp messages.</summary>
internal sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly TestApp app;

    private OtlpReceiver(TestApp app) => this.app = app;

    public Uri BaseAddress => app.BaseAddress;

    public ConcurrentQueue<ExportTraceServiceRequest> Traces { get; } = new();

    public ConcurrentQueue<ExportLogsServiceRequest> Logs { get; } = new();

    public ConcurrentQueue<ExportMetricsServiceRequest> Metrics { get; } = new();

    public ConcurrentQueue<string> ApiKeys { get; } = new();

    public static async Task<OtlpReceiver> StartAsync()
    {
        OtlpReceiver? receiver = null;
        var app = await TestApp.StartAsync(
            web =>
            {
                web.MapPost("/v1/traces", (HttpRequest request) => AcceptAsync(request, ExportTraceServiceRequest.Parser, receiver!.Traces, new ExportTraceServiceResponse()));
                web.MapPost("/v1/logs", (HttpRequest request) => AcceptAsync(request, ExportLogsServiceRequest.Parser, receiver!.Logs, new ExportLogsServiceResponse()));
                web.MapPost("/v1/metrics", (HttpRequest request) => AcceptAsync(request, ExportMetricsServiceRequest.Parser, receiver!.Metrics, new ExportMetricsServiceResponse()));
            },
            serviceDefaults: false);
        receiver = new OtlpReceiver(app);
        return receiver;

        async Task<IResult> AcceptAsync<T>(HttpRequest request, MessageParser<T> parser, ConcurrentQueue<T> into, IMessage response)
            where T : IMessage<T>
        {
            if (request.ContentType != "application/x-protobuf")
            {
                return Results.StatusCode(StatusCodes.Status415UnsupportedMediaType);
            }

            receiver!.ApiKeys.Enqueue(request.Headers["x-otlp-api-key"].ToString());
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body, request.HttpContext.RequestAborted);
            into.Enqueue(parser.ParseFrom(body.ToArray()));
            return Results.Bytes(response.ToByteArray(), "application/x-protobuf");
        }
    }

    public ValueTask DisposeAsync() => app.DisposeAsync();
}
