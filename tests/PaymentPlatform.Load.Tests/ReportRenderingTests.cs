using PaymentPlatform.Load.Engine;
using PaymentPlatform.Load.Reporting;

namespace PaymentPlatform.Load.Tests;

public sealed class ReportRenderingTests
{
    [Fact]
    public void EveryFormatCarriesTheMeasurementConditionsAndTheFigures()
    {
        var report = SampleReport();

        foreach (var rendered in new[] { TextReport.Render(report), JsonReport.Render(report), HtmlReport.Render(report) })
        {
            Assert.Contains("HelloWorld started by the test", rendered, StringComparison.Ordinal);
            Assert.Contains("--scenario hello", rendered, StringComparison.Ordinal);
            Assert.Contains("1.23 4.56 7.89", rendered, StringComparison.Ordinal);
        }
        Assert.Contains("p99.9", TextReport.Render(report), StringComparison.Ordinal);
    }

    [Fact]
    public void TheJsonReportReadsBackWithItsFigures()
    {
        var report = SampleReport();

        var parsed = JsonReport.Parse(JsonReport.Render(report))!;

        Assert.Equal(report.Steps[0].Latency, parsed.Steps[0].Latency);
        Assert.Equal(report.Steps[0].TargetRate, parsed.Steps[0].TargetRate);
        Assert.Equal(report.Conditions.Cores, parsed.Conditions.Cores);
        Assert.Contains("\"p99_ms\"", JsonReport.Render(report), StringComparison.Ordinal);
    }

    [Fact]
    public void TheHtmlReportIsSelfContainedWithItsCharts()
    {
        var html = HtmlReport.Render(SampleReport());

        Assert.Equal(3, html.Split("<svg").Length - 1);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("src=", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
    }

    private static RunReport SampleReport()
    {
        var plan = new RatePlan([Stage.Constant("steady", TimeSpan.FromSeconds(2), 5)]);
        var measurements = new StepMeasurements(plan, ["GET /"], 1_000_000_000);
        for (var i = 0; i < 10; i++)
        {
            var due = 1_000_000_000 + (i * System.Diagnostics.Stopwatch.Frequency / 5);
            measurements.RecordAt(0, due, due + (System.Diagnostics.Stopwatch.Frequency / 1000 * (i + 1)), Outcome.Ok);
        }
        var conditions = new MeasurementConditions(2, "test cpu", "1 GiB", "test os", ".NET test", "1.23 4.56 7.89", "0.1 0.2 0.3",
            "HelloWorld started by the test", ["a note"], "dotnet run -- --scenario hello");
        return new RunReport("hello", DateTimeOffset.UnixEpoch, 3, conditions, [ReportMaths.Step("hello 5/s", measurements)], [], null, []);
    }
}
