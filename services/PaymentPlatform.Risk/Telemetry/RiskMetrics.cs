using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace PaymentPlatform.Risk.Telemetry;

/// <summary>
/// Meter <c>PaymentPlatform.Risk</c>: decisions by outcome, the reasons that fired, and scoring
/// latency measured inside the service (request parsed to decision made), beside ASP.NET Core's
/// own <c>http.server.request.duration</c>.
/// </summary>
public sealed class RiskMetrics
{
    public const string MeterName = "PaymentPlatform.Risk";

    private readonly Counter<long> _decisions;
    private readonly Counter<long> _reasons;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _unavailable;

    public RiskMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _decisions = meter.CreateCounter<long>("risk.decisions", "{decision}", "Scorings by decision.");
        _reasons = meter.CreateCounter<long>("risk.reasons", "{reason}", "Reasons that fired, by reason and decision.");
        _duration = meter.CreateHistogram("risk.score.duration", "s", "Scoring time inside the service, from parsed request to decision.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0001, 0.00025, 0.0005, 0.00075, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1] });
        _unavailable = meter.CreateCounter<long>("risk.velocity.unavailable", "{event}", "Times Redis became unavailable for velocity counters.");
    }

    public void Scored(string decision, IReadOnlyList<string> reasons, TimeSpan elapsed)
    {
        ArgumentNullException.ThrowIfNull(reasons);
        var decisionTag = new KeyValuePair<string, object?>("risk.decision", decision);
        _decisions.Add(1, decisionTag);
        foreach (var reason in reasons)
        {
            _reasons.Add(1, new KeyValuePair<string, object?>("risk.reason", reason), decisionTag);
        }
        _duration.Record(elapsed.TotalSeconds, decisionTag);
    }

    public void VelocityUnavailable() => _unavailable.Add(1);

    public static TimeSpan Since(long startTimestamp) => Stopwatch.GetElapsedTime(startTimestamp);
}
