using PaymentPlatform.Load.Cli;
using PaymentPlatform.Load.Scenarios;

namespace PaymentPlatform.Load.Tests;

public sealed class ScenarioPlansTests
{
    [Fact]
    public void HelloRunsOneMeasuredStepPerRateAfterAnUnmeasuredRampAndWarmUp()
    {
        var options = LoadOptions.Parse(["--scenario", "hello", "--rates", "1000,5000", "--duration", "10", "--warmup", "5", "--ramp", "2"]);

        var steps = ScenarioPlans.Steps(options);

        Assert.Equal(["hello 1000/s", "hello 5000/s"], steps.Select(s => s.Name));
        var plan = steps[1].Plan;
        Assert.Equal(["ramp-up", "warm-up", "steady"], plan.Stages.Select(s => s.Name));
        Assert.Equal([false, false, true], plan.Stages.Select(s => s.Measured));
        Assert.Equal((500.0, 5000.0), (plan.Stages[0].StartRate, plan.Stages[0].EndRate));
        Assert.Equal(TimeSpan.FromSeconds(17), plan.Duration);
    }

    [Fact]
    public void ASpikeTriplesTheBaselineThenReturnsToIt()
    {
        var plan = ScenarioPlans.Steps(LoadOptions.Parse(["--scenario", "spike", "--rate", "100", "--ramp", "0", "--warmup", "0"]))[0].Plan;

        Assert.Equal([100.0, 300.0, 100.0], plan.Stages.Select(s => s.StartRate));
        Assert.All(plan.Stages, s => Assert.True(s.Measured));
    }

    [Fact]
    public void StressClimbsInStepsUpToTheMaximumRate()
    {
        var options = LoadOptions.Parse(["--scenario", "stress", "--start-rate", "200", "--step-rate", "300", "--max-rate", "1000"]);

        Assert.Equal([200.0, 500.0, 800.0], ScenarioPlans.StressRates(options));
    }

    [Theory]
    [InlineData("--scenario", "nope")]
    [InlineData("--scenario", "hello", "--rate", "fast")]
    [InlineData("--scenario", "hello", "--unknown", "1")]
    [InlineData("--rate", "100")]
    public void BadCommandLinesAreRejectedWithAReason(params string[] args) =>
        Assert.Throws<FormatException>(() => LoadOptions.Parse(args));
}
