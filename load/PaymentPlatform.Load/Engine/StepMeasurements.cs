using System.Collections.Concurrent;
using System.Diagnostics;
using PaymentPlatform.Load.Histograms;

namespace PaymentPlatform.Load.Engine;

/// <summary>What one operation of a scenario did: latencies overall (measured stages only) and per stage, and outcomes by kind.</summary>
public sealed class OperationMeasurements(string name, int stages)
{
    /// <summary>How an error's kind is marked among the outcomes.</summary>
    public const string ErrorPrefix = "error: ";

    public string Name { get; } = name;

    public LatencyHistogram Measured { get; } = new();

    public LatencyHistogram[] ByStage { get; } = [.. Enumerable.Range(0, stages).Select(_ => new LatencyHistogram())];

    /// <summary>Outcome kind to count, measured stages only.</summary>
    public ConcurrentDictionary<string, long> Outcomes { get; } = new(StringComparer.Ordinal);

    /// <summary>Errors per stage (warm-up included), for the stress scenario's verdict.</summary>
    public long[] ErrorsByStage { get; } = new long[stages];
}

/// <summary>One second of the run, by the time requests completed: the scheduled operation's latencies.</summary>
public sealed class SecondWindow
{
    public LatencyHistogram Latency { get; } = new();

    public long Sent;

    public long Errors;
}

/// <summary>
/// Everything recorded during one run of a plan. Every counter is updated with Interlocked from
/// the request callbacks and read live by the progress display.
/// </summary>
public sealed class StepMeasurements : IOutcomeRecorder
{
    /// <summary>Seconds after the plan's end still kept in the timeline while the last requests finish.</summary>
    private const int DrainSeconds = 60;

    private readonly long _startTimestamp;
    private long _inFlight;
    private long _completedAfterPlan;

    public StepMeasurements(RatePlan plan, IReadOnlyList<string> operations, long startTimestamp)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(operations);
        Plan = plan;
        _startTimestamp = startTimestamp;
        Operations = [.. operations.Select(name => new OperationMeasurements(name, plan.Stages.Count))];
        SentByStage = new long[plan.Stages.Count];
        CompletedByStage = new long[plan.Stages.Count];
        AnsweredByStage = new long[plan.Stages.Count];
        DroppedByStage = new long[plan.Stages.Count];
        Timeline = [.. Enumerable.Range(0, (int)Math.Ceiling(plan.Duration.TotalSeconds) + DrainSeconds).Select(_ => new SecondWindow())];
    }

    public RatePlan Plan { get; }

    public OperationMeasurements[] Operations { get; }

    /// <summary>How late the generator started requests against their schedule, in µs (measured stages).</summary>
    public LatencyHistogram StartLag { get; } = new();

    /// <summary>Scheduled requests actually sent, by the stage they were due in.</summary>
    public long[] SentByStage { get; }

    /// <summary>Scheduled requests answered after the plan's last due time, while draining.</summary>
    public long CompletedAfterPlan => Interlocked.Read(ref _completedAfterPlan);

    /// <summary>Scheduled requests answered (or failed), by the stage they completed in.</summary>
    public long[] CompletedByStage { get; }

    /// <summary>Scheduled requests answered without an error, by the stage they completed in: the achieved rate.</summary>
    public long[] AnsweredByStage { get; }

    /// <summary>Scheduled requests not sent because too many were already in flight.</summary>
    public long[] DroppedByStage { get; }

    public SecondWindow[] Timeline { get; }

    public long InFlight => Interlocked.Read(ref _inFlight);

    public long StartTimestamp => _startTimestamp;

    /// <summary>The wall-clock span from the first due time to the last completion.</summary>
    public TimeSpan Elapsed { get; private set; }

    public void Record(int operation, long startTimestamp, Outcome outcome) =>
        RecordAt(operation, startTimestamp, Stopwatch.GetTimestamp(), outcome);

    /// <summary>Records an operation that ended at <paramref name="now"/> (a <c>Stopwatch</c> timestamp).</summary>
    internal void RecordAt(int operation, long startTimestamp, long now, Outcome outcome)
    {
        var stage = Plan.StageAt(Stopwatch.GetElapsedTime(_startTimestamp, startTimestamp));
        var measured = Plan.Stages[stage].Measured;
        var stats = Operations[operation];
        var latency = Math.Max(0, Stopwatch.GetElapsedTime(startTimestamp, now).Ticks / TimeSpan.TicksPerMicrosecond);
        stats.ByStage[stage].Record(latency);
        if (outcome.IsError)
        {
            Interlocked.Increment(ref stats.ErrorsByStage[stage]);
        }
        if (measured)
        {
            stats.Measured.Record(latency);
            stats.Outcomes.AddOrUpdate(outcome.IsError ? OperationMeasurements.ErrorPrefix + outcome.Kind : outcome.Kind, 1, (_, n) => n + 1);
        }
        if (operation == 0)
        {
            var window = Timeline[SecondOf(now)];
            window.Latency.Record(latency);
            if (outcome.IsError)
            {
                Interlocked.Increment(ref window.Errors);
            }
            var completedAt = Stopwatch.GetElapsedTime(_startTimestamp, now);
            if (completedAt < Plan.Duration)
            {
                var completedStage = Plan.StageAt(completedAt);
                Interlocked.Increment(ref CompletedByStage[completedStage]);
                if (!outcome.IsError)
                {
                    Interlocked.Increment(ref AnsweredByStage[completedStage]);
                }
            }
            else
            {
                Interlocked.Increment(ref _completedAfterPlan);
            }
        }
    }

    internal void RecordSent(Arrival arrival, long sentTimestamp)
    {
        Interlocked.Increment(ref _inFlight);
        Interlocked.Increment(ref SentByStage[arrival.Stage]);
        Interlocked.Increment(ref Timeline[SecondOf(sentTimestamp)].Sent);
    }

    internal void RecordStarted(Arrival arrival, long startedTimestamp)
    {
        if (Plan.Stages[arrival.Stage].Measured)
        {
            StartLag.RecordElapsed(arrival.DueTimestamp, startedTimestamp);
        }
    }

    internal void RecordFinished() => Interlocked.Decrement(ref _inFlight);

    internal void RecordDropped(Arrival arrival) => Interlocked.Increment(ref DroppedByStage[arrival.Stage]);

    internal void Complete(long endTimestamp) => Elapsed = Stopwatch.GetElapsedTime(_startTimestamp, endTimestamp);

    internal int SecondOf(long timestamp) =>
        (int)Math.Clamp(Stopwatch.GetElapsedTime(_startTimestamp, timestamp).TotalSeconds, 0, Timeline.Length - 1);
}
