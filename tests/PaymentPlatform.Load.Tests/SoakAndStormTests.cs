using PaymentPlatform.Load.Cli;
using PaymentPlatform.Load.Scenarios;
using PaymentPlatform.Load.Scenarios.Payments;
using PaymentPlatform.Load.Scenarios.Soak;

namespace PaymentPlatform.Load.Tests;

public sealed class SoakAndStormTests
{
    [Fact]
    public void ASoakRunsTenMinutesByDefaultAsOneMeasuredStagePerMinute()
    {
        var options = LoadOptions.Parse(["--scenario", "soak"]);

        var (name, plan) = Assert.Single(ScenarioPlans.Steps(options));

        Assert.Equal("soak 100/s", name);
        var measured = plan.Stages.Where(s => s.Measured).ToList();
        Assert.Equal(10, measured.Count);
        Assert.All(measured, s => Assert.Equal((TimeSpan.FromMinutes(1), 100.0, 100.0), (s.Duration, s.StartRate, s.EndRate)));
        Assert.Equal(["0-60 s", "540-600 s"], new[] { measured[0].Name, measured[^1].Name });
    }

    [Fact]
    public void ASoakIntervalThatDoesNotDivideTheDurationLeavesAShorterLastStage()
    {
        var options = LoadOptions.Parse(["--scenario", "soak", "--rate", "20", "--duration", "25", "--soak-interval", "10", "--ramp", "0", "--warmup", "0"]);

        var plan = ScenarioPlans.Steps(options)[0].Plan;

        Assert.Equal([10.0, 10, 5], plan.Stages.Select(s => s.Duration.TotalSeconds));
        Assert.Equal(TimeSpan.FromSeconds(25), plan.Duration);
    }

    [Fact]
    public void ARetryStormRunsOneSteadyStepAt50PerSecondByDefault()
    {
        var (name, plan) = Assert.Single(ScenarioPlans.Steps(LoadOptions.Parse(["--scenario", "retry-storm"])));

        Assert.Equal("retry-storm 50/s", name);
        Assert.Equal(50, plan.Stages[^1].StartRate);
    }

    [Fact]
    public void InARetryStormEveryPaymentIsSentTwoToFiveTimesAndNeverRetriedLater()
    {
        var storm = new PaymentMix(50, 10_000, Storm: true);
        var plain = new PaymentMix(50, 10_000);

        var copies = Enumerable.Range(0, 2000).Select(i => storm.For(i)).ToList();

        Assert.All(copies, p => Assert.InRange(p.Copies, PaymentMix.MinStormCopies, PaymentMix.MaxStormCopies));
        Assert.Equal([2, 3, 4, 5], copies.Select(p => p.Copies).Distinct().Order());
        Assert.DoesNotContain(copies, p => p.Retry);
        Assert.All(Enumerable.Range(0, 2000), i => Assert.Equal(1, plain.For(i).Copies));
        // The storm changes only the copies and the retries: the rest of each plan is the same payment.
        Assert.All(Enumerable.Range(0, 200), i => Assert.Equal(plain.For(i) with { Retry = false }, storm.For(i) with { Copies = 1 }));
    }

    [Fact]
    public void TheCeilingOptionsHaveDefaultsAndCanBeTurnedOff()
    {
        var defaults = LoadOptions.Parse(["--scenario", "payments-200"]);
        var changed = LoadOptions.Parse(["--scenario", "payments-200", "--no-pgbench", "--no-saturation", "--pgbench-seconds", "5", "--saturation-seconds", "2"]);

        Assert.Equal((true, 30, true, 3.0), (defaults.Pgbench, defaults.PgbenchSeconds, defaults.Saturation, defaults.SaturationSeconds.TotalSeconds));
        Assert.Equal((false, 5, false, 2.0), (changed.Pgbench, changed.PgbenchSeconds, changed.Saturation, changed.SaturationSeconds.TotalSeconds));
        Assert.Throws<FormatException>(() => LoadOptions.Parse(["--scenario", "soak", "--soak-interval", "0"]));
    }

    [Fact]
    public void ASoakFlagsP99DriftAndMemoryGrowthBetweenItsFirstAndLastInterval()
    {
        SoakInterval Interval(string name, double p99) => new(name, 100, 100, 1, p99, p99 * 2, 0);
        MemorySeries Memory(string process, params double?[] mib) => new(process, mib);

        var steady = SoakDrift.Judge([Interval("0-60 s", 4), Interval("60-120 s", 5)], [Memory("gateway#0", 100, 105, 110)]);
        var drifting = SoakDrift.Judge([Interval("0-60 s", 4), Interval("60-120 s", 9)], [Memory("gateway#0", 100, null, 150), Memory("risk#0", 50, 52)]);
        var subMillisecond = SoakDrift.Judge([Interval("0-60 s", 0.2), Interval("60-120 s", 0.9)], [Memory("redis#0", 5, 9)]);

        Assert.Empty(steady);
        Assert.Equal(2, drifting.Count);
        Assert.Contains("latency drift: p99 4.00 ms in 0-60 s, 9.00 ms in 60-120 s", drifting[0], StringComparison.Ordinal);
        Assert.Contains("memory growth: gateway#0 100 MiB to 150 MiB (+50%)", drifting[1], StringComparison.Ordinal);
        Assert.Empty(subMillisecond);
    }

    [Fact]
    public void AProcesssResidentMemoryIsReadFromItsStatus()
    {
        Assert.Equal(2.0, ProcessMemory.ParseVmRss("Name:\tdotnet\nVmPeak:\t  9999 kB\nVmRSS:\t    2048 kB\nThreads: 4\n"));
        Assert.Null(ProcessMemory.ParseVmRss("Name:\tkthreadd\n"));
        Assert.NotNull(ProcessMemory.ResidentMiB(Environment.ProcessId));
    }
}
