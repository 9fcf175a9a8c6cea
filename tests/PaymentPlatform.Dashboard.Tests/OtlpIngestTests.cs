using System.Net;
using System.Text.Json;
using Google.Protobuf;
using PaymentPlatform.Hosting.Dashboard.Api;
using PaymentPlatform.Otlp.Collector.Logs.V1;
using PaymentPlatform.Otlp.Collector.Metrics.V1;
using PaymentPlatform.Otlp.Collector.Trace.V1;
using PaymentPlatform.Otlp.Logs.V1;
using static PaymentPlatform.Dashboard.Tests.OtlpData;

namespace PaymentPlatform.Dashboard.Tests;

/// <summary>All three signals in, as binary protobuf and as OTLP/JSON, and partial success out.</summary>
public class OtlpIngestTests
{
    [Fact]
    public async Task ProtobufTracesAreStoredAndAnsweredWithAFullSuccessResponse()
    {
        await using var dashboard = await TestDashboard.StartAsync();
        var traceId = NewTraceId();
        var spanId = NewSpanId();

        var response = await dashboard.ExportAsync("/v1/traces",
            Traces("gateway", "gateway-0", NewSpan(traceId, spanId, null, "POST /v1/payments", attributes: Attribute("http.route", "/v1/payments"))),
            ExportTraceServiceResponse.Parser);

        Assert.Null(response.PartialSuccess);
        var spans = await dashboard.GetAsync<TelemetryPage<SpanDto>>($"/api/telemetry/spans?traceId={traceId}");
        var span = Assert.Single(spans.Items);
        Assert.Equal(("gateway", "gateway-0", spanId, "Server"), (span.Resource, span.InstanceId, span.SpanId, span.Kind));
        Assert.Equal("/v1/payments", span.Attributes["http.route"]);
        Assert.Equal(10, span.DurationMs, precision: 3);
    }

    [Fact]
    public async Task JsonTracesWithHexIdsCamelCaseAndIntegerEnumsAreStored()
    {
        await using var dashboard = await TestDashboard.StartAsync();
        var traceId = NewTraceId();
        // As the OTLP specification's JSON example writes it: hex ids, camelCase, enums as integers, int64 as strings.
        var json = $$$"""
            {"resourceSpans":[{"resource":{"attributes":[
                {"key":"service.name","value":{"stringValue":"risk"}},{"key":"service.instance.id","value":{"stringValue":"risk-0"}}]},
              "scopeSpans":[{"scope":{"name":"PaymentPlatform.Risk"},"spans":[{
                "traceId":"{{{traceId}}}","spanId":"eee19b7ec3c1b174","parentSpanId":"eee19b7ec3c1b173",
                "name":"POST /v1/scores","kind":2,
                "startTimeUnixNano":"1544712660000000000","endTimeUnixNano":"1544712660250000000",
                "attributes":[{"key":"http.response.status_code","value":{"intValue":"500"}},{"key":"retry","value":{"boolValue":true}}],
                "status":{"code":2,"message":"scoring failed"}}]}]}]}
            """;

        using var response = await dashboard.PostJsonAsync("/v1/traces", json);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("{ }", (await response.Content.ReadAsStringAsync()).Trim());
        var span = Assert.Single((await dashboard.GetAsync<TelemetryPage<SpanDto>>($"/api/telemetry/spans?traceId={traceId}")).Items);
        Assert.Equal(("eee19b7ec3c1b174", "eee19b7ec3c1b173", "Server", "Error", "scoring failed"), (span.SpanId, span.ParentSpanId, span.Kind, span.Status, span.StatusMessage));
        Assert.Equal(250, span.DurationMs, precision: 3);
        Assert.Equal("500", span.Attributes["http.response.status_code"]);
        Assert.Equal("true", span.Attributes["retry"]);
    }

    [Fact]
    public async Task ProtobufLogsAreStoredWithTheirLevelCategoryTraceAndSpan()
    {
        await using var dashboard = await TestDashboard.StartAsync();
        var traceId = NewTraceId();
        var spanId = NewSpanId();

        var response = await dashboard.ExportAsync("/v1/logs",
            Logs("gateway", "gateway-1", Log("Payment pay_1 authorized", SeverityNumber.Info, 1, traceId, spanId, Attribute("payment_id", "pay_1"))),
            ExportLogsServiceResponse.Parser);

        Assert.Null(response.PartialSuccess);
        var log = Assert.Single((await dashboard.GetAsync<TelemetryPage<LogEntryDto>>("/api/telemetry/logs")).Items);
        Assert.Equal(("Payment pay_1 authorized", "Information", 9, "PaymentPlatform.Gateway.Payments"), (log.Message, log.Level, log.SeverityNumber, log.Category));
        Assert.Equal(("gateway", "gateway-1", traceId, spanId), (log.Resource, log.InstanceId, log.TraceId, log.SpanId));
        Assert.Equal("pay_1", log.Attributes["payment_id"]);
        Assert.Equal(BaseTime.AddSeconds(1), log.Timestamp);
    }

    [Fact]
    public async Task JsonLogsAreStored()
    {
        await using var dashboard = await TestDashboard.StartAsync();
        var traceId = NewTraceId();
        var json = $$$"""
            {"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"ledger"}}]},
              "scopeLogs":[{"scope":{"name":"PaymentPlatform.Ledger.Transfers"},"logRecords":[{
                "timeUnixNano":"1544712660300000000","severityNumber":17,"severityText":"Error",
                "body":{"stringValue":"Transfer rejected"},"traceId":"{{{traceId}}}","spanId":"eee19b7ec3c1b174",
                "attributes":[{"key":"account","value":{"stringValue":"acc_1"}}]}]}]}]}
            """;

        using var response = await dashboard.PostJsonAsync("/v1/logs", json);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var log = Assert.Single((await dashboard.GetAsync<TelemetryPage<LogEntryDto>>("/api/telemetry/logs")).Items);
        Assert.Equal(("Transfer rejected", "Error", "ledger", traceId, "eee19b7ec3c1b174"), (log.Message, log.Level, log.Resource, log.TraceId, log.SpanId));
        Assert.Null(log.InstanceId);
        Assert.Equal("acc_1", log.Attributes["account"]);
    }

    [Fact]
    public async Task ProtobufMetricsAreStoredAsSeriesPerInstrumentAndAttributeSetHistogramsIncluded()
    {
        await using var dashboard = await TestDashboard.StartAsync();
        var request = Metrics("gateway", "gateway-0",
            Counter("payments.created",
                Number(5, 1, attributes: Attribute("outcome", "authorized")),
                Number(1, 1, attributes: Attribute("outcome", "declined"))),
            Gauge("process.memory", Number(1024, 1)),
            Histogram("http.server.request.duration",
                HistogramPoint([1, 3, 0, 0], 1, attributes: Attribute("http.route", "/v1/payments"))));

        var response = await dashboard.ExportAsync("/v1/metrics", request, ExportMetricsServiceResponse.Parser);

        Assert.Null(response.PartialSuccess);
        var instruments = await dashboard.GetAsync<List<InstrumentDto>>("/api/telemetry/metrics");
        Assert.Equal(
            ["http.server.request.duration:histogram:1", "payments.created:sum:2", "process.memory:gauge:1"],
            instruments.Select(i => $"{i.Name}:{i.Type}:{i.SeriesCount}").Order());
        var payments = Assert.Single(await dashboard.GetAsync<List<InstrumentDataDto>>("/api/telemetry/metrics/payments.created"));
        Assert.Equal(["authorized=5", "declined=1"],
            payments.Series.Select(s => $"{s.Attributes["outcome"]}={Assert.Single(s.Points).Value}").Order());
        var duration = Assert.Single(await dashboard.GetAsync<List<InstrumentDataDto>>("/api/telemetry/metrics/http.server.request.duration"));
        var point = Assert.Single(Assert.Single(duration.Series).Points);
        Assert.Equal(4UL, point.Count);
        Assert.Equal([10, 100, 1000], point.Bounds!);
        Assert.Equal([1UL, 3, 0, 0], point.BucketCounts!);
        Assert.Equal("ms", duration.Instrument.Unit);
    }

    [Fact]
    public async Task JsonMetricsAreStored()
    {
        await using var dashboard = await TestDashboard.StartAsync();
        var json = """
            {"resourceMetrics":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"risk"}}]},
              "scopeMetrics":[{"scope":{"name":"PaymentPlatform.Risk"},"metrics":[
                {"name":"risk.scores","unit":"{score}","sum":{"aggregationTemporality":2,"isMonotonic":true,"dataPoints":[
                  {"startTimeUnixNano":"1544712600000000000","timeUnixNano":"1544712660000000000","asInt":"7",
                   "attributes":[{"key":"decision","value":{"stringValue":"allow"}}]}]}},
                {"name":"risk.duration","unit":"ms","histogram":{"aggregationTemporality":2,"dataPoints":[
                  {"startTimeUnixNano":"1544712600000000000","timeUnixNano":"1544712660000000000",
                   "count":"3","sum":42.5,"bucketCounts":["1","2","0"],"explicitBounds":[10,100]}]}}]}]}]}
            """;

        using var response = await dashboard.PostJsonAsync("/v1/metrics", json);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var scores = Assert.Single(await dashboard.GetAsync<List<InstrumentDataDto>>("/api/telemetry/metrics/risk.scores"));
        Assert.Equal((7.0, "allow", "cumulative", true), (Assert.Single(Assert.Single(scores.Series).Points).Value!.Value, scores.Series[0].Attributes["decision"], scores.Instrument.Temporality!, scores.Instrument.IsMonotonic));
        var duration = Assert.Single(await dashboard.GetAsync<List<InstrumentDataDto>>("/api/telemetry/metrics/risk.duration"));
        var point = Assert.Single(Assert.Single(duration.Series).Points);
        Assert.Equal((3UL, 42.5), (point.Count!.Value, point.Sum!.Value));
    }

    [Fact]
    public async Task GzipCompressedBodiesAreAccepted()
    {
        await using var dashboard = await TestDashboard.StartAsync();
        var traceId = NewTraceId();
        var body = Traces("gateway", null, NewSpan(traceId, NewSpanId(), null, "GET /health")).ToByteArray();
        using var compressed = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(compressed, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(body);
        }
        using var content = new ByteArrayContent(compressed.ToArray());
        content.Headers.ContentType = new("application/x-protobuf");
        content.Headers.ContentEncoding.Add("gzip");

        using var response = await dashboard.Otlp.PostAsync("/v1/traces", content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single((await dashboard.GetAsync<TelemetryPage<SpanDto>>($"/api/telemetry/spans?traceId={traceId}")).Items);
    }

    [Fact]
    public async Task SpansWithInvalidIdsAreReportedAsPartialSuccessAndTheRestAreStored()
    {
        await using var dashboard = await TestDashboard.StartAsync();
        var traceId = NewTraceId();
        var good = NewSpan(traceId, NewSpanId(), null, "good");
        var shortTraceId = NewSpan(traceId, NewSpanId(), null, "short trace id");
        shortTraceId.TraceId = Google.Protobuf.ByteString.CopyFrom(new byte[8]);
        var zeroSpanId = NewSpan(traceId, "0000000000000000", null, "zero span id");

        var response = await dashboard.ExportAsync("/v1/traces", Traces("gateway", null, good, shortTraceId, zeroSpanId), ExportTraceServiceResponse.Parser);

        Assert.Equal(2, response.PartialSuccess.RejectedSpans);
        Assert.Contains("invalid trace id", response.PartialSuccess.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal("good", Assert.Single((await dashboard.GetAsync<TelemetryPage<SpanDto>>($"/api/telemetry/spans?traceId={traceId}")).Items).Name);
        Assert.Equal(2, (await dashboard.StatsAsync()).SpansRejected);
    }

    [Fact]
    public async Task PartialSuccessIsAnsweredInJsonToAJsonRequest()
    {
        await using var dashboard = await TestDashboard.StartAsync();
        var json = """
            {"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"","spanId":"eee19b7ec3c1b174","name":"no trace id"}]}]}]}
            """;

        using var response = await dashboard.PostJsonAsync("/v1/traces", json);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("1", body.GetProperty("partialSuccess").GetProperty("rejectedSpans").GetString());
    }

    [Fact]
    public async Task SummaryMetricsAreReportedAsRejectedDataPoints()
    {
        await using var dashboard = await TestDashboard.StartAsync();
        var summary = new PaymentPlatform.Otlp.Metrics.V1.Summary();
        summary.DataPoints.Add(new PaymentPlatform.Otlp.Metrics.V1.SummaryDataPoint { Count = 1, Sum = 2, TimeUnixNano = Nanos(1) });
        summary.DataPoints.Add(new PaymentPlatform.Otlp.Metrics.V1.SummaryDataPoint { Count = 3, Sum = 4, TimeUnixNano = Nanos(2) });

        var response = await dashboard.ExportAsync("/v1/metrics",
            Metrics("legacy", null, new PaymentPlatform.Otlp.Metrics.V1.Metric { Name = "legacy.latency", Summary = summary }, Gauge("legacy.queue", Number(3, 1))),
            ExportMetricsServiceResponse.Parser);

        Assert.Equal(2, response.PartialSuccess.RejectedDataPoints);
        Assert.Contains("summary", response.PartialSuccess.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal("legacy.queue", Assert.Single(await dashboard.GetAsync<List<InstrumentDto>>("/api/telemetry/metrics")).Name);
    }
}
