using System.Net;
using PaymentPlatform.Hosting.Dashboard.Api;
using PaymentPlatform.Otlp.Collector.Metrics.V1;
using static PaymentPlatform.Dashboard.Tests.OtlpData;

namespace PaymentPlatform.Dashboard.Tests;

/// <summary>
/// <c>/api/telemetry/metrics/{name}/chart</c>: an instrument's series from every instance, merged
/// into groups and cut into steps, which is what the metrics page draws.
/// </summary>
public class MetricChartTests : IAsyncLifetime
{
    private TestDashboard _dashboard = null!;

    public async Task InitializeAsync() => _dashboard = await TestDashboard.StartAsync();

    public async Task DisposeAsync() => await _dashboard.DisposeAsync();

    private static string Window(double fromSeconds, double toSeconds, double step) =>
        $"from={Uri.EscapeDataString(BaseTime.AddSeconds(fromSeconds).ToString("O"))}&to={Uri.EscapeDataString(BaseTime.AddSeconds(toSeconds).ToString("O"))}&step={step}";

    private Task ExportAsync(string service, string instance, params PaymentPlatform.Otlp.Metrics.V1.Metric[] metrics) =>
        _dashboard.ExportAsync("/v1/metrics", Metrics(service, instance, metrics), ExportMetricsServiceResponse.Parser);

    [Fact]
    public async Task HistogramsOfEveryReplicaMergeIntoOnePercentileAndRatePerStep()
    {
        // gateway-0: 10 values in (10, 100] by t=1 s, 10 more in (100, 1000] by t=3 s; gateway-1: 10 in (100, 1000] by t=2 s.
        await ExportAsync("gateway", "gateway-0", Histogram("http.server.request.duration", HistogramPoint([0, 10, 0, 0], 1)));
        await ExportAsync("gateway", "gateway-0", Histogram("http.server.request.duration", HistogramPoint([0, 10, 10, 0], 3)));
        await ExportAsync("gateway", "gateway-1", Histogram("http.server.request.duration", HistogramPoint([0, 0, 10, 0], 2)));

        var chart = await _dashboard.GetAsync<MetricChartDto>($"/api/telemetry/metrics/http.server.request.duration/chart?resource=gateway&{Window(0, 4, 2)}");

        Assert.Equal(("histogram", "ms", 2.0), (chart.Type, chart.Unit, chart.StepSeconds));
        Assert.Equal(["gateway-0", "gateway-1"], chart.Instances);
        var points = Assert.Single(chart.Series).Points;
        Assert.Equal([BaseTime, BaseTime.AddSeconds(2)], points.Select(p => p.Time));
        Assert.Equal([10UL, 20UL], points.Select(p => p.Count!.Value));
        Assert.Equal([5.0, 10.0], points.Select(p => p.Rate!.Value));
        Assert.Equal(55, points[0].Percentiles!["p50"], precision: 6);
        Assert.Equal(550, points[1].Percentiles!["p50"], precision: 6);
    }

    [Fact]
    public async Task CountersAreSplitByAnAttributeIntoIncreasesAndRates()
    {
        await ExportAsync("gateway", "gateway-0", Counter("payments",
            Number(5, 1, attributes: Attribute("outcome", "authorized")), Number(1, 1, attributes: Attribute("outcome", "declined"))));
        await ExportAsync("gateway", "gateway-0", Counter("payments",
            Number(9, 3, attributes: Attribute("outcome", "authorized")), Number(1, 3, attributes: Attribute("outcome", "declined"))));

        var chart = await _dashboard.GetAsync<MetricChartDto>($"/api/telemetry/metrics/payments/chart?groupBy=outcome&{Window(0, 4, 2)}");

        Assert.Equal(["authorized", "declined"], chart.Series.Select(s => s.Label));
        Assert.Equal("authorized", chart.Series[0].Group["outcome"]);
        Assert.Equal([5.0, 4.0], chart.Series[0].Points.Select(p => p.Value!.Value));
        Assert.Equal([2.5, 2.0], chart.Series[0].Points.Select(p => p.Rate!.Value));
        Assert.Equal([1.0, 0.0], chart.Series[1].Points.Select(p => p.Value!.Value));
    }

    [Fact]
    public async Task AChangeIsPlacedWhereItWasFirstReportedNotWhereTheUnchangedValueWasLastSeen()
    {
        foreach (var (value, at) in new[] { (1.0, 1.0), (1, 2), (1, 3), (1, 8), (2, 9) })
        {
            await ExportAsync("risk", "risk-0", Counter("risk.decisions", Number(value, at)));
        }

        var chart = await _dashboard.GetAsync<MetricChartDto>($"/api/telemetry/metrics/risk.decisions/chart?{Window(0, 10, 1)}");

        Assert.Equal([0, 1, 0, 0, 0, 0, 0, 0, 0, 1.0], Assert.Single(chart.Series).Points.Select(p => p.Value!.Value));
    }

    [Fact]
    public async Task ACounterThatBeganBeforeTheWindowCountsOnlyWhatWasAddedInIt()
    {
        await ExportAsync("risk", "risk-0", Counter("risk.decisions", Number(100, 1)));
        await ExportAsync("risk", "risk-0", Counter("risk.decisions", Number(103, 5)));

        var chart = await _dashboard.GetAsync<MetricChartDto>($"/api/telemetry/metrics/risk.decisions/chart?{Window(4, 6, 2)}");

        Assert.Equal([3.0], Assert.Single(chart.Series).Points.Select(p => p.Value!.Value));
    }

    [Fact]
    public async Task GaugesShowTheValueInForceSummedOverTheGroupAndSplitByResource()
    {
        await ExportAsync("gateway", "gateway-0", Gauge("connections", Number(10, 1)));
        await ExportAsync("gateway", "gateway-0", Gauge("connections", Number(20, 3)));
        await ExportAsync("gateway", "gateway-1", Gauge("connections", Number(5, 1)));
        await ExportAsync("gateway", "gateway-1", Gauge("connections", Number(5, 4)));
        await ExportAsync("risk", "risk-0", Gauge("connections", Number(7, 2)));

        var chart = await _dashboard.GetAsync<MetricChartDto>($"/api/telemetry/metrics/connections/chart?groupBy=resource&{Window(0, 6, 1)}");

        // gateway-0's 20 was last reported at 3 s, so it is not in force after that step.
        Assert.Equal(["gateway", "risk"], chart.Series.Select(s => s.Label));
        Assert.Equal([null, 15, 15, 25, 5, null], chart.Series[0].Points.Select(p => p.Value));
        Assert.Equal([null, null, 7, null, null, null], chart.Series[1].Points.Select(p => p.Value));
    }

    [Fact]
    public async Task SeriesCanBeLeftOutWithANotEqualAttributeFilter()
    {
        // Blocking stream reads wait for seconds by design; a latency chart leaves them out.
        await ExportAsync("notify", "notify-0", Histogram("redis.client.command.duration",
            HistogramPoint([10, 0, 0, 0], 1, attributes: Attribute("db.operation", "EVALSHA")),
            HistogramPoint([0, 0, 0, 10], 1, attributes: Attribute("db.operation", "XREADGROUP"))));

        var chart = await _dashboard.GetAsync<MetricChartDto>($"/api/telemetry/metrics/redis.client.command.duration/chart?attribute=db.operation!=XREADGROUP&{Window(0, 2, 2)}");
        var all = await _dashboard.GetAsync<MetricChartDto>($"/api/telemetry/metrics/redis.client.command.duration/chart?{Window(0, 2, 2)}");

        Assert.Equal(10UL, Assert.Single(Assert.Single(chart.Series).Points).Count);
        Assert.Equal(5, chart.Series[0].Points[0].Percentiles!["p50"], precision: 6);
        Assert.Equal(20UL, all.Series[0].Points[0].Count);
    }

    [Fact]
    public async Task StepsAreAlignedSoThatEveryPollSeesTheSameSteps()
    {
        await ExportAsync("risk", "risk-0", Counter("risk.decisions", Number(1, 1)));

        var chart = await _dashboard.GetAsync<MetricChartDto>($"/api/telemetry/metrics/risk.decisions/chart?{Window(3, 14, 5)}");

        Assert.Equal(BaseTime, chart.From);
        Assert.Equal(BaseTime.AddSeconds(15), chart.To);
        Assert.Equal(3, Assert.Single(chart.Series).Points.Count);
    }

    [Theory]
    [InlineData("/api/telemetry/metrics/risk.decisions/chart?step=0", HttpStatusCode.BadRequest, "step")]
    [InlineData("/api/telemetry/metrics/risk.decisions/chart?step=1&from=2025-06-01T00:00:00Z&to=2025-06-02T00:00:00Z", HttpStatusCode.BadRequest, "at most 1000")]
    [InlineData("/api/telemetry/metrics/risk.decisions/chart?from=2025-06-02T00:00:00Z&to=2025-06-01T00:00:00Z", HttpStatusCode.BadRequest, "before")]
    [InlineData("/api/telemetry/metrics/risk.decisions/chart?groupBy=%20", HttpStatusCode.BadRequest, "groupBy")]
    [InlineData("/api/telemetry/metrics/risk.decisions/chart?level=error", HttpStatusCode.BadRequest, "level")]
    [InlineData("/api/telemetry/logs?groupBy=resource", HttpStatusCode.BadRequest, "groupBy/step")]
    [InlineData("/api/telemetry/metrics/no.such.instrument/chart", HttpStatusCode.NotFound, "no.such.instrument")]
    public async Task AnInvalidChartQueryIsAnsweredWithAProblemThatNamesIt(string pathAndQuery, HttpStatusCode status, string named)
    {
        await ExportAsync("risk", "risk-0", Counter("risk.decisions", Number(1, 1)));

        var problem = await _dashboard.GetProblemAsync(pathAndQuery, status);

        Assert.Contains(named, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
