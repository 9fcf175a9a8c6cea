namespace PaymentPlatform.Load.Engine;

/// <summary>
/// One stage of a schedule: for <see cref="Duration"/> the arrival rate moves linearly from
/// <see cref="StartRate"/> to <see cref="EndRate"/> (per second); a warm-up stage is not measured.
/// </summary>
public sealed record Stage(string Name, TimeSpan Duration, double StartRate, double EndRate, bool Measured = true)
{
    public static Stage Constant(string name, TimeSpan duration, double rate, bool measured = true) =>
        new(name, duration, rate, rate, measured);

    public static Stage WarmUp(TimeSpan duration, double rate) => new("warm-up", duration, rate, rate, Measured: false);

    /// <summary>How many arrivals the stage holds: the area under its rate line.</summary>
    public double Arrivals => (StartRate + EndRate) / 2 * Duration.TotalSeconds;
}

/// <summary>
/// When each request is due, as k6's ramping-arrival-rate and Gatling's open injection profiles
/// define it: arrival <c>i</c> (from 0) starts at the time when the integral of the rate reaches
/// <c>i</c>, whatever the server is doing.
/// </summary>
public sealed class RatePlan
{
    private readonly double[] _stageStartSeconds;
    private readonly double[] _arrivalsBeforeStage;

    public RatePlan(IReadOnlyList<Stage> stages)
    {
        ArgumentNullException.ThrowIfNull(stages);
        if (stages.Count == 0)
        {
            throw new ArgumentException("A plan needs at least one stage.", nameof(stages));
        }
        foreach (var stage in stages)
        {
            if (stage.Duration <= TimeSpan.Zero || stage.StartRate < 0 || stage.EndRate < 0)
            {
                throw new ArgumentException($"Stage '{stage.Name}' needs a positive duration and rates of at least 0.", nameof(stages));
            }
        }
        Stages = stages;
        _stageStartSeconds = new double[stages.Count];
        _arrivalsBeforeStage = new double[stages.Count];
        for (var i = 1; i < stages.Count; i++)
        {
            _stageStartSeconds[i] = _stageStartSeconds[i - 1] + stages[i - 1].Duration.TotalSeconds;
            _arrivalsBeforeStage[i] = _arrivalsBeforeStage[i - 1] + stages[i - 1].Arrivals;
        }
        Duration = TimeSpan.FromSeconds(_stageStartSeconds[^1] + stages[^1].Duration.TotalSeconds);
        TotalArrivals = (long)Math.Ceiling(_arrivalsBeforeStage[^1] + stages[^1].Arrivals - 1e-9);
    }

    public IReadOnlyList<Stage> Stages { get; }

    public TimeSpan Duration { get; }

    /// <summary>How many requests the plan starts.</summary>
    public long TotalArrivals { get; }

    public TimeSpan StageStart(int stage) => TimeSpan.FromSeconds(_stageStartSeconds[stage]);

    /// <summary>The stage running at <paramref name="offset"/> from the plan's start.</summary>
    public int StageAt(TimeSpan offset)
    {
        var seconds = offset.TotalSeconds;
        for (var i = Stages.Count - 1; i > 0; i--)
        {
            if (seconds >= _stageStartSeconds[i])
            {
                return i;
            }
        }
        return 0;
    }

    /// <summary>The target rate at <paramref name="offset"/> from the plan's start.</summary>
    public double RateAt(TimeSpan offset)
    {
        var stage = StageAt(offset);
        var s = Stages[stage];
        var progress = Math.Clamp((offset.TotalSeconds - _stageStartSeconds[stage]) / s.Duration.TotalSeconds, 0, 1);
        return s.StartRate + ((s.EndRate - s.StartRate) * progress);
    }

    /// <summary>When arrival <paramref name="index"/> is due, from the plan's start, and in which stage.</summary>
    public (TimeSpan Offset, int Stage) DueTime(long index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, TotalArrivals);
        var stage = Stages.Count - 1;
        while (stage > 0 && index < _arrivalsBeforeStage[stage])
        {
            stage--;
        }
        // Skip stages with no arrivals at all (a pause) that share this arrival count.
        while (stage < Stages.Count - 1 && Stages[stage].Arrivals == 0)
        {
            stage++;
        }
        var s = Stages[stage];
        var n = index - _arrivalsBeforeStage[stage];
        // Within a stage the rate is a + k t, so the arrivals so far are a t + k t^2 / 2 = n. This
        // root is the stable form of the quadratic formula, and also right when k is 0 (n / a).
        var a = s.StartRate;
        var k = (s.EndRate - s.StartRate) / s.Duration.TotalSeconds;
        var root = Math.Sqrt(Math.Max(0, (a * a) + (2 * k * n)));
        var t = n <= 0 ? 0 : 2 * n / (a + root);
        t = Math.Min(t, s.Duration.TotalSeconds);
        return (TimeSpan.FromSeconds(_stageStartSeconds[stage] + t), stage);
    }
}
