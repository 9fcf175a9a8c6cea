using PaymentPlatform.Load.Ceilings;
using PaymentPlatform.Load.Reporting;
using static PaymentPlatform.Load.Tests.Reports;

namespace PaymentPlatform.Load.Tests;

public sealed class CeilingsTests
{
    [Fact]
    public void TheSaturationSearchDoublesUntilAStepFailsThenHalvesTheGapTwice()
    {
        var held = new HashSet<double> { 1000, 2000, 4000, 5000 };
        var done = new List<SaturationStep>();
        while (SaturationSearch.Next(done) is { } rate)
        {
            done.Add(new SaturationStep(rate, rate, 1, 0, 0, true, held.Contains(rate)));
        }

        Assert.Equal([1000.0, 2000, 4000, 8000, 6000, 5000], done.Select(s => s.TargetRate));
        Assert.Equal(5000, SaturationSearch.Rate(done));
    }

    [Fact]
    public void ASaturationSearchWhoseFirstStepFailsSearchesBelowIt()
    {
        var done = new List<SaturationStep>();
        while (SaturationSearch.Next(done) is { } rate)
        {
            done.Add(new SaturationStep(rate, rate, 1, 0, 0, true, Held: rate <= 300));
        }

        Assert.Equal([1000.0, 500, 250], done.Select(s => s.TargetRate));
        Assert.Equal(250, SaturationSearch.Rate(done));
    }

    [Theory]
    [InlineData(1000, 0, 10, true)]
    [InlineData(900, 0, 10, false)]
    [InlineData(1000, 1, 10, false)]
    [InlineData(1000, 0, 60, false)]
    public void AStepHoldsWhenItAnsweredTheRateWithoutErrorsAndWithinTheP99Limit(double achieved, long errors, double p99, bool holds)
    {
        var step = Step("hello saturation 1000/s", 1000, Operation("GET /", Latency(1, p99, p99), errors)) with { AchievedRate = achieved };

        Assert.Equal(holds, SaturationSearch.Holds(step, p99LimitMs: 50));
    }

    [Fact]
    public void EachStepIsGivenAsRatiosToTheHelloWorldBesideItTheSaturationRateAndPgbench()
    {
        var ratios = CeilingMaths.Ratios(PaymentsBesideHello(paymentP99: 12, helloP99: 4, rate: 200),
            new HelloSaturation(8000, 50, 3, []), new PgbenchCeiling("pgbench", 1000, 9, "1 1 1"));

        Assert.Equal(4, ratios.HelloP99Ms);
        Assert.Equal(8, ratios.P99AboveHelloMs);
        Assert.Equal(3, ratios.P99RatioToHello);
        Assert.Equal(0.025, ratios.RatioToHelloSaturation);
        Assert.Equal(0.2, ratios.RatioToPgbench);
    }

    [Fact]
    public void AStepWithoutTheHelloWorldBesideItHasNoLatencyRatio()
    {
        var ratios = CeilingMaths.Ratios(Step("hello 1000/s", 1000, Operation("GET /", Latency(1, 2, 3))), null, null);

        Assert.Null(ratios.P99AboveHelloMs);
        Assert.Null(ratios.RatioToHelloSaturation);
        Assert.Null(ratios.RatioToPgbench);
    }

    [Fact]
    public void EveryReportFormatPrintsTheCeilingsAndEachFiguresRatioToThem()
    {
        var step = PaymentsBesideHello(paymentP99: 12, helloP99: 4, rate: 200);
        var saturation = new HelloSaturation(8000, 50, 3, [new SaturationStep(8000, 7990, 12, 0, 0, true, true), new SaturationStep(16000, 9000, 900, 0, 0, false, false)]);
        var pgbench = new PgbenchCeiling("pgbench -N -c 16 -j 2 -T 30", 1000, 9.5, "1 1 1");
        var report = Run([step], new CeilingReport(saturation, pgbench, [CeilingMaths.Ratios(step, saturation, pgbench)], ["a ceiling note"]));

        var text = TextReport.Render(report);

        Assert.Contains("hello-world saturation  8000/s", text, StringComparison.Ordinal);
        Assert.Contains("pgbench                 1000 tps, latency average 9.50 ms", text, StringComparison.Ordinal);
        var row = Assert.Single(text.Split('\n'), l => l.TrimStart().StartsWith("payments 200/s ", StringComparison.Ordinal) && l.Contains("+8.000", StringComparison.Ordinal));
        Assert.Contains("3.0x", row, StringComparison.Ordinal);
        Assert.Contains("0.025", row, StringComparison.Ordinal);
        Assert.Contains("0.200", row, StringComparison.Ordinal);
        Assert.Contains("a ceiling note", text, StringComparison.Ordinal);
        Assert.Contains("+8.000", HtmlReport.Render(report), StringComparison.Ordinal);
        var parsed = JsonReport.Parse(JsonReport.Render(report))!;
        Assert.Equal(8000, parsed.Ceilings!.HelloSaturation!.Rate);
        Assert.Equal(8, parsed.Ceilings.Steps[0].P99AboveHelloMs);
        Assert.Equal(1000, parsed.Ceilings.Pgbench!.Tps);
    }

    [Fact]
    public void PgbenchsSummaryGivesItsTpsAndAverageLatency()
    {
        const string output = """
            transaction type: <builtin: simple update>
            number of clients: 16
            latency average = 8.916 ms
            initial connection time = 21.337 ms
            tps = 1794.552131 (without initial connection time)
            """;

        Assert.Equal((1794.552131, 8.916), PgbenchRun.Parse(output));
        Assert.Throws<InvalidOperationException>(() => PgbenchRun.Parse("pgbench: error: connection refused"));
    }
}
