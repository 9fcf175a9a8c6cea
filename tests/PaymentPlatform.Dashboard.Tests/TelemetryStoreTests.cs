using PaymentPlatform.Hosting.Dashboard.Api;
using PaymentPlatform.Otlp.Collector.Trace.V1;
using static PaymentPlatform.Dashboard.Tests.OtlpData;

namespace PaymentPlatform.Dashboard.Tests;

/// <summary>The store: bounded (oldest out first), traces assembled across resources, logs linked to spans.</summary>
public class TelemetryStoreTests
{
    [Fact]
    public async Task TracesBeyondMaxTraceCountEvictTheOldestTrace()
    {
        await using var dashboard = await TestDashboard.StartAsync(limits => limits.MaxTraceCount = 3);
        var traceIds = Enumerable.Range(0, 5).Select(_ => NewTraceId()).ToList();

        foreach (var traceId in traceIds)
        {
            await dashboard.ExportAsync("/v1/traces", Traces("gateway", null, NewSpan(traceId, NewSpanId(), null, "GET /")), ExportTraceServiceResponse.Parser);
        }
        // A span joining a stored trace does not make room: the oldest trace is still the first to go.
        await dashboard.ExportAsync("/v1/traces", Traces("risk", null, NewSpan(traceIds[2], NewSpanId(), null, "POST /v1/scores")), ExportTraceServiceResponse.Parser);

        var traces = await dashboard.GetAsync<TelemetryPage<TraceSummaryDto>>("/api/telemetry/traces");
        Assert.Equal(traceIds[2..].Order(), traces.Items.Select(t => t.TraceId).Order());
        await dashboard.GetProblemAsync($"/api/telemetry/traces/{traceIds[0]}", System.Net.HttpStatusCode.NotFound);
        var stats = await dashboard.StatsAsync();
        Assert.Equal((3, 2L), (stats.Traces, stats.TracesEvicted));
    }

    [Fact]
    public async Task LogsBeyondMaxLogCountEvictTheOldestEntries()
    {
        await using var dashboard = await TestDashboard.StartAsync(limits => limits.MaxLogCount = 4);

        for (var i = 0; i < 3; i++)
        {
            await dashboard.ExportAsync("/v1/logs", Logs("gateway", null, Log($"entry {2 * i}", atSeconds: 2 * i), Log($"entry {(2 * i) + 1}", atSeconds: (2 * i) + 1)),
                PaymentPlatform.Otlp.Collector.Logs.V1.ExportLogsServiceResponse.Parser);
        }

        var logs = await dashboard.GetAsync<TelemetryPage<LogEntryDto>>("/api/telemetry/logs");
        Assert.Equal(["entry 2", "entry 3", "entry 4", "entry 5"], logs.Items.Select(l => l.Message));
        Assert.Equal(2, (await dashboard.StatsAsync()).LogsEvicted);
    }

    [Fact]
    public async Task MetricPointsBeyondMaxMetricsCountEvictTheResourcesOldestPointsOnly()
    {
        await using var dashboard = await TestDashboard.StartAsync(limits => limits.MaxMetricsCount = 4);

        // gateway-0: two series, three reports each (6 points; the 2 oldest go). gateway-1: one point, kept.
        for (var second = 1; second <= 3; second++)
        {
            await dashboard.ExportAsync("/v1/metrics", Metrics("gateway", "gateway-0",
                Counter("payments.created", Number(second * 10, second, attributes: Attribute("outcome", "authorized")), Number(second, second, attributes: Attribute("outcome", "declined")))),
                PaymentPlatform.Otlp.Collector.Metrics.V1.ExportMetricsServiceResponse.Parser);
        }
        await dashboard.ExportAsync("/v1/metrics", Metrics("gateway", "gateway-1", Counter("payments.created", Number(99, 1))),
            PaymentPlatform.Otlp.Collector.Metrics.V1.ExportMetricsServiceResponse.Parser);

        var instruments = await dashboard.GetAsync<List<InstrumentDataDto>>("/api/telemetry/metrics/payments.created?resource=gateway-0");
        var values = Assert.Single(instruments).Series.ToDictionary(s => s.Attributes["outcome"], s => s.Points.Select(p => p.Value!.Value).ToArray());
        Assert.Equal([20, 30], values["authorized"]);
        Assert.Equal([2, 3], values["declined"]);
        var other = Assert.Single(await dashboard.GetAsync<List<InstrumentDataDto>>("/api/telemetry/metrics/payments.created?resource=gateway-1"));
        Assert.Equal(99, Assert.Single(Assert.Single(other.Series).Points).Value);
        Assert.Equal(2, (await dashboard.StatsAsync()).MetricPointsEvicted);
    }

    [Fact]
    public async Task AValueReportedAgainUnchangedExtendsItsPointInsteadOfAddingOne()
    {
        await using var dashboard = await TestDashboard.StartAsync();

        foreach (var second in new[] { 1, 2, 3 })
        {
            await dashboard.ExportAsync("/v1/metrics", Metrics("gateway", null, Counter("payments.created", Number(5, second))),
                PaymentPlatform.Otlp.Collector.Metrics.V1.ExportMetricsServiceResponse.Parser);
        }

        var point = Assert.Single(Assert.Single(Assert.Single(await dashboard.GetAsync<List<InstrumentDataDto>>("/api/telemetry/metrics/payments.created")).Series).Points);
        Assert.Equal(BaseTime.AddSeconds(3), point.Time);
    }

    [Fact]
    public async Task SpansBeyondMaxSpansPerTraceAreRejectedAsPartialSuccess()
    {
        await using var dashboard = await TestDashboard.StartAsync(limits => limits.MaxSpansPerTrace = 2);
        var traceId = NewTraceId();

        var response = await dashboard.ExportAsync("/v1/traces",
            Traces("gateway", null, NewSpan(traceId, NewSpanId(), null, "a"), NewSpan(traceId, NewSpanId(), null, "b"), NewSpan(traceId, NewSpanId(), null, "c")),
            ExportTraceServiceResponse.Parser);

        Assert.Equal(1, response.PartialSuccess.RejectedSpans);
        Assert.Contains("MaxSpansPerTrace", response.PartialSuccess.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(2, (await dashboard.GetAsync<TraceDetailDto>($"/api/telemetry/traces/{traceId}")).SpanCount);
    }

    [Fact]
    public async Task AttributesBeyondMaxAttributeCountAreDroppedAndLongValuesAreCut()
    {
        await using var dashboard = await TestDashboard.StartAsync(limits =>
        {
            limits.MaxAttributeCount = 2;
            limits.MaxAttributeLength = 5;
        });
        var traceId = NewTraceId();

        await dashboard.ExportAsync("/v1/traces",
            Traces("gateway", null, NewSpan(traceId, NewSpanId(), null, "GET /", attributes: [Attribute("a", "1234567890"), Attribute("b", "x"), Attribute("c", "y")])),
            ExportTraceServiceResponse.Parser);

        var span = Assert.Single((await dashboard.GetAsync<TelemetryPage<SpanDto>>($"/api/telemetry/spans?traceId={traceId}")).Items);
        Assert.Equal(new Dictionary<string, string> { ["a"] = "12345", ["b"] = "x" }, span.Attributes);
    }

    [Fact]
    public async Task SpansFromSeveralResourcesAreAssembledIntoOneTraceInWaterfallOrder()
    {
        await using var dashboard = await TestDashboard.StartAsync();
        var traceId = NewTraceId();
        var (gatewayServer, gatewayToRisk, riskServer, gatewayToLedger, ledgerServer, ledgerDb) =
            (NewSpanId(), NewSpanId(), NewSpanId(), NewSpanId(), NewSpanId(), NewSpanId());

        // Children arrive before their parents, from different resources, in separate requests.
        await dashboard.ExportAsync("/v1/traces", Traces("ledger", "ledger-0",
            NewSpan(traceId, ledgerDb, ledgerServer, "INSERT ledgerdb", 0.040, 5, PaymentPlatform.Otlp.Trace.V1.Span.Types.SpanKind.Client),
            NewSpan(traceId, ledgerServer, gatewayToLedger, "POST /v1/transfers", 0.035, 20)), ExportTraceServiceResponse.Parser);
        await dashboard.ExportAsync("/v1/traces", Traces("risk", "risk-0",
            NewSpan(traceId, riskServer, gatewayToRisk, "POST /v1/scores", 0.010, 15)), ExportTraceServiceResponse.Parser);
        await dashboard.ExportAsync("/v1/traces", Traces("gateway", "gateway-1",
            NewSpan(traceId, gatewayToLedger, gatewayServer, "POST", 0.030, 30, PaymentPlatform.Otlp.Trace.V1.Span.Types.SpanKind.Client),
            NewSpan(traceId, gatewayToRisk, gatewayServer, "POST", 0.005, 22, PaymentPlatform.Otlp.Trace.V1.Span.Types.SpanKind.Client),
            NewSpan(traceId, gatewayServer, null, "POST /v1/payments", 0, 80)), ExportTraceServiceResponse.Parser);

        var trace = await dashboard.GetAsync<TraceDetailDto>($"/api/telemetry/traces/{traceId}");

        Assert.Equal(("POST /v1/payments", 6, 80.0), (trace.Name, trace.SpanCount, trace.DurationMs));
        Assert.Equal(["gateway:3", "risk:1", "ledger:2"], trace.Resources.Select(r => $"{r.Resource}:{r.SpanCount}"));
        Assert.Equal(
            [$"0 gateway {gatewayServer}", $"1 gateway {gatewayToRisk}", $"2 risk {riskServer}", $"1 gateway {gatewayToLedger}", $"2 ledger {ledgerServer}", $"3 ledger {ledgerDb}"],
            trace.Spans.Select(s => $"{s.Depth} {s.Resource} {s.SpanId}"));
        var summary = Assert.Single((await dashboard.GetAsync<TelemetryPage<TraceSummaryDto>>("/api/telemetry/traces")).Items);
        Assert.Equal((traceId, "gateway", 6), (summary.TraceId, summary.RootResource, summary.SpanCount));
    }

    [Fact]
    public async Task ARetriedBatchDoesNotDuplicateSpans()
    {
        await using var dashboard = await TestDashboard.StartAsync();
        var traceId = NewTraceId();
        var batch = Traces("gateway", null, NewSpan(traceId, NewSpanId(), null, "GET /"));

        await dashboard.ExportAsync("/v1/traces", batch, ExportTraceServiceResponse.Parser);
        var retry = await dashboard.ExportAsync("/v1/traces", batch, ExportTraceServiceResponse.Parser);

        Assert.Null(retry.PartialSuccess);
        Assert.Equal(1, (await dashboard.GetAsync<TraceDetailDto>($"/api/telemetry/traces/{traceId}")).SpanCount);
    }

    [Fact]
    public async Task LogsAreLinkedToTheirTraceAndSpan()
    {
        await using var dashboard = await TestDashboard.StartAsync();
        var traceId = NewTraceId();
        var (server, client) = (NewSpanId(), NewSpanId());
        await dashboard.ExportAsync("/v1/traces", Traces("gateway", "gateway-0",
            NewSpan(traceId, server, null, "POST /v1/payments"), NewSpan(traceId, client, server, "POST", 0.001)), ExportTraceServiceResponse.Parser);
        await dashboard.ExportAsync("/v1/logs", Logs("gateway", "gateway-0",
            Log("Authorizing payment", traceId: traceId, spanId: server),
            Log("Calling risk", traceId: traceId, spanId: client),
            Log("Unrelated")), PaymentPlatform.Otlp.Collector.Logs.V1.ExportLogsServiceResponse.Parser);

        var trace = await dashboard.GetAsync<TraceDetailDto>($"/api/telemetry/traces/{traceId}");
        Assert.Equal(["Authorizing payment", "Calling risk"], trace.Logs.Select(l => l.Message));
        Assert.All(trace.Logs, log => Assert.Contains(trace.Spans, span => span.SpanId == log.SpanId));

        var ofClientSpan = await dashboard.GetAsync<TelemetryPage<LogEntryDto>>($"/api/telemetry/logs?traceId={traceId}&spanId={client}");
        Assert.Equal("Calling risk", Assert.Single(ofClientSpan.Items).Message);
    }

    [Fact]
    public async Task ResourceIdentityIsTheServiceNameAndInstanceId()
    {
        await using var dashboard = await TestDashboard.StartAsync();
        foreach (var instance in new[] { "gateway-0", "gateway-1", "gateway-1" })
        {
            await dashboard.ExportAsync("/v1/logs", Logs("gateway", instance, Log($"from {instance}")), PaymentPlatform.Otlp.Collector.Logs.V1.ExportLogsServiceResponse.Parser);
        }
        await dashboard.ExportAsync("/v1/logs", Logs("gateway-canary", "7f3c9a1e-0000", Log("from a canary")), PaymentPlatform.Otlp.Collector.Logs.V1.ExportLogsServiceResponse.Parser);

        var resources = await dashboard.GetAsync<List<ResourceDto>>("/api/telemetry/resources");

        var gateway = Assert.Single(resources, r => r.Name == "gateway");
        Assert.Equal("External", gateway.Type); // no app host here: known from telemetry only
        Assert.Equal(["gateway-0", "gateway-1"], gateway.TelemetryInstances.Select(i => i.DisplayName));
        Assert.Equal("gateway-canary-7f3c9a1e", Assert.Single(Assert.Single(resources, r => r.Name == "gateway-canary").TelemetryInstances).DisplayName);
        Assert.Equal(3, (await dashboard.GetAsync<TelemetryPage<LogEntryDto>>("/api/telemetry/logs?resource=gateway")).TotalCount);
        Assert.Equal(2, (await dashboard.GetAsync<TelemetryPage<LogEntryDto>>("/api/telemetry/logs?resource=gateway-1")).TotalCount);
    }
}
