namespace PaymentPlatform.Load.Engine;

/// <summary>One scheduled request: its place in the plan and the time it was due (a <c>Stopwatch</c> timestamp).</summary>
public readonly record struct Arrival(long Index, int Stage, long DueTimestamp);

/// <summary>Where a scenario records how each of its requests went.</summary>
public interface IOutcomeRecorder
{
    /// <summary>Records operation <paramref name="operation"/> (an index into <see cref="IScenario.Operations"/>), timed from <paramref name="startTimestamp"/> to now.</summary>
    void Record(int operation, long startTimestamp, Outcome outcome);
}

/// <summary>
/// What a scheduled arrival does. Operation 0 is the scheduled request itself and must be
/// timed from the arrival's due time; later operations are follow-ups the scenario sends once it
/// has the first answer (a capture, a refund, a retry), timed from their own start.
/// </summary>
public interface IScenario
{
    string Name { get; }

    IReadOnlyList<string> Operations { get; }

    Task ExecuteAsync(Arrival arrival, IOutcomeRecorder recorder, CancellationToken cancellationToken);
}
