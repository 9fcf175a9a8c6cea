using System.Diagnostics;
using PaymentPlatform.Load.Progress;

namespace PaymentPlatform.Load.Engine;

/// <summary>How the generator behaves when the server cannot keep up.</summary>
public sealed record RunnerSettings(int MaxInFlight, TimeSpan DrainTimeout)
{
    public static RunnerSettings Default { get; } = new(MaxInFlight: 20_000, DrainTimeout: TimeSpan.FromSeconds(30));
}

/// <summary>
/// The open model (wrk2's constant throughput, k6's arrival-rate executors): one dedicated thread
/// starts each request when its schedule says, whatever the answers to earlier requests, and
/// every latency counts from that due time, so a stalled server cannot hide its stalls behind a
/// client that waited (coordinated omission). The generator measures its own lateness too.
/// </summary>
public sealed class OpenModelRunner(RunnerSettings settings)
{
    public async Task<StepMeasurements> RunAsync(
        string step, IScenario scenario, RatePlan plan, IProgress<ProgressSnapshot> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(progress);

        // A little headroom so the scheduler thread is running before the first due time.
        var start = Stopwatch.GetTimestamp() + (Stopwatch.Frequency / 50);
        var measurements = new StepMeasurements(plan, scenario.Operations, start);
        // Not linked to the caller's token: Ctrl+C stops the schedule, and open requests still get
        // the drain time-out to answer rather than being recorded as failures.
        using var requestsAborted = new CancellationTokenSource();
        var tracker = new CompletionTracker();

        var scheduler = new Thread(() => Schedule(scenario, plan, measurements, tracker, requestsAborted.Token, cancellationToken))
        {
            IsBackground = true,
            Name = "load scheduler",
            Priority = ThreadPriority.AboveNormal,
        };
        scheduler.Start();

        var dispatchEnd = start + (long)(plan.Duration.TotalSeconds * Stopwatch.Frequency);
        while (!tracker.AllDone.IsCompleted)
        {
            await Task.WhenAny(tracker.AllDone, Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None)).ConfigureAwait(false);
            progress.Report(ProgressSnapshot.Of(step, measurements));
            if (Stopwatch.GetElapsedTime(dispatchEnd) > settings.DrainTimeout)
            {
                // Requests still open this long after the last one was due are abandoned as timeouts.
                await requestsAborted.CancelAsync().ConfigureAwait(false);
            }
        }
        measurements.Complete(Stopwatch.GetTimestamp());
        return measurements;
    }

    private void Schedule(IScenario scenario, RatePlan plan, StepMeasurements measurements, CompletionTracker tracker,
        CancellationToken requestsAborted, CancellationToken stopScheduling)
    {
        try
        {
            for (long index = 0; index < plan.TotalArrivals && !stopScheduling.IsCancellationRequested; index++)
            {
                var (offset, stage) = plan.DueTime(index);
                var arrival = new Arrival(index, stage, measurements.StartTimestamp + (long)(offset.TotalSeconds * Stopwatch.Frequency));
                PreciseSleep.Until(arrival.DueTimestamp);
                if (measurements.InFlight >= settings.MaxInFlight)
                {
                    measurements.RecordDropped(arrival);
                    continue;
                }
                tracker.Add();
                measurements.RecordSent(arrival, Stopwatch.GetTimestamp());
                ThreadPool.UnsafeQueueUserWorkItem(new RequestWork(scenario, arrival, measurements, tracker, requestsAborted), preferLocal: false);
            }
        }
        finally
        {
            tracker.Release();
        }
    }

    /// <summary>Counts open requests plus the scheduler itself; completes when all are done.</summary>
    private sealed class CompletionTracker
    {
        private readonly TaskCompletionSource _allDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private long _open = 1;

        public Task AllDone => _allDone.Task;

        public void Add() => Interlocked.Increment(ref _open);

        public void Release()
        {
            if (Interlocked.Decrement(ref _open) == 0)
            {
                _allDone.TrySetResult();
            }
        }
    }

    private sealed class RequestWork(IScenario scenario, Arrival arrival, StepMeasurements measurements, CompletionTracker tracker, CancellationToken aborted)
        : IThreadPoolWorkItem
    {
        public void Execute()
        {
            measurements.RecordStarted(arrival, Stopwatch.GetTimestamp());
            _ = RunAsync();
        }

        private async Task RunAsync()
        {
            try
            {
                await scenario.ExecuteAsync(arrival, measurements, aborted).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Scenarios classify their own failures; this is the safety net for a bug in one.
                measurements.Record(0, arrival.DueTimestamp, Outcome.Error($"unhandled {ex.GetType().Name}"));
            }
            finally
            {
                measurements.RecordFinished();
                tracker.Release();
            }
        }
    }
}
