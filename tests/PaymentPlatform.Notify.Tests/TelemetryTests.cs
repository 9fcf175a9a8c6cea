using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using PaymentPlatform.Notify.Tests.Infrastructure;

namespace PaymentPlatform.Notify.Tests;

[Collection(NotifyCollection.Name)]
public class TelemetryTests(NotifyFixture fixture) : IAsyncLifetime
{
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public async Task EachAttemptsSpanIsAChildOfTheEventsStoredTraceparent()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "PaymentPlatform.Notify",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        await using var notify = await NotifyInstance.StartAsync(fixture);
        var merchantId = "mer_" + Guid.NewGuid().ToString("N");
        var url = _receiver.NewHook((_, n, context) => { context.Response.StatusCode = n == 1 ? 500 : 200; return Task.CompletedTask; });
        await notify.CreateEndpointAsync(merchantId, url);
        var traceId = ActivityTraceId.CreateRandom();
        var parentSpanId = ActivitySpanId.CreateRandom();

        var eventId = await notify.PublishAsync(merchantId, traceparent: $"00-{traceId}-{parentSpanId}-01");

        await notify.WaitForDeliveryAsync(merchantId, eventId, "succeeded");
        var attempts = await Eventually.GetAsync(() => Task.FromResult(
            spans.Where(s => s.GetTagItem("webhook.id") as string == eventId).ToList() is { Count: 2 } found ? found : null), "two attempt spans");
        Assert.All(attempts, s =>
        {
            Assert.Equal(traceId, s.TraceId);
            Assert.Equal(parentSpanId, s.ParentSpanId);
            Assert.Equal("payment.captured deliver", s.DisplayName);
        });
        Assert.Equal([500, 200], attempts.Select(s => (int)s.GetTagItem("http.response.status_code")!));
        Assert.Equal(ActivityStatusCode.Error, attempts[0].Status);
    }

    [Fact]
    public async Task AttemptsByOutcomeLatencyAndTheBacklogAreMeasured()
    {
        var measurements = new ConcurrentQueue<(string Instrument, double Value, string? Outcome)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "PaymentPlatform.Notify")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => measurements.Enqueue((i.Name, v, Outcome(tags))));
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => measurements.Enqueue((i.Name, v, Outcome(tags))));
        listener.Start();
        await using var notify = await NotifyInstance.StartAsync(fixture, settings: new Dictionary<string, string?>
        {
            ["Notify:Delivery:BacklogInterval"] = "00:00:00.100",
        });
        var merchantId = "mer_" + Guid.NewGuid().ToString("N");
        var url = _receiver.NewHook((_, n, context) => { context.Response.StatusCode = n == 1 ? 500 : 200; return Task.CompletedTask; });
        await notify.CreateEndpointAsync(merchantId, url);

        var eventId = await notify.PublishAsync(merchantId);

        await notify.WaitForDeliveryAsync(merchantId, eventId, "succeeded");
        await Eventually.HoldsAsync(() =>
        {
            listener.RecordObservableInstruments();
            return measurements.Any(m => m.Instrument == "notify.delivery.backlog") && measurements.Any(m => m.Instrument == "notify.delivery.backlog.age");
        }, "the backlog gauges to be observed");
        Assert.Contains(measurements, m => m.Instrument == "notify.delivery.attempts" && m.Outcome == "http_error");
        Assert.Contains(measurements, m => m.Instrument == "notify.delivery.attempts" && m.Outcome == "succeeded");
        Assert.Contains(measurements, m => m.Instrument == "notify.delivery.attempt.duration" && m.Value > 0);
        Assert.Contains(measurements, m => m.Instrument == "notify.deliveries");
        Assert.Contains(measurements, m => m.Instrument == "notify.delivery.delay" && m.Value > 0);
    }

    private static string? Outcome(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == "outcome")
            {
                return tag.Value as string;
            }
        }
        return null;
    }
}
