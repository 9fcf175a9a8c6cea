using System.Net;
using PaymentPlatform.Hosting.Dashboard.Api;
using PaymentPlatform.Otlp.Collector.Logs.V1;
using PaymentPlatform.Otlp.Collector.Metrics.V1;
using PaymentPlatform.Otlp.Collector.Trace.V1;
using PaymentPlatform.Otlp.Logs.V1;
using static PaymentPlatform.Dashboard.Tests.OtlpData;
using SpanKind = PaymentPlatform.Otlp.Trace.V1.Span.Types.SpanKind;

namespace PaymentPlatform.Dashboard.Tests;

/// <summary>Every filter of every list: resource, time range, level, text, trace id, span id, attribute, errors, duration, paging.</summary>
public class TelemetryApiFilterTests : IAsyncLifetime
{
    private readonly string _payment = NewTraceId();
    private readonly string _refund = NewTraceId();
    private readonly string _failed = NewTraceId();
    private readonly string _paymentRoot = NewSpanId();
    private TestDashboard _dashboard = null!;

    /// <summary>
    /// Three traces: a payment across gateway-0 and risk (t=0 s, 80 ms), a refund on gateway-1
    /// (t=10 s, 20 ms) and a failed payment on gateway-0 (t=20 s, 300 ms, error); logs at 1, 11, 21 s.
    /// </summary>
    public async Task InitializeAsync()
    {
        _dashboard = await TestDashboard.StartAsync();
        await _dashboard.ExportAsync("/v1/traces", Traces("gateway", "gateway-0",
            NewSpan(_payment, _paymentRoot, null, "POST /v1/payments", 0, 80, attributes: Attribute("http.route", "/v1/payments")),
            NewSpan(_failed, NewSpanId(), null, "POST /v1/payments", 20, 300, error: true, attributes: Attribute("http.route", "/v1/payments"))),
            ExportTraceServiceResponse.Parser);
        await _dashboard.ExportAsync("/v1/traces", Traces("risk", "risk-0",
            NewSpan(_payment, NewSpanId(), _paymentRoot, "POST /v1/scores", 0.01, 15, SpanKind.Server, attributes: Attribute("risk.decision", "allow"))),
            ExportTraceServiceResponse.Parser);
        await _dashboard.ExportAsync("/v1/traces", Traces("gateway", "gateway-1",
            NewSpan(_refund, NewSpanId(), null, "POST /v1/refunds", 10, 20, attributes: Attribute("http.route", "/v1/refunds"))),
            ExportTraceServiceResponse.Parser);
        await _dashboard.ExportAsync("/v1/logs", Logs("gateway", "gateway-0",
            Log("Payment authorized", SeverityNumber.Info, 1, _payment, _paymentRoot, Attribute("payment_id", "pay_1")),
            Log("Payment failed: ledger unavailable", SeverityNumber.Error, 21, _failed, null, Attribute("payment_id", "pay_3"))),
            ExportLogsServiceResponse.Parser);
        await _dashboard.ExportAsync("/v1/logs", Logs("gateway", "gateway-1",
            Log("Refund requested", SeverityNumber.Warn, 11, _refund, null, Attribute("payment_id", "pay_2")),
            Log("Cache warmed", SeverityNumber.Debug, 12)),
            ExportLogsServiceResponse.Parser);
    }

    public async Task DisposeAsync() => await _dashboard.DisposeAsync();

    private async Task<string[]> LogsAsync(string query) =>
        [.. (await _dashboard.GetAsync<TelemetryPage<LogEntryDto>>($"/api/telemetry/logs?{query}")).Items.Select(l => l.Message)];

    private async Task<string[]> TracesAsync(string query) =>
        [.. (await _dashboard.GetAsync<TelemetryPage<TraceSummaryDto>>($"/api/telemetry/traces?{query}")).Items.Select(t => t.TraceId)];

    private async Task<string[]> SpansAsync(string query) =>
        [.. (await _dashboard.GetAsync<TelemetryPage<SpanDto>>($"/api/telemetry/spans?{query}")).Items.Select(s => s.Name)];

    private static string Time(double seconds) => Uri.EscapeDataString(BaseTime.AddSeconds(seconds).ToString("O"));

    [Fact]
    public async Task LogsFilterByResourceOrReplica()
    {
        Assert.Equal(["Payment authorized", "Payment failed: ledger unavailable", "Refund requested", "Cache warmed"], await LogsAsync("resource=gateway"));
        Assert.Equal(["Refund requested", "Cache warmed"], await LogsAsync("resource=gateway-1"));
        Assert.Empty(await LogsAsync("resource=risk"));
    }

    [Fact]
    public async Task LogsFilterByTimeRange()
    {
        Assert.Equal(["Refund requested", "Cache warmed"], await LogsAsync($"from={Time(10)}&to={Time(20)}"));
        Assert.Equal(["Payment authorized"], await LogsAsync($"to={Time(11)}"));
    }

    [Fact]
    public async Task LogsFilterByMinimumLevel()
    {
        Assert.Equal(["Payment failed: ledger unavailable", "Refund requested"], await LogsAsync("level=warning"));
        Assert.Equal(["Payment failed: ledger unavailable"], await LogsAsync("level=error"));
        Assert.Equal(4, (await LogsAsync("level=debug")).Length);
    }

    [Fact]
    public async Task LogsFilterByTextTraceIdSpanIdAndAttribute()
    {
        Assert.Equal(["Payment authorized", "Payment failed: ledger unavailable"], await LogsAsync("text=PAYMENT"));
        Assert.Equal(["Refund requested"], await LogsAsync($"traceId={_refund}"));
        Assert.Equal(["Refund requested"], await LogsAsync($"traceId={_refund[..12]}"));
        Assert.Equal(["Payment authorized"], await LogsAsync($"spanId={_paymentRoot}"));
        Assert.Equal(["Payment failed: ledger unavailable"], await LogsAsync("attribute=payment_id=pay_3"));
        Assert.Equal(3, (await LogsAsync("attribute=payment_id")).Length);
        // An attribute of the resource matches too.
        Assert.Equal(["Refund requested", "Cache warmed"], await LogsAsync("attribute=service.instance.id=gateway-1"));
    }

    [Fact]
    public async Task TracesFilterByResourceTimeRangeTextTraceIdAttributeErrorAndDuration()
    {
        Assert.Equal([_payment], await TracesAsync("resource=risk"));
        Assert.Equal([_refund], await TracesAsync($"from={Time(5)}&to={Time(15)}"));
        Assert.Equal([_payment], await TracesAsync("text=scores"));
        Assert.Equal([_refund], await TracesAsync($"traceId={_refund}"));
        Assert.Equal([_payment], await TracesAsync("attribute=risk.decision=allow"));
        Assert.Equal([_failed], await TracesAsync("hasError=true"));
        Assert.Equal([_payment, _refund], await TracesAsync("hasError=false"));
        Assert.Equal([_failed, _payment], await TracesAsync("minDurationMs=50")); // ordered by latest change: the payment gained its risk span last
        Assert.Equal([_failed], await TracesAsync("resource=gateway-0&attribute=http.route=/v1/payments&minDurationMs=100"));
    }

    [Fact]
    public async Task SpansFilterByResourceTimeRangeTextTraceIdAttributeErrorAndDuration()
    {
        Assert.Equal(["POST /v1/scores"], await SpansAsync("resource=risk"));
        Assert.Equal(["POST /v1/refunds"], await SpansAsync($"from={Time(5)}&to={Time(15)}"));
        Assert.Equal(["POST /v1/refunds"], await SpansAsync("text=refund"));
        Assert.Equal(["POST /v1/payments", "POST /v1/scores"], await SpansAsync($"traceId={_payment}"));
        Assert.Equal(["POST /v1/payments"], await SpansAsync($"spanId={_paymentRoot}"));
        Assert.Equal(["POST /v1/refunds"], await SpansAsync("attribute=http.route=/v1/refunds"));
        Assert.Equal(["POST /v1/payments"], await SpansAsync("hasError=true"));
        Assert.Equal(["POST /v1/payments", "POST /v1/payments"], await SpansAsync("minDurationMs=80"));
    }

    [Fact]
    public async Task ACursorReturnsOnlyWhatArrivedSinceAndLimitPagesForward()
    {
        var first = await _dashboard.GetAsync<TelemetryPage<LogEntryDto>>("/api/telemetry/logs?limit=2");
        Assert.Equal(["Refund requested", "Cache warmed"], first.Items.Select(l => l.Message)); // the latest two
        Assert.Equal(4, first.TotalCount);

        Assert.Empty((await _dashboard.GetAsync<TelemetryPage<LogEntryDto>>($"/api/telemetry/logs?after={first.Cursor}")).Items);
        await _dashboard.ExportAsync("/v1/logs", Logs("risk", "risk-0", Log("Score computed", atSeconds: 30), Log("Score cached", atSeconds: 31), Log("Velocity updated", atSeconds: 32)), ExportLogsServiceResponse.Parser);

        var next = await _dashboard.GetAsync<TelemetryPage<LogEntryDto>>($"/api/telemetry/logs?after={first.Cursor}&limit=2");
        Assert.Equal(["Score computed", "Score cached"], next.Items.Select(l => l.Message)); // paging forward: the first two after the cursor
        var last = await _dashboard.GetAsync<TelemetryPage<LogEntryDto>>($"/api/telemetry/logs?after={next.Cursor}&limit=2");
        Assert.Equal(["Velocity updated"], last.Items.Select(l => l.Message));
        Assert.Empty((await _dashboard.GetAsync<TelemetryPage<LogEntryDto>>($"/api/telemetry/logs?after={last.Cursor}")).Items);

        var traces = await _dashboard.GetAsync<TelemetryPage<TraceSummaryDto>>("/api/telemetry/traces");
        await _dashboard.ExportAsync("/v1/traces", Traces("ledger", "ledger-0", NewSpan(_refund, NewSpanId(), null, "POST /v1/reversals", 10.005)), ExportTraceServiceResponse.Parser);
        var changed = await _dashboard.GetAsync<TelemetryPage<TraceSummaryDto>>($"/api/telemetry/traces?after={traces.Cursor}");
        Assert.Equal([(_refund, 2)], changed.Items.Select(t => (t.TraceId, t.SpanCount))); // a trace that gained a span counts as new
    }

    [Fact]
    public async Task MetricsFilterByResourceTextAttributeAndTimeRange()
    {
        await _dashboard.ExportAsync("/v1/metrics", Metrics("gateway", "gateway-0",
            Counter("payments.created", Number(5, 1, attributes: Attribute("outcome", "authorized")), Number(1, 1, attributes: Attribute("outcome", "declined"))),
            Gauge("process.memory", Number(1024, 1))), ExportMetricsServiceResponse.Parser);
        await _dashboard.ExportAsync("/v1/metrics", Metrics("gateway", "gateway-0",
            Counter("payments.created", Number(9, 3, attributes: Attribute("outcome", "authorized")))), ExportMetricsServiceResponse.Parser);
        await _dashboard.ExportAsync("/v1/metrics", Metrics("risk", "risk-0", Gauge("process.memory", Number(2048, 1))), ExportMetricsServiceResponse.Parser);

        async Task<string[]> Instruments(string query) =>
            [.. (await _dashboard.GetAsync<List<InstrumentDto>>($"/api/telemetry/metrics?{query}")).Select(i => $"{i.DisplayName}/{i.Name}")];
        Assert.Equal(["risk-0/process.memory"], await Instruments("resource=risk"));
        Assert.Equal(["gateway-0/payments.created"], await Instruments("text=payments"));
        Assert.Equal(["gateway-0/payments.created"], await Instruments("attribute=outcome=declined"));

        var inRange = Assert.Single(await _dashboard.GetAsync<List<InstrumentDataDto>>($"/api/telemetry/metrics/payments.created?attribute=outcome=authorized&from={Time(2)}"));
        var point = Assert.Single(Assert.Single(inRange.Series).Points);
        Assert.Equal(9, point.Value);
        Assert.Equal(2, point.Rate); // (9 - 5) / 2 s, from the point before the range
        Assert.Equal(2, (await _dashboard.GetAsync<List<InstrumentDataDto>>("/api/telemetry/metrics/process.memory")).Count);
        await _dashboard.GetProblemAsync("/api/telemetry/metrics/no.such.instrument", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task HistogramPointsCarryTheRateAndPercentilesOfTheirInterval()
    {
        // Cumulative: 10 values by t=1 s (all in (10, 100]); 10 more by t=3 s (all in (100, 1000]).
        await _dashboard.ExportAsync("/v1/metrics", Metrics("gateway", "gateway-0",
            Histogram("http.server.request.duration", HistogramPoint([0, 10, 0, 0], 1))), ExportMetricsServiceResponse.Parser);
        await _dashboard.ExportAsync("/v1/metrics", Metrics("gateway", "gateway-0",
            Histogram("http.server.request.duration", HistogramPoint([0, 10, 10, 0], 3))), ExportMetricsServiceResponse.Parser);

        var points = Assert.Single(Assert.Single(await _dashboard.GetAsync<List<InstrumentDataDto>>("/api/telemetry/metrics/http.server.request.duration")).Series).Points;

        Assert.Equal(55, points[0].Percentiles!["p50"], precision: 6);  // halfway through (10, 100]
        Assert.Equal(10, points[0].Rate!.Value, precision: 6);          // 10 values over the first second
        Assert.Equal(550, points[1].Percentiles!["p50"], precision: 6); // only the interval's 10 values, all in (100, 1000]
        Assert.Equal(991, points[1].Percentiles!["p99"], precision: 6);
        Assert.Equal(5, points[1].Rate!.Value, precision: 6);           // 10 values over 2 s
    }

    [Theory]
    [InlineData("/api/telemetry/logs?level=loud", "level")]
    [InlineData("/api/telemetry/logs?from=yesterday", "from")]
    [InlineData("/api/telemetry/logs?traceId=xyz", "traceId")]
    [InlineData("/api/telemetry/logs?spanId=123", "spanId")]
    [InlineData("/api/telemetry/logs?attribute==value", "attribute")]
    [InlineData("/api/telemetry/logs?limit=0", "limit")]
    [InlineData("/api/telemetry/logs?after=-1", "after")]
    [InlineData("/api/telemetry/traces?level=error", "cannot be filtered by level")]
    [InlineData("/api/telemetry/spans?minDurationMs=-5", "minDurationMs")]
    [InlineData("/api/telemetry/traces?hasError=maybe", "hasError")]
    [InlineData("/api/telemetry/traces/not-a-trace-id", "not a trace id")]
    public async Task AnInvalidFilterIsAnswered400WithAProblemThatNamesIt(string pathAndQuery, string named)
    {
        var problem = await _dashboard.GetProblemAsync(pathAndQuery, HttpStatusCode.BadRequest);

        Assert.Equal("https://paymentplatform.dev/problems/invalid_query", problem.GetProperty("type").GetString());
        Assert.Contains(named, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
