using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace PaymentPlatform.ServiceDefaults.Tests;

/// <summary>Collects one meter's long measurements from one host (meters are scoped to its IMeterFactory).</summary>
internal sealed class MetricRecorder : IDisposable
{
    private readonly MeterListener listener = new();

    public MetricRecorder(IServiceProvider services, string meterName)
    {
        var factory = services.GetRequiredService<IMeterFactory>();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == meterName && ReferenceEquals(instrument.Meter.Scope, factory))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            Measurements.Enqueue(new Measurement(instrument.Name, value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value))));
        listener.Start();
    }

    public ConcurrentQueue<Measurement> Measurements { get; } = new();

    public long Sum(string instrument, string tag, string value) =>
        Measurements.Where(m => m.Instrument == instrument && Equals(m.Tags.GetValueOrDefault(tag), value)).Sum(m => m.Value);

    public void Dispose() => listener.Dispose();

    internal sealed record Measurement(string Instrument, long Value, Dictionary<string, object?> Tags);
}
