using PaymentPlatform.Load.Engine;
using PaymentPlatform.Load.Progress;

namespace PaymentPlatform.Load.Tests;

public sealed class OpenModelRunnerTests
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task EveryScheduledArrivalIsSentAndRecordedOnce()
    {
        var scenario = new ImmediateScenario();
        var plan = new RatePlan([Stage.WarmUp(TimeSpan.FromSeconds(0.2), 100), Stage.Constant("steady", TimeSpan.FromSeconds(0.5), 200)]);

        var measurements = await new OpenModelRunner(RunnerSettings.Default)
            .RunAsync("test", scenario, plan, new Ignore(), CancellationToken.None).WaitAsync(TestTimeout);

        Assert.Equal(120, measurements.SentByStage.Sum());
        Assert.Equal(Enumerable.Range(0, 120).Select(i => (long)i), scenario.Indexes.Order());
        Assert.Equal(100, measurements.Operations[0].Measured.TotalCount);
        Assert.Equal(100, measurements.StartLag.TotalCount);
        Assert.Equal(0, measurements.InFlight);
    }

    [Fact]
    public async Task AStalledRequestDelaysNoOtherAndCountsItsLatencyFromItsDueTime()
    {
        // Arrival 0 is held until all 49 after it have been answered: a closed-model client could
        // not send them at all, and a client that timed from the send would hide the stall.
        var scenario = new StallFirstScenario(release: 49);
        var plan = new RatePlan([Stage.Constant("steady", TimeSpan.FromSeconds(0.5), 100)]);

        var measurements = await new OpenModelRunner(RunnerSettings.Default)
            .RunAsync("test", scenario, plan, new Ignore(), CancellationToken.None).WaitAsync(TestTimeout);

        var latency = measurements.Operations[0].Measured;
        Assert.Equal(50, latency.TotalCount);
        // Arrival 49 was due 490 ms after arrival 0; the stalled one cannot have finished earlier.
        Assert.True(latency.Max >= 490_000, $"max {latency.Max} µs");
    }

    [Fact]
    public async Task ArrivalsBeyondTheInFlightLimitAreDroppedAndCounted()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var scenario = new GatedScenario(gate.Task);
        var plan = new RatePlan([Stage.Constant("steady", TimeSpan.FromSeconds(0.2), 100)]);
        var progress = new ReleaseWhen(s => s.Dropped == 15, gate);

        var measurements = await new OpenModelRunner(new RunnerSettings(MaxInFlight: 5, DrainTimeout: TimeSpan.FromSeconds(20)))
            .RunAsync("test", scenario, plan, progress, CancellationToken.None).WaitAsync(TestTimeout);

        Assert.Equal(5, measurements.SentByStage.Sum());
        Assert.Equal(15, measurements.DroppedByStage.Sum());
        Assert.Equal(5, measurements.Operations[0].Measured.TotalCount);
    }

    private sealed class ImmediateScenario : IScenario
    {
        private readonly System.Collections.Concurrent.ConcurrentBag<long> _indexes = [];

        public IEnumerable<long> Indexes => _indexes;

        public string Name => "immediate";

        public IReadOnlyList<string> Operations { get; } = ["op"];

        public Task ExecuteAsync(Arrival arrival, IOutcomeRecorder recorder, CancellationToken cancellationToken)
        {
            _indexes.Add(arrival.Index);
            recorder.Record(0, arrival.DueTimestamp, Outcome.Ok);
            return Task.CompletedTask;
        }
    }

    private sealed class StallFirstScenario(int release) : IScenario
    {
        private readonly TaskCompletionSource _others = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _answered;

        public string Name => "stall";

        public IReadOnlyList<string> Operations { get; } = ["op"];

        public async Task ExecuteAsync(Arrival arrival, IOutcomeRecorder recorder, CancellationToken cancellationToken)
        {
            if (arrival.Index == 0)
            {
                await _others.Task.WaitAsync(cancellationToken);
            }
            recorder.Record(0, arrival.DueTimestamp, Outcome.Ok);
            if (arrival.Index > 0 && Interlocked.Increment(ref _answered) == release)
            {
                _others.SetResult();
            }
        }
    }

    private sealed class GatedScenario(Task gate) : IScenario
    {
        public string Name => "gated";

        public IReadOnlyList<string> Operations { get; } = ["op"];

        public async Task ExecuteAsync(Arrival arrival, IOutcomeRecorder recorder, CancellationToken cancellationToken)
        {
            await gate.WaitAsync(cancellationToken);
            recorder.Record(0, arrival.DueTimestamp, Outcome.Ok);
        }
    }

    private sealed class ReleaseWhen(Func<ProgressSnapshot, bool> condition, TaskCompletionSource gate) : IProgress<ProgressSnapshot>
    {
        public void Report(ProgressSnapshot value)
        {
            if (condition(value))
            {
                gate.TrySetResult();
            }
        }
    }

    private sealed class Ignore : IProgress<ProgressSnapshot>
    {
        public void Report(ProgressSnapshot value)
        {
        }
    }
}
