using PaymentPlatform.Notify.Tests.Infrastructure;

namespace PaymentPlatform.Notify.Tests;

/// <summary>One slow or dead merchant endpoint never delays another merchant's deliveries.</summary>
[Collection(NotifyCollection.Name)]
public class FairnessTests(NotifyFixture fixture) : IAsyncLifetime
{
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    private static string NewMerchantId() => "mer_" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task ASlowEndpointHoldsOnlyItsOwnSlotsAndAnotherMerchantsDeliveriesGoOutAtOnce()
    {
        await using var notify = await NotifyInstance.StartAsync(fixture, settings: new Dictionary<string, string?>
        {
            ["Notify:Delivery:MaxConcurrencyPerEndpoint"] = "2",
            ["Notify:Delivery:MaxConcurrency"] = "8",
            ["Notify:Delivery:AttemptTimeout"] = "00:00:30",
        });
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var inFlight = 0;
        var maxInFlight = 0;
        var slowMerchant = NewMerchantId();
        var slow = _receiver.NewHook(async (_, _, context) =>
        {
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref maxInFlight, now);
            await release.Task.WaitAsync(context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
            Interlocked.Decrement(ref inFlight);
            context.Response.StatusCode = 200;
        });
        await notify.CreateEndpointAsync(slowMerchant, slow);
        var fastMerchant = NewMerchantId();
        var fast = _receiver.NewHook();
        await notify.CreateEndpointAsync(fastMerchant, fast);
        try
        {
            for (var i = 0; i < 20; i++)
            {
                await notify.PublishAsync(slowMerchant);
            }
            await _receiver.WaitForAsync(slow, 2);

            var started = DateTimeOffset.UtcNow;
            var fastEvents = new List<string>();
            for (var i = 0; i < 10; i++)
            {
                fastEvents.Add(await notify.PublishAsync(fastMerchant));
            }

            var delivered = await _receiver.WaitForAsync(fast, 10, TimeSpan.FromSeconds(10));
            Assert.Equal(fastEvents.Order(), delivered.Select(w => w.Id!).Order());
            Assert.True(delivered.Max(w => w.At) - started < TimeSpan.FromSeconds(3), $"the fast merchant's last delivery took {(delivered.Max(w => w.At) - started).TotalMilliseconds} ms");
            Assert.Equal(2, Volatile.Read(ref maxInFlight));
            Assert.Equal(2, _receiver.Received(slow).Count);
        }
        finally
        {
            release.TrySetResult();
        }
        await _receiver.WaitForAsync(slow, 20);
        Assert.Equal(2, Volatile.Read(ref maxInFlight));
    }

    [Fact]
    public async Task AnEndpointsRateLimitSpacesItsDeliveries()
    {
        await using var notify = await NotifyInstance.StartAsync(fixture);
        var merchantId = NewMerchantId();
        var url = _receiver.NewHook();
        await notify.CreateEndpointAsync(merchantId, url, rateLimit: 5);

        for (var i = 0; i < 15; i++)
        {
            await notify.PublishAsync(merchantId);
        }

        var delivered = await _receiver.WaitForAsync(url, 15);
        // A bucket of 5 that refills 5 a second: 15 deliveries take at least about 2 s.
        var span = delivered.Max(w => w.At) - delivered.Min(w => w.At);
        Assert.True(span >= TimeSpan.FromSeconds(1.8), $"15 deliveries at 5/s took only {span.TotalMilliseconds} ms");
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
