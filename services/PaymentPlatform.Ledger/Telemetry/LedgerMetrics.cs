using System.Diagnostics.Metrics;

namespace PaymentPlatform.Ledger.Telemetry;

/// <summary>
/// Meter <c>PaymentPlatform.Ledger</c>: how requests are grouped into commits, and what reconciliation finds.
/// The totals are kept in the instance too, so a test or the benchmark can read them without a listener.
/// </summary>
internal sealed class LedgerMetrics
{
    public const string MeterName = "PaymentPlatform.Ledger";

    private readonly Counter<long> _groups;
    private readonly Histogram<long> _groupRequests;
    private readonly Histogram<long> _groupTransfers;
    private readonly Counter<long> _reconciliations;
    private readonly Counter<long> _violations;
    private long _groupCount;
    private long _requestCount;
    private long _largestGroup;
    private long _violationCount;

    public LedgerMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _groups = meter.CreateCounter<long>("ledger.group_commit.groups", "{group}", "Transactions committed by group commit.");
        _groupRequests = meter.CreateHistogram<long>("ledger.group_commit.requests", "{request}", "Requests that shared one transaction.",
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256] });
        _groupTransfers = meter.CreateHistogram<long>("ledger.group_commit.transfers", "{transfer}", "Transfers applied in one transaction.",
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [1, 10, 100, 1000, 8190, 65520] });
        _reconciliations = meter.CreateCounter<long>("ledger.reconciliation.runs", "{run}", "Reconciliation runs, by outcome.");
        _violations = meter.CreateCounter<long>("ledger.reconciliation.violations", "{violation}", "Broken invariants found by reconciliation, by kind.");
    }

    public long Groups => Interlocked.Read(ref _groupCount);

    public long Requests => Interlocked.Read(ref _requestCount);

    public long LargestGroup => Interlocked.Read(ref _largestGroup);

    /// <summary>Broken invariants found since start, over all runs.</summary>
    public long Violations => Interlocked.Read(ref _violationCount);

    public void GroupCommitted(int requests, int transfers)
    {
        Interlocked.Increment(ref _groupCount);
        Interlocked.Add(ref _requestCount, requests);
        for (var largest = LargestGroup; requests > largest; largest = LargestGroup)
        {
            if (Interlocked.CompareExchange(ref _largestGroup, requests, largest) == largest)
            {
                break;
            }
        }
        _groups.Add(1);
        _groupRequests.Record(requests);
        _groupTransfers.Record(transfers);
    }

    public void Reconciled(IReadOnlyDictionary<string, int> violations)
    {
        _reconciliations.Add(1, new KeyValuePair<string, object?>("ledger.reconciliation.outcome", violations.Count == 0 ? "balanced" : "violated"));
        foreach (var (kind, count) in violations)
        {
            Interlocked.Add(ref _violationCount, count);
            _violations.Add(count, new KeyValuePair<string, object?>("ledger.reconciliation.violation", kind));
        }
    }
}
