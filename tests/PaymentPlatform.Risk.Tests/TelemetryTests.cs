using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace PaymentPlatform.Risk.Tests;

/// <summary>The meter <c>PaymentPlatform.Risk</c>: decisions by outcome and reason, and the in-service latency.</summary>
[Collection(RiskCollection.Name)]
public class TelemetryTests(RiskFixture fixture)
{
    [Fact]
    public async Task EachScoringRecordsItsDecisionItsReasonsAndItsDuration()
    {
        await using var risk = await fixture.StartReplicaAsync();
        var measurements = new ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "PaymentPlatform.Risk")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => measurements.Enqueue((i.Name, v, ToDictionary(tags))));
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => measurements.Enqueue((i.Name, v, ToDictionary(tags))));
        listener.Start();
        var merchant = Requests.NewId("mer");
        await risk.BlockAsync("merchant", merchant);

        await risk.ScoreAsync(Requests.Score(("merchant_id", merchant)));

        Assert.Contains(measurements, m => m.Instrument == "risk.decisions" && Equals(m.Tags["risk.decision"], "block"));
        Assert.Contains(measurements, m => m.Instrument == "risk.reasons" && Equals(m.Tags["risk.reason"], "blocklisted_merchant") && Equals(m.Tags["risk.decision"], "block"));
        Assert.Contains(measurements, m => m.Instrument == "risk.score.duration" && m.Value is > 0 and < 5);
    }

    private static Dictionary<string, object?> ToDictionary(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            result[tag.Key] = tag.Value;
        }
        return result;
    }
}
