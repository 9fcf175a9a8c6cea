using PaymentPlatform.Load.Ceilings;
using PaymentPlatform.Load.Comparison;
using PaymentPlatform.Load.Reporting;
using static PaymentPlatform.Load.Tests.Reports;

namespace PaymentPlatform.Load.Tests;

public sealed class ComparisonTests
{
    [Fact]
    public void AP99BeyondTheToleranceIsARegressionWhenNoCeilingExcusesIt()
    {
        var baseline = Run([Step("payments 200/s", 200, Operation("POST /v1/payments", Latency(2, 10, 20)))]);
        var candidate = Run([Step("payments 200/s", 200, Operation("POST /v1/payments", Latency(2, 12, 20)))]);

        var comparison = ReportComparison.Compare(baseline, candidate, 0.10);

        var p99 = Row(comparison, "POST /v1/payments", "p99 ms");
        Assert.Equal(Verdict.Regression, p99.Verdict);
        Assert.Equal(0.2, p99.Change!.Value, 6);
        Assert.Equal(Verdict.Ok, Row(comparison, "POST /v1/payments", "p50 ms").Verdict);
        Assert.True(comparison.HasRegression);
    }

    [Fact]
    public void AChangeWithinTheToleranceIsNotARegression()
    {
        var baseline = Run([Step("payments 200/s", 200, Operation("POST /v1/payments", Latency(2, 10, 20)))]);
        var candidate = Run([Step("payments 200/s", 195, Operation("POST /v1/payments", Latency(2.1, 10.9, 21)))]);

        var comparison = ReportComparison.Compare(baseline, candidate, 0.10);

        Assert.False(comparison.HasRegression);
        Assert.All(comparison.Rows, r => Assert.NotEqual(Verdict.Regression, r.Verdict));
    }

    [Fact]
    public void ALatencyThatRoseWithTheHelloWorldBesideItIsMachineDriftNotARegression()
    {
        // The machine got slower: payments and the hello-world beside them both doubled.
        var baseline = Run([PaymentsBesideHello(paymentP99: 10, helloP99: 4)], CeilingsOf(5000, 2000));
        var candidate = Run([PaymentsBesideHello(paymentP99: 20, helloP99: 8)], CeilingsOf(5000, 2000));

        var comparison = ReportComparison.Compare(baseline, candidate, 0.10);

        var p99 = Row(comparison, "POST /v1/payments", "p99 ms");
        Assert.Equal(Verdict.Drift, p99.Verdict);
        Assert.Equal(2.5, p99.BaselineRatio!.Value, 6);
        Assert.Equal(2.5, p99.CandidateRatio!.Value, 6);
        Assert.False(comparison.HasRegression);
    }

    [Fact]
    public void ALatencyThatRoseAgainstAnUnchangedHelloWorldIsARegression()
    {
        var baseline = Run([PaymentsBesideHello(paymentP99: 10, helloP99: 4)], CeilingsOf(5000, 2000));
        var candidate = Run([PaymentsBesideHello(paymentP99: 20, helloP99: 4.2)], CeilingsOf(5000, 2000));

        var comparison = ReportComparison.Compare(baseline, candidate, 0.10);

        Assert.Equal(Verdict.Regression, Row(comparison, "POST /v1/payments", "p99 ms").Verdict);
        Assert.Equal("hello-world at the same rate", Row(comparison, "POST /v1/payments", "p99 ms").Ceiling);
    }

    [Fact]
    public void TheHelloWorldBesideTheStepsIsShownButNeverJudged()
    {
        var baseline = Run([PaymentsBesideHello(paymentP99: 10, helloP99: 4)]);
        var candidate = Run([PaymentsBesideHello(paymentP99: 10, helloP99: 40)]);

        var comparison = ReportComparison.Compare(baseline, candidate, 0.10);

        Assert.Equal(Verdict.NotJudged, Row(comparison, CeilingMaths.HelloBesideOperation, "p99 ms").Verdict);
        Assert.False(comparison.HasRegression);
    }

    [Fact]
    public void AnAchievedRateIsJudgedAgainstTheSaturationRateWhenBothReportsHaveIt()
    {
        var baseline = Run([Step("stress 2000/s", 2000, Operation("POST /v1/payments", Latency(2, 10, 20)))], CeilingsOf(10_000, 2000));
        var slowerMachine = Run([Step("stress 2000/s", 1500, Operation("POST /v1/payments", Latency(2, 10, 20)))], CeilingsOf(7000, 2000));
        var slowerCode = Run([Step("stress 2000/s", 1500, Operation("POST /v1/payments", Latency(2, 10, 20)))], CeilingsOf(10_000, 2000));

        Assert.Equal(Verdict.Drift, Row(ReportComparison.Compare(baseline, slowerMachine, 0.10), "", "achieved /s").Verdict);
        Assert.Equal(Verdict.Regression, Row(ReportComparison.Compare(baseline, slowerCode, 0.10), "", "achieved /s").Verdict);
        Assert.Equal("hello-world saturation", Row(ReportComparison.Compare(baseline, slowerCode, 0.10), "", "achieved /s").Ceiling);
    }

    [Fact]
    public void AnyErrorAgainstABaselineWithoutErrorsIsARegression()
    {
        var baseline = Run([Step("payments 200/s", 200, Operation("POST /v1/payments", Latency(2, 10, 20), errors: 0))]);
        var candidate = Run([Step("payments 200/s", 200, Operation("POST /v1/payments", Latency(2, 10, 20), errors: 1))]);

        Assert.Equal(Verdict.Regression, Row(ReportComparison.Compare(baseline, candidate, 0.10), "POST /v1/payments", "errors").Verdict);
        Assert.Equal(Verdict.Better, Row(ReportComparison.Compare(candidate, baseline, 0.10), "POST /v1/payments", "errors").Verdict);
    }

    [Fact]
    public void ALowerStressBreakpointIsARegression()
    {
        var step = Step("stress 200/s", 200, Operation("POST /v1/payments", Latency(2, 10, 20)));
        var baseline = Run([step], breakpoint: new Breakpoint(2000, 2200, "at 2200/s: p99 60 ms > 50 ms"));
        var candidate = Run([step], breakpoint: new Breakpoint(1400, 1600, "at 1600/s: p99 60 ms > 50 ms"));

        Assert.Equal(Verdict.Regression, Row(ReportComparison.Compare(baseline, candidate, 0.10), "", "breakpoint (last good /s)").Verdict);
    }

    [Fact]
    public void StepsInOnlyOneReportAreNotedNotJudged()
    {
        var baseline = Run([Step("stress 200/s", 200, Operation("POST /v1/payments", Latency(2, 10, 20))), Step("stress 400/s", 400, Operation("POST /v1/payments", Latency(2, 10, 20)))]);
        var candidate = Run([Step("stress 200/s", 200, Operation("POST /v1/payments", Latency(2, 10, 20)))]);

        var comparison = ReportComparison.Compare(baseline, candidate, 0.10);

        Assert.Contains("step 'stress 400/s' is only in the baseline", comparison.Notes);
        Assert.False(comparison.HasRegression);
    }

    [Fact]
    public void TheCommandExitsOneOnARegressionZeroWithoutAndTwoOnAUsageError()
    {
        var directory = Directory.CreateTempSubdirectory("load-compare-");
        try
        {
            var baseline = Write(directory, "baseline.json", Run([PaymentsBesideHello(paymentP99: 10, helloP99: 4)], CeilingsOf(5000, 2000)));
            var same = Write(directory, "same.json", Run([PaymentsBesideHello(paymentP99: 10.5, helloP99: 4)], CeilingsOf(5000, 2000)));
            var worse = Write(directory, "worse.json", Run([PaymentsBesideHello(paymentP99: 30, helloP99: 4)], CeilingsOf(5000, 2000)));
            var broken = Path.Combine(directory.FullName, "broken.json");
            File.WriteAllText(broken, "{ not json");

            Assert.Equal(0, Compare(baseline, same));
            Assert.Equal(1, Compare(baseline, worse));
            var (exit, output) = Capture(baseline, worse, "--tolerance", "10%");
            Assert.Equal(1, exit);
            Assert.Contains("REGRESSION", output, StringComparison.Ordinal);
            Assert.Contains("+200.0%", output, StringComparison.Ordinal);
            Assert.Equal(0, Compare(baseline, worse, "--tolerance", "250"));
            Assert.Equal(2, Compare(baseline));
            Assert.Equal(2, Compare(baseline, broken));
            Assert.Equal(2, Compare(baseline, Path.Combine(directory.FullName, "missing.json")));
            Assert.Equal(2, Compare(baseline, same, "--tolerance", "lots"));
            Assert.Equal(2, Compare(baseline, same, "--bogus"));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("10%", 0.10)]
    [InlineData("10", 0.10)]
    [InlineData("2.5%", 0.025)]
    public void TheToleranceIsAPercentage(string value, double expected) =>
        Assert.Equal(expected, CompareCommand.Parse(["a.json", "b.json", "--tolerance", value]).Tolerance, 9);

    private static ComparisonRow Row(ReportComparison comparison, string operation, string metric) =>
        Assert.Single(comparison.Rows, r => r.Operation == operation && r.Metric == metric);

    private static string Write(DirectoryInfo directory, string name, RunReport report)
    {
        var path = Path.Combine(directory.FullName, name);
        File.WriteAllText(path, JsonReport.Render(report));
        return path;
    }

    private static int Compare(params string[] args) => Capture(args).Exit;

    private static (int Exit, string Output) Capture(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = CompareCommand.Run(args, output, error);
        return (exit, output.ToString() + error);
    }
}
