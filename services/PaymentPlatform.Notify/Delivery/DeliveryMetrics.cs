using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace PaymentPlatform.Notify.Delivery;

/// <summary>Notify's delivery telemetry: attempts by outcome, attempt latency, backlog size and age.</summary>
internal sealed class DeliveryMetrics : IDisposable
{
    public const string Name = "PaymentPlatform.Notify";

    private readonly Meter _meter;
    private readonly Counter<long> _attempts;
    private readonly Counter<long> _deliveries;
    private readonly Histogram<double> _duration;
    private readonly Histogram<double> _delay;
    private long _backlog;
    private double _backlogAgeSeconds;

    public DeliveryMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(Name);
        _attempts = _meter.CreateCounter<long>("notify.delivery.attempts", "{attempt}", "Webhook delivery attempts, by outcome.");
        _deliveries = _meter.CreateCounter<long>("notify.deliveries", "{delivery}", "Deliveries that reached a final state, by status (succeeded, exhausted).");
        _duration = _meter.CreateHistogram<double>("notify.delivery.attempt.duration", "s", "One attempt, from connect to response.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30] });
        _delay = _meter.CreateHistogram<double>("notify.delivery.delay", "s", "From the event's creation to its successful delivery.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 60, 300, 3600] });
        _meter.CreateObservableGauge("notify.delivery.backlog", () => Volatile.Read(ref _backlog), "{delivery}", "Pending deliveries to enabled endpoints.");
        _meter.CreateObservableGauge("notify.delivery.backlog.age", () => Volatile.Read(ref _backlogAgeSeconds), "s", "How long the oldest due delivery has waited.");
    }

    public void Attempt(AttemptResult result, TimeSpan elapsed)
    {
        var outcome = new KeyValuePair<string, object?>("outcome", result.Outcome);
        _attempts.Add(1, outcome);
        _duration.Record(elapsed.TotalSeconds, outcome);
        if (result.Status != DeliveryStatuses.Pending)
        {
            _deliveries.Add(1, new KeyValuePair<string, object?>("status", result.Status));
        }
        if (result.Succeeded)
        {
            _delay.Record((result.AttemptedAt + elapsed - result.Delivery.CreatedAt).TotalSeconds);
        }
    }

    public void Backlog(long count, TimeSpan oldest)
    {
        Volatile.Write(ref _backlog, count);
        Volatile.Write(ref _backlogAgeSeconds, oldest.TotalSeconds);
    }

    public void Dispose() => _meter.Dispose();
}
