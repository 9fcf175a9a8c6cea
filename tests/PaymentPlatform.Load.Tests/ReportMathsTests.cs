using System.Diagnostics;
using PaymentPlatform.Load.Engine;
using PaymentPlatform.Load.Histograms;
using PaymentPlatform.Load.Reporting;

namespace PaymentPlatform.Load.Tests;

public sealed class ReportMathsTests
{
    private const long Start = 1_000_000_000_000;

    [Fact]
    public void AStepCountsOnlyMeasuredStagesAndRatesCompletionsOverTheirDuration()
    {
        var plan = new RatePlan([Stage.WarmUp(TimeSpan.FromSeconds(1), 10), Stage.Constant("steady", TimeSpan.FromSeconds(2), 10)]);
        var measurements = new StepMeasurements(plan, ["GET /", "follow-up"], Start);
        for (var i = 0; i < 30; i++)
        {
            var due = At(i / 10.0);
            measurements.RecordAt(0, due, due + Ms(i < 10 ? 50 : 2), i == 25 ? Outcome.Error("http 500") : Outcome.Ok);
        }
        measurements.RecordAt(1, At(2.5), At(2.5) + Ms(7), Outcome.Expected("declined"));

        var step = ReportMaths.Step("test", measurements);

        Assert.Equal(10, step.TargetRate, precision: 9);
        // 20 completions in the 2 measured seconds, but the 500 is not an answer: 19 / 2.
        Assert.Equal(9.5, step.AchievedRate, precision: 9);
        Assert.Equal(20, step.Latency.Count);
        Assert.Equal(2, step.Latency.MaxMs);
        Assert.Equal(1, step.Errors);
        Assert.Equal(new Dictionary<string, long> { ["GET /: http 500"] = 1 }, step.ErrorsByKind);
        Assert.Equal(1, step.Operations[1].Latency.Count);
        Assert.Equal(0, step.Operations[1].Errors);
        Assert.Equal(1, step.Operations[1].Outcomes["declined"]);
        Assert.Equal(50, step.Stages[0].Latency.MaxMs);
        Assert.False(step.Stages[0].Measured);
    }

    [Fact]
    public void CompletionsAfterThePlanEndsDoNotRaiseTheAchievedRate()
    {
        var plan = new RatePlan([Stage.Constant("steady", TimeSpan.FromSeconds(1), 10)]);
        var measurements = new StepMeasurements(plan, ["op"], Start);
        for (var i = 0; i < 10; i++)
        {
            // Half answered within the second, half only while draining.
            measurements.RecordAt(0, At(i / 10.0), At(i < 5 ? 0.6 : 1.5), Outcome.Ok);
        }

        var step = ReportMaths.Step("test", measurements);

        Assert.Equal(5, step.AchievedRate, precision: 9);
        Assert.Equal(10, step.Latency.Count);
        Assert.Equal(5, measurements.CompletedAfterPlan);
    }

    [Fact]
    public void TheTimelineGroupsBySecondOfCompletionAndStopsAtTheLastBusySecond()
    {
        var plan = new RatePlan([Stage.Constant("steady", TimeSpan.FromSeconds(3), 2)]);
        var measurements = new StepMeasurements(plan, ["op"], Start);
        measurements.RecordAt(0, At(0), At(0.001), Outcome.Ok);
        measurements.RecordAt(0, At(0.5), At(1.5), Outcome.Error("timeout"));

        var timeline = ReportMaths.Timeline(measurements.Timeline);

        Assert.Equal(2, timeline.Count);
        Assert.Equal((1L, 0L, 1.0), (timeline[0].Completed, timeline[0].Errors, timeline[0].P99Ms!.Value));
        Assert.Equal((1L, 1L, 1000.0), (timeline[1].Completed, timeline[1].Errors, timeline[1].P99Ms!.Value));
    }

    [Fact]
    public void TheGeneratorWarnsWhenItsStartLagP99PassesOneMillisecondOrItDropped()
    {
        var punctual = new LatencyHistogram();
        punctual.Record(100, count: 1000);
        var late = punctual.Copy();
        late.Record(5000, count: 20);

        Assert.True(ReportMaths.Generator(punctual, dropped: 0).KeptSchedule);
        Assert.Contains("late", ReportMaths.Generator(late, dropped: 0).Warning, StringComparison.Ordinal);
        Assert.Contains("dropped 3", ReportMaths.Generator(punctual, dropped: 3).Warning, StringComparison.Ordinal);
    }

    [Fact]
    public void TheBreakpointIsTheFirstStepWithAHighP99OrErrors()
    {
        Assert.Equal(new Breakpoint(400, 600, "at 600/s: p99 60.00 ms > 50 ms"), ReportMaths.FindBreakpoint([Step(200, 10, 0), Step(400, 20, 0), Step(600, 60, 0)], 50));
        Assert.Equal(new Breakpoint(200, 400, "at 400/s: 3 errors"), ReportMaths.FindBreakpoint([Step(200, 10, 0), Step(400, 20, 3), Step(600, 60, 0)], 50));
        Assert.Null(ReportMaths.FindBreakpoint([Step(200, 10, 0)], 50).FirstBadRate);
        Assert.Null(ReportMaths.FindBreakpoint([Step(200, 80, 0)], 50).LastGoodRate);
    }

    [Fact]
    public void TheDistributionRisesToTheMaximumAndOnlyShowsPercentilesTheSampleSupports()
    {
        var histogram = new LatencyHistogram();
        for (var i = 1; i <= 100; i++)
        {
            histogram.Record(i * 1000);
        }

        var points = ReportMaths.Distribution(histogram);

        Assert.Equal(99, points[^2].Percentile);
        Assert.Equal((100, 100.0), (points[^1].Percentile, points[^1].LatencyMs));
        Assert.Equal(points.Select(p => p.LatencyMs).Order(), points.Select(p => p.LatencyMs));
        Assert.Equal(50, points.Single(p => p.Percentile == 50).LatencyMs, precision: 0);
    }

    [Theory]
    [InlineData(0.7, 1)]
    [InlineData(3.2, 5)]
    [InlineData(20, 20)]
    [InlineData(21, 25)]
    [InlineData(0, 1)]
    public void ChartAxesEndAtANiceNumber(double value, double nice) => Assert.Equal(nice, SvgChart.NiceCeiling(value));

    private static StepReport Step(double rate, double p99, long errors) => new(
        $"{rate}", "op", 10, rate, rate, rate, new LatencySummary(100, 1, 2, p99, p99, p99, 1), errors,
        new Dictionary<string, long>(), [], [], [], [], new GeneratorHealth(0, 0, 0, 0, null));

    private static long At(double seconds) => Start + (long)(seconds * Stopwatch.Frequency);

    private static long Ms(double milliseconds) => (long)(milliseconds / 1000 * Stopwatch.Frequency);
}
