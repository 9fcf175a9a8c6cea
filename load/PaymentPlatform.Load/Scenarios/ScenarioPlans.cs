using PaymentPlatform.Load.Cli;
using PaymentPlatform.Load.Engine;

namespace PaymentPlatform.Load.Scenarios;

/// <summary>The schedule of each scenario: its steps, and each step's stages.</summary>
public static class ScenarioPlans
{
    public const double HelloDefaultRate = 1000;
    public const double PaymentsDefaultRate = 200;
    public const double SpikeDefaultRate = 100;
    public const double SpikeFactor = 3;
    public const double SoakDefaultRate = 100;
    public const double RetryStormDefaultRate = 50;

    /// <summary>The fixed steps of every scenario but stress, whose steps depend on the last one's outcome.</summary>
    public static IReadOnlyList<(string Name, RatePlan Plan)> Steps(LoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Scenario switch
        {
            "hello" => [.. (options.Rates.Count > 0 ? options.Rates : [options.Rate ?? HelloDefaultRate]).Select(rate => ($"hello {rate:0}/s", Steady(rate, options)))],
            "payments-200" => [($"payments {options.Rate ?? PaymentsDefaultRate:0}/s", Steady(options.Rate ?? PaymentsDefaultRate, options))],
            // Two steps, so each rate gets its own percentiles (validation and the hello-world beside it).
            "handles-200" => [($"handles {options.Baseline:0}/s", Steady(options.Baseline, options)), ($"handles {options.Peak:0}/s", Steady(options.Peak, options))],
            "spike" => [($"spike {options.Rate ?? SpikeDefaultRate:0}/s x{SpikeFactor}", Spike(options.Rate ?? SpikeDefaultRate, options))],
            "soak" => [($"soak {options.Rate ?? SoakDefaultRate:0}/s", Soak(options.Rate ?? SoakDefaultRate, options))],
            "retry-storm" => [($"retry-storm {options.Rate ?? RetryStormDefaultRate:0}/s", Steady(options.Rate ?? RetryStormDefaultRate, options))],
            // The fault suite runs through Faults/FaultRun.cs; this is its schedule.
            "faults" => [($"faults {options.Rate ?? Faults.FaultTimeline.DefaultRate:0}/s", Faults.FaultTimeline.Plan(options, Faults.FaultCatalog.Select(options.Faults).Count))],
            _ => throw new ArgumentException($"'{options.Scenario}' has no fixed steps.", nameof(options)),
        };
    }

    /// <summary>The stress test's rates, lowest first; it stops at the first that breaks the limits.</summary>
    public static IEnumerable<double> StressRates(LoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.StepRate <= 0)
        {
            yield return options.StartRate;
            yield break;
        }
        for (var rate = options.StartRate; rate <= options.MaxRate; rate += options.StepRate)
        {
            yield return rate;
        }
    }

    public static RatePlan Steady(double rate, LoadOptions options) =>
        new([.. Lead(rate, options), Stage.Constant("steady", options.Duration, rate)]);

    public static RatePlan Handles(LoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new([.. Lead(options.Baseline, options),
            Stage.Constant("baseline", options.Duration, options.Baseline),
            Stage.Constant("peak", options.Duration, options.Peak)]);
    }

    public static RatePlan Spike(double rate, LoadOptions options) =>
        new([.. Lead(rate, options),
            Stage.Constant("baseline", options.Duration, rate),
            Stage.Constant($"spike x{SpikeFactor}", options.Duration, rate * SpikeFactor),
            Stage.Constant("back", options.Duration, rate)]);

    /// <summary>A sustained rate for the whole --duration, as one measured stage per --soak-interval (the last may be shorter).</summary>
    public static RatePlan Soak(double rate, LoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var stages = new List<Stage>(Lead(rate, options));
        for (var start = TimeSpan.Zero; start < options.Duration; start += options.SoakInterval)
        {
            var end = start + options.SoakInterval < options.Duration ? start + options.SoakInterval : options.Duration;
            stages.Add(Stage.Constant(FormattableString.Invariant($"{start.TotalSeconds:0}-{end.TotalSeconds:0} s"), end - start, rate));
        }
        return new(stages);
    }

    /// <summary>How long the unmeasured start of a step takes (ramp-up and warm-up).</summary>
    public static TimeSpan LeadDuration(LoadOptions options) =>
        (options ?? throw new ArgumentNullException(nameof(options))).Ramp + options.WarmUp;

    /// <summary>The unmeasured start: a ramp from a tenth of the rate, then a warm-up at the rate.</summary>
    private static IEnumerable<Stage> Lead(double rate, LoadOptions options)
    {
        if (options.Ramp > TimeSpan.Zero)
        {
            yield return new Stage("ramp-up", options.Ramp, rate / 10, rate, Measured: false);
        }
        if (options.WarmUp > TimeSpan.Zero)
        {
            yield return Stage.WarmUp(options.WarmUp, rate);
        }
    }
}
