using PaymentPlatform.Load.Cli;
using PaymentPlatform.Load.Engine;

namespace PaymentPlatform.Load.Faults;

/// <summary>
/// The schedule of a fault run: one steady stage at the rate, long enough for a quiet baseline, then one
/// <c>--fault-gap</c> per fault (the fault, and the platform's recovery from it), then a quiet tail.
/// </summary>
public static class FaultTimeline
{
    public const double DefaultRate = 20;

    /// <summary>Load before the first fault: errors in it are not any fault's.</summary>
    public static readonly TimeSpan Baseline = TimeSpan.FromSeconds(10);

    /// <summary>Load after the last fault's gap, so its late errors and recovery are still measured.</summary>
    public static readonly TimeSpan Tail = TimeSpan.FromSeconds(10);

    /// <summary>A fault is not injected when less than this is left of the schedule (the previous ones' recoveries ran long).</summary>
    public static readonly TimeSpan MinimumWindow = TimeSpan.FromSeconds(15);

    public static TimeSpan Lead(LoadOptions options) => (options ?? throw new ArgumentNullException(nameof(options))).Ramp + options.WarmUp;

    public static RatePlan Plan(LoadOptions options, int faults)
    {
        ArgumentNullException.ThrowIfNull(options);
        var rate = options.Rate ?? DefaultRate;
        var stages = new List<Stage>();
        if (options.Ramp > TimeSpan.Zero)
        {
            stages.Add(new Stage("ramp-up", options.Ramp, rate / 10, rate, Measured: false));
        }
        if (options.WarmUp > TimeSpan.Zero)
        {
            stages.Add(Stage.WarmUp(options.WarmUp, rate));
        }
        stages.Add(Stage.Constant("faults", Baseline + (options.FaultGap * faults) + Tail, rate));
        return new RatePlan(stages);
    }

    /// <summary>When fault <paramref name="index"/> is due, from the start of the schedule.</summary>
    public static TimeSpan DueAt(LoadOptions options, int index) => Lead(options) + Baseline + (options.FaultGap * index);
}
