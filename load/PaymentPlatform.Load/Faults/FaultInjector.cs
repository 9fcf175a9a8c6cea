using System.Diagnostics;

namespace PaymentPlatform.Load.Faults;

/// <summary>
/// What happened to one fault: when it was injected and lifted, and when the host saw every resource healthy
/// again (with a new process where the fault ended one); <see cref="Skipped"/> says why a fault was not injected.
/// Times are <c>Stopwatch</c> timestamps.
/// </summary>
public sealed record FaultRecord(FaultDefinition Fault, long InjectedAt, DateTimeOffset InjectedAtUtc, long LiftedAt, long? HealthyAt, string? Skipped, string? Failure)
{
    public static FaultRecord NotInjected(FaultDefinition fault, string reason) => new(fault, 0, default, 0, null, reason, null);
}

/// <summary>
/// Injects the chosen faults on the timeline while the load runs: each at its due time, but never before the
/// platform is healthy again from the previous one (the recovery is the platform's own: nothing here helps it).
/// </summary>
public sealed class FaultInjector(FaultContext context, HealthWatch health, IReadOnlyList<FaultDefinition> faults, Action<string> note)
{
    /// <summary>How long a fault's recovery is waited for before the run calls it not recovered and moves on.</summary>
    public static readonly TimeSpan RecoveryTimeout = TimeSpan.FromSeconds(120);

    /// <summary>How long every resource must stay healthy to count as recovered.</summary>
    public static readonly TimeSpan Stable = TimeSpan.FromSeconds(1);

    public async Task<IReadOnlyList<FaultRecord>> RunAsync(long scheduleStart, Func<int, TimeSpan> dueAt, TimeSpan scheduleLength, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dueAt);
        var records = new List<FaultRecord>();
        for (var i = 0; i < faults.Count; i++)
        {
            var fault = faults[i];
            var wait = dueAt(i) - Stopwatch.GetElapsedTime(scheduleStart);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            }
            if (await health.WaitForHealthyAsync(() => true, Stable, RecoveryTimeout, cancellationToken).ConfigureAwait(false) is null)
            {
                records.Add(FaultRecord.NotInjected(fault, $"the platform was not healthy before it: {string.Join("; ", health.UnhealthyNow())}"));
                continue;
            }
            if (scheduleLength - Stopwatch.GetElapsedTime(scheduleStart) < FaultTimeline.MinimumWindow)
            {
                records.Add(FaultRecord.NotInjected(fault, "the schedule ran out (earlier recoveries ran long): raise --fault-gap"));
                continue;
            }
            records.Add(await InjectAsync(fault, cancellationToken).ConfigureAwait(false));
        }
        return records;
    }

    private async Task<FaultRecord> InjectAsync(FaultDefinition fault, CancellationToken cancellationToken)
    {
        var replaced = fault.Replaces is { } target ? health.ProcessId(target.Resource, target.Replica) : null;
        var injectedAt = Stopwatch.GetTimestamp();
        var injectedAtUtc = DateTimeOffset.UtcNow;
        note($"fault {fault.Name}: injecting ({fault.Description})");
        string? failure = null;
        try
        {
            await fault.InjectAsync(context, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            failure = $"the injection failed: {ex.GetType().Name}: {ex.Message}";
            note($"fault {fault.Name}: {failure}");
        }
        var liftedAt = Stopwatch.GetTimestamp();
        // A new process where the fault ended one; then every resource healthy, as the host sees them.
        bool Replaced() => fault.Replaces is not { } t || (health.ProcessId(t.Resource, t.Replica) is { } now && now != replaced);
        var healthyAt = await health.WaitForHealthyAsync(Replaced, Stable, RecoveryTimeout, cancellationToken).ConfigureAwait(false);
        note(healthyAt is { } at
            ? $"fault {fault.Name}: healthy again {Stopwatch.GetElapsedTime(liftedAt, at).TotalSeconds:0.0} s after it was lifted"
            : $"fault {fault.Name}: NOT healthy within {RecoveryTimeout.TotalSeconds:0} s: {string.Join("; ", health.UnhealthyNow())}");
        return new FaultRecord(fault, injectedAt, injectedAtUtc, liftedAt, healthyAt, null, failure);
    }
}
