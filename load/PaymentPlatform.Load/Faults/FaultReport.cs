using System.Diagnostics;
using System.Globalization;
using System.Text;
using PaymentPlatform.Load.Reporting;

namespace PaymentPlatform.Load.Faults;

/// <summary>
/// One fault's figures. Its window runs from its injection to the next fault's (or the end of the run): the
/// errors in it are its errors. Seconds are from the start of the schedule (<see cref="InjectedAtSecond"/>),
/// from the injection (first and last error), or from the moment the fault was lifted (healthy again).
/// </summary>
public sealed record FaultSummary(
    string Name,
    string Description,
    double InjectedAtSecond,
    DateTimeOffset InjectedAtUtc,
    double HeldSeconds,
    IReadOnlyDictionary<string, long> RetriedAttempts,
    IReadOnlyDictionary<string, long> FailedRequests,
    double? FirstErrorSecond,
    double? LastErrorSecond,
    double? HealthyAgainSeconds,
    double UnhealthySeconds,
    IReadOnlyList<string> UnhealthyResources,
    string? Skipped,
    string? Failure)
{
    public bool Recovered => Skipped is null && Failure is null && HealthyAgainSeconds is not null;

    /// <summary>How long its errors lasted: from the first to the last error in its window.</summary>
    public double? ErrorsLastedSeconds => FirstErrorSecond is { } first && LastErrorSecond is { } last ? last - first : null;
}

/// <summary>The fault figures of a run, the checks they pass or fail, and their text.</summary>
public sealed record FaultRunReport(
    IReadOnlyList<FaultSummary> Faults,
    IReadOnlyDictionary<string, long> BaselineErrors,
    double BaselineUnhealthySeconds,
    IReadOnlyList<string> BaselineUnhealthy,
    IReadOnlyList<string> UnhealthyAtEnd,
    TimeSpan RetryBudget,
    TimeSpan AttemptTimeout)
{
    public static FaultRunReport Of(IReadOnlyList<FaultRecord> records, ErrorLog log, HealthWatch health, long scheduleStart,
        IReadOnlyList<string> unhealthyAtEnd, TimeSpan retryBudget, TimeSpan attemptTimeout)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(health);
        var errors = log.All.OrderBy(e => e.Timestamp).ToList();
        var changes = health.Changes;
        var injected = records.Where(r => r.Skipped is null).ToList();
        var firstInjection = injected.Count > 0 ? injected[0].InjectedAt : long.MaxValue;
        var summaries = new List<FaultSummary>();
        foreach (var record in records)
        {
            if (record.Skipped is not null)
            {
                summaries.Add(new FaultSummary(record.Fault.Name, record.Fault.Description, 0, default, 0,
                    new Dictionary<string, long>(), new Dictionary<string, long>(), null, null, null, 0, [], record.Skipped, null));
                continue;
            }
            var next = injected.IndexOf(record) + 1 < injected.Count ? injected[injected.IndexOf(record) + 1].InjectedAt : long.MaxValue;
            var mine = errors.Where(e => e.Timestamp >= record.InjectedAt && e.Timestamp < next).ToList();
            var (unhealthySeconds, unhealthy) = Unhealthy(changes, record.InjectedAt, Math.Min(next, Stopwatch.GetTimestamp()));
            summaries.Add(new FaultSummary(
                record.Fault.Name,
                record.Fault.Description,
                Seconds(scheduleStart, record.InjectedAt),
                record.InjectedAtUtc,
                Seconds(record.InjectedAt, record.LiftedAt),
                ByKind(mine.Where(e => e.Retried)),
                ByKind(mine.Where(e => !e.Retried)),
                mine.Count > 0 ? Seconds(record.InjectedAt, mine[0].Timestamp) : null,
                mine.Count > 0 ? Seconds(record.InjectedAt, mine[^1].Timestamp) : null,
                record.HealthyAt is { } at ? Seconds(record.LiftedAt, at) : null,
                unhealthySeconds,
                unhealthy,
                null,
                record.Failure));
        }
        var (baselineSeconds, baselineUnhealthy) = Unhealthy(changes, scheduleStart, Math.Min(firstInjection, Stopwatch.GetTimestamp()));
        return new FaultRunReport(summaries, ByKind(errors.Where(e => e.Timestamp < firstInjection)), baselineSeconds, baselineUnhealthy, unhealthyAtEnd, retryBudget, attemptTimeout);
    }

    /// <summary>The checks of the fault run itself, beside the workload's end-of-run verification.</summary>
    public IReadOnlyList<VerificationCheck> Checks()
    {
        var skipped = Faults.Where(f => f.Skipped is not null || f.Failure is not null).ToList();
        var notRecovered = Faults.Where(f => f.Skipped is null && f.Failure is null && f.HealthyAgainSeconds is null).ToList();
        var baseline = BaselineErrors.Values.Sum();
        return
        [
            new("no errors before the first fault (baseline)", baseline == 0,
                (baseline == 0 ? "none" : $"{baseline}: {Kinds(BaselineErrors)}") + (BaselineUnhealthy.Count == 0 ? ""
                    : Invariant($"; the host saw {string.Join(", ", BaselineUnhealthy)} not healthy for {BaselineUnhealthySeconds:0.0} s before any fault"))),
            new("every chosen fault was injected", skipped.Count == 0,
                skipped.Count == 0 ? $"{Faults.Count} faults" : string.Join("; ", skipped.Select(f => $"{f.Name}: {f.Skipped ?? f.Failure}"))),
            new($"the platform was healthy again by itself after every fault (host health, within {FaultInjector.RecoveryTimeout.TotalSeconds:0} s)", notRecovered.Count == 0,
                string.Join(", ", Faults.Where(f => f.Skipped is null && f.Failure is null)
                    .Select(f => f.HealthyAgainSeconds is { } s ? Invariant($"{f.Name} {s:0.0} s") : $"{f.Name} NOT recovered"))),
            new("every resource is healthy at the end of the run", UnhealthyAtEnd.Count == 0,
                UnhealthyAtEnd.Count == 0 ? "all healthy" : string.Join("; ", UnhealthyAtEnd)),
        ];
    }

    public string Render()
    {
        var text = new StringBuilder();
        void Line(FormattableString line) => text.AppendLine(line.ToString(CultureInfo.InvariantCulture));
        Line($"Faults: each one's window runs from its injection to the next one's; clients retry a failed request with its idempotency key for up to {RetryBudget.TotalSeconds:0} s ({AttemptTimeout.TotalSeconds:0} s per attempt)");
        Line($"  {"fault",-17} {"injected",-20} {"held",6} {"retried",8} {"failed",7} {"errors lasted",14} {"healthy again",14}");
        foreach (var f in Faults)
        {
            if (f.Skipped is not null)
            {
                Line($"  {f.Name,-17} NOT INJECTED: {f.Skipped}");
                continue;
            }
            var injected = Invariant($"+{f.InjectedAtSecond:0.0} s {f.InjectedAtUtc:HH:mm:ss}Z");
            var lasted = f.ErrorsLastedSeconds is { } l ? Invariant($"{l:0.0} s") : "no errors";
            var healthy = f.HealthyAgainSeconds is { } h ? Invariant($"{h:0.0} s") : "NOT";
            Line($"  {f.Name,-17} {injected,-20} {Invariant($"{f.HeldSeconds:0.0} s"),6} {f.RetriedAttempts.Values.Sum(),8} {f.FailedRequests.Values.Sum(),7} {lasted,14} {healthy,14}");
        }
        foreach (var f in Faults.Where(f => f.Skipped is null))
        {
            Line($"  {f.Name}: {f.Description}");
            if (f.FirstErrorSecond is { } first)
            {
                Line($"    errors from +{first:0.0} s to +{f.LastErrorSecond:0.0} s after the injection; retried attempts: {Kinds(f.RetriedAttempts)}; failed after retries: {Kinds(f.FailedRequests)}");
            }
            Line($"    host: {(f.UnhealthyResources.Count == 0 ? "every resource stayed healthy" : Invariant($"not healthy for {f.UnhealthySeconds:0.0} s ({string.Join(", ", f.UnhealthyResources)})"))}{(f.Failure is null ? "" : $"; {f.Failure}")}");
        }
        return text.ToString();
    }

    private static (double Seconds, IReadOnlyList<string> Resources) Unhealthy(IReadOnlyList<HealthChange> changes, long from, long to)
    {
        double seconds = 0;
        var resources = new SortedSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < changes.Count; i++)
        {
            var start = Math.Max(changes[i].Timestamp, from);
            var end = Math.Min(i + 1 < changes.Count ? changes[i + 1].Timestamp : to, to);
            if (changes[i].AllHealthy || end <= start)
            {
                continue;
            }
            seconds += Stopwatch.GetElapsedTime(start, end).TotalSeconds;
            resources.UnionWith(changes[i].Unhealthy);
        }
        return (seconds, [.. resources]);
    }

    private static IReadOnlyDictionary<string, long> ByKind(IEnumerable<ClientError> errors) =>
        errors.GroupBy(e => $"{e.Operation}: {e.Kind}").OrderByDescending(g => g.Count()).ToDictionary(g => g.Key, g => (long)g.Count());

    private static string Kinds(IReadOnlyDictionary<string, long> kinds) =>
        kinds.Count == 0 ? "none" : string.Join(", ", kinds.Select(k => $"{k.Key} x{k.Value}"));

    private static double Seconds(long from, long to) => Stopwatch.GetElapsedTime(from, to).TotalSeconds;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
