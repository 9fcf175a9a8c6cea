using PaymentPlatform.Notify.Tests.Infrastructure;

namespace PaymentPlatform.Notify.Tests;

/// <summary>Notify stopping mid-delivery loses nothing: the next process with its name picks the delivery up.</summary>
[Collection(NotifyCollection.Name)]
public class RestartTests(NotifyFixture fixture) : IAsyncLifetime
{
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public async Task ADeliveryInterruptedByAStopIsSentAgainByTheRestartedReplicaWithTheSameWebhookId()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var url = _receiver.NewHook(async (_, n, context) =>
        {
            if (n == 1)
            {
                await release.Task.WaitAsync(context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
            }
            context.Response.StatusCode = 200;
        });
        var merchantId = "mer_" + Guid.NewGuid().ToString("N");
        var settings = new Dictionary<string, string?> { ["Notify:Delivery:AttemptTimeout"] = "00:01:00" };
        var first = await NotifyInstance.StartAsync(fixture, settings: settings);
        await first.CreateEndpointAsync(merchantId, url);
        var eventId = await first.PublishAsync(merchantId);
        await _receiver.WaitForAsync(url, 1);

        // Mid-attempt: the process stops; its lease is in notifydb (for a minute and a half).
        await first.DisposeAsync();
        await using var restarted = await NotifyInstance.StartAsync(fixture, settings: settings, restartOf: first);

        var webhooks = await _receiver.WaitForAsync(url, 2);
        Assert.All(webhooks, w => Assert.Equal(eventId, w.Id));
        await restarted.WaitForDeliveryAsync(merchantId, eventId, "succeeded");
        release.TrySetResult();
    }

    [Fact]
    public async Task EventsWrittenWhileNotifyWasDownAreRecordedAndDeliveredWhenItStarts()
    {
        var url = _receiver.NewHook();
        var merchantId = "mer_" + Guid.NewGuid().ToString("N");
        var first = await NotifyInstance.StartAsync(fixture);
        await first.CreateEndpointAsync(merchantId, url);
        await first.DisposeAsync();
        await using var redis = await PaymentPlatform.Redis.RedisClient.ConnectAsync(fixture.RedisConnectionString);
        var eventIds = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            eventIds.Add(await NotifyInstance.PublishAsync(redis, first.Stream, merchantId));
        }

        await using var restarted = await NotifyInstance.StartAsync(fixture, restartOf: first);

        var webhooks = await _receiver.WaitForAsync(url, 5);
        Assert.Equal(eventIds.Order(), webhooks.Select(w => w.Id!).Order());
    }
}
