using PaymentPlatform.Load.Engine;

namespace PaymentPlatform.Load.Tests;

public sealed class RatePlanTests
{
    [Fact]
    public void AConstantRateSpacesArrivalsEvenly()
    {
        var plan = new RatePlan([Stage.Constant("steady", TimeSpan.FromSeconds(2), 1000)]);

        Assert.Equal(2000, plan.TotalArrivals);
        Assert.All(new long[] { 0, 1, 999, 1000, 1999 }, i =>
            Assert.Equal(i / 1000.0, plan.DueTime(i).Offset.TotalSeconds, precision: 6));
    }

    [Fact]
    public void ARampStartsArrivalsAsTheIntegralOfItsRate()
    {
        // 0 -> 100/s over 10 s: 500 arrivals, 125 of them in the first 5 s (the area under the line).
        var plan = new RatePlan([new Stage("ramp", TimeSpan.FromSeconds(10), 0, 100)]);
        var offsets = Enumerable.Range(0, (int)plan.TotalArrivals).Select(i => plan.DueTime(i).Offset.TotalSeconds).ToList();

        Assert.Equal(500, plan.TotalArrivals);
        Assert.Equal(125, offsets.Count(t => t < 5));
        Assert.InRange(offsets.Count(t => t is >= 9 and < 10), 94, 96);
        Assert.Equal(offsets.Order(), offsets);
    }

    [Fact]
    public void StagesFollowEachOtherAndEachArrivalKnowsItsStage()
    {
        var plan = new RatePlan([Stage.WarmUp(TimeSpan.FromSeconds(1), 100), Stage.Constant("measured", TimeSpan.FromSeconds(1), 200)]);

        Assert.Equal(300, plan.TotalArrivals);
        Assert.Equal((TimeSpan.FromSeconds(0.99), 0), plan.DueTime(99));
        Assert.Equal((TimeSpan.FromSeconds(1), 1), plan.DueTime(100));
        Assert.Equal(1.995, plan.DueTime(299).Offset.TotalSeconds, precision: 9);
        Assert.Equal(1, plan.StageAt(TimeSpan.FromSeconds(1.5)));
        Assert.Equal(TimeSpan.FromSeconds(2), plan.Duration);
        Assert.False(plan.Stages[0].Measured);
    }

    [Fact]
    public void ARampDownKeepsDueTimesInOrderUntilTheRateReachesZero()
    {
        var plan = new RatePlan([new Stage("down", TimeSpan.FromSeconds(3), 300, 0), Stage.Constant("after", TimeSpan.FromSeconds(1), 10)]);
        var offsets = Enumerable.Range(0, (int)plan.TotalArrivals).Select(i => plan.DueTime(i).Offset).ToList();

        Assert.Equal(460, plan.TotalArrivals);
        Assert.Equal(offsets.Order(), offsets);
        Assert.All(offsets.Take(450), t => Assert.True(t <= TimeSpan.FromSeconds(3)));
        Assert.Equal(TimeSpan.FromSeconds(3), offsets[450]);
    }

    [Fact]
    public void APauseHasNoArrivalsAndTheNextStageStartsAfterIt()
    {
        var plan = new RatePlan([Stage.Constant("a", TimeSpan.FromSeconds(1), 10), Stage.Constant("pause", TimeSpan.FromSeconds(2), 0), Stage.Constant("b", TimeSpan.FromSeconds(1), 10)]);

        Assert.Equal(20, plan.TotalArrivals);
        Assert.Equal((TimeSpan.FromSeconds(3), 2), plan.DueTime(10));
    }

    [Fact]
    public void RateAtFollowsTheRampLine()
    {
        var plan = new RatePlan([new Stage("ramp", TimeSpan.FromSeconds(4), 100, 500)]);

        Assert.Equal(300, plan.RateAt(TimeSpan.FromSeconds(2)), precision: 9);
    }

    [Fact]
    public void PlansWithoutStagesOrWithNegativeRatesAreRejected()
    {
        Assert.Throws<ArgumentException>(() => new RatePlan([]));
        Assert.Throws<ArgumentException>(() => new RatePlan([new Stage("bad", TimeSpan.FromSeconds(1), -1, 10)]));
        Assert.Throws<ArgumentException>(() => new RatePlan([Stage.Constant("empty", TimeSpan.Zero, 10)]));
    }
}
