using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using PaymentPlatform.Otlp.Collector.Logs.V1;
using PaymentPlatform.Otlp.Collector.Trace.V1;

namespace PaymentPlatform.Dashboard.Benchmarks;

/// <summary>One recorded OTLP/HTTP request body.</summary>
internal sealed record RecordedBatch(string Path, byte[] Body, int Spans, int Logs);

/// <summary>
/// Records real OTLP batches: payment-shaped traces and logs from one OpenTelemetry SDK per
/// service instance (gateway-0, gateway-1, risk-0, ledger-0), exported by the same OTLP exporter
/// the services use (http/protobuf, 512 spans per batch), captured by a small HTTP endpoint.
/// </summary>
internal static class BatchRecorder
{
    // gateway server -> INSERT payments, risk (client -> server -> redis, SELECT), ledger (client ->
    // server -> INSERT, UPDATE), INSERT outbox: 11 spans and 2 log records per payment.
    public const int SpansPerPayment = 11;

    public static async Task<List<RecordedBatch>> RecordAsync(int payments)
    {
        var bodies = new ConcurrentQueue<RecordedBatch>();
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddRoutingCore();
        await using var recorder = builder.Build();
        recorder.UseRouting();
        recorder.MapPost("/v1/{signal}", async (string signal, HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            var bytes = body.ToArray();
            bodies.Enqueue(signal == "traces"
                ? new RecordedBatch("/v1/traces", bytes, ExportTraceServiceRequest.Parser.ParseFrom(bytes).ResourceSpans.Sum(r => r.ScopeSpans.Sum(s => s.Spans.Count)), 0)
                : new RecordedBatch("/v1/logs", bytes, 0, ExportLogsServiceRequest.Parser.ParseFrom(bytes).ResourceLogs.Sum(r => r.ScopeLogs.Sum(s => s.LogRecords.Count))));
            return Results.Ok();
        });
        await recorder.StartAsync();
        var endpoint = new Uri(recorder.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single());

        var services = new[] { new Service("gateway", "gateway-0"), new Service("gateway", "gateway-1"), new Service("risk", "risk-0"), new Service("ledger", "ledger-0") };
        foreach (var service in services)
        {
            service.Start(endpoint, payments);
        }
        for (var i = 0; i < payments; i++)
        {
            Payment(services[i % 2], services[2], services[3], i);
        }
        foreach (var service in services)
        {
            service.Dispose(); // flushes what is still batched
        }
        await recorder.StopAsync();
        return [.. bodies];
    }

    private static void Payment(Service gateway, Service risk, Service ledger, int index)
    {
        var start = DateTimeOffset.UtcNow;
        var paymentId = $"pay_{Guid.NewGuid():N}";
        using var server = gateway.Server("POST /v1/payments", "/v1/payments", start, 18);
        gateway.Db("INSERT paymentsdb", "INSERT INTO payments (id, merchant_id, amount, currency, status) VALUES ($1, $2, $3, $4, $5)", "paymentsdb", start.AddMilliseconds(0.4), 1.2);

        using (var toRisk = gateway.Client("POST", "risk", "/v1/scores", start.AddMilliseconds(2), 5))
        {
            using var riskServer = risk.Server("POST /v1/scores", "/v1/scores", start.AddMilliseconds(2.5), 4, toRisk!.Context);
            risk.Db("EVALSHA", "EVALSHA velocity 1 merchant:mer_1", "cache", start.AddMilliseconds(2.8), 0.4, "redis");
            risk.Db("SELECT riskdb", "SELECT rule_id, threshold FROM rules WHERE merchant_id = $1", "riskdb", start.AddMilliseconds(3.3), 0.8);
        }
        using (var toLedger = gateway.Client("POST", "ledger", "/v1/holds", start.AddMilliseconds(7.5), 8))
        {
            using var ledgerServer = ledger.Server("POST /v1/holds", "/v1/holds", start.AddMilliseconds(8), 7, toLedger!.Context);
            ledger.Db("INSERT ledgerdb", "INSERT INTO entries (id, account_id, amount, direction) VALUES ($1, $2, $3, $4), ($5, $6, $7, $8)", "ledgerdb", start.AddMilliseconds(8.5), 1.5);
            ledger.Db("UPDATE ledgerdb", "UPDATE accounts SET balance = balance + $1, version = version + 1 WHERE id = $2 AND version = $3", "ledgerdb", start.AddMilliseconds(10.2), 1.1);
            ledger.Log.LogInformation("Hold {HoldId} placed for {Amount} {Currency} on payment {PaymentId}", $"hold_{index}", 1000, "usd", paymentId);
        }
        gateway.Db("INSERT paymentsdb", "INSERT INTO outbox (id, topic, payload) VALUES ($1, $2, $3)", "paymentsdb", start.AddMilliseconds(16), 0.9);
        gateway.Log.LogInformation("Payment {PaymentId} authorized for {Amount} {Currency}", paymentId, 1000, "usd");
    }

    private sealed class Service(string name, string instance) : IDisposable
    {
        private readonly ActivitySource _source = new($"Bench.{instance}");
        private TracerProvider? _tracing;
        private ILoggerFactory? _logging;

        public ILogger Log { get; private set; } = null!;

        public void Start(Uri endpoint, int payments)
        {
            var resource = ResourceBuilder.CreateEmpty()
                .AddService(name, serviceInstanceId: instance)
                .AddTelemetrySdk();
            _tracing = Sdk.CreateTracerProviderBuilder().SetResourceBuilder(resource).AddSource(_source.Name)
                .AddOtlpExporter(o => Configure(o, endpoint, "traces", payments * SpansPerPayment)).Build();
            _logging = LoggerFactory.Create(logging => logging.AddOpenTelemetry(o =>
            {
                o.SetResourceBuilder(resource);
                o.IncludeFormattedMessage = true;
                o.IncludeScopes = true;
                o.AddOtlpExporter(e => Configure(e, endpoint, "logs", payments * 2));
            }));
            Log = _logging.CreateLogger($"PaymentPlatform.{char.ToUpperInvariant(name[0])}{name[1..]}.Payments");
        }

        private static void Configure(OtlpExporterOptions options, Uri endpoint, string signal, int queue)
        {
            options.Protocol = OtlpExportProtocol.HttpProtobuf;
            options.Endpoint = new Uri(endpoint, $"v1/{signal}");
            // Keep everything: the recording must hold every span generated. Batches as exported in production.
            options.BatchExportProcessorOptions.MaxQueueSize = Math.Max(2048, queue);
            options.BatchExportProcessorOptions.MaxExportBatchSize = 512;
        }

        public Activity? Server(string spanName, string route, DateTimeOffset start, double ms, ActivityContext parent = default)
        {
            var activity = _source.StartActivity(spanName, ActivityKind.Server, parent, startTime: start);
            activity?.SetTag("http.request.method", "POST").SetTag("url.scheme", "http").SetTag("url.path", route)
                .SetTag("server.address", "127.0.0.1").SetTag("server.port", 5100).SetTag("network.protocol.version", "1.1")
                .SetTag("user_agent.original", "PaymentPlatform/1.0").SetTag("http.route", route).SetTag("http.response.status_code", 201)
                .SetEndTime(start.AddMilliseconds(ms).UtcDateTime);
            return activity;
        }

        public Activity? Client(string method, string peer, string path, DateTimeOffset start, double ms)
        {
            var activity = _source.StartActivity(method, ActivityKind.Client, default(ActivityContext), startTime: start);
            activity?.SetTag("http.request.method", method).SetTag("server.address", "127.0.0.1").SetTag("server.port", 5200)
                .SetTag("url.full", $"http://{peer}{path}").SetTag("network.protocol.version", "1.1").SetTag("http.response.status_code", 201)
                .SetEndTime(start.AddMilliseconds(ms).UtcDateTime);
            return activity;
        }

        public void Db(string spanName, string statement, string database, DateTimeOffset start, double ms, string system = "postgresql")
        {
            using var activity = _source.StartActivity(spanName, ActivityKind.Client, default(ActivityContext), startTime: start);
            activity?.SetTag("db.system.name", system).SetTag("db.namespace", database).SetTag("db.query.text", statement)
                .SetTag("db.operation.name", spanName.Split(' ')[0]).SetTag("server.address", "127.0.0.1").SetTag("server.port", 5432)
                .SetEndTime(start.AddMilliseconds(ms).UtcDateTime);
        }

        public void Dispose()
        {
            _tracing?.Dispose();
            _logging?.Dispose();
            _source.Dispose();
        }
    }
}
