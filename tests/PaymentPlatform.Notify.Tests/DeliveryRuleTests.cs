using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PaymentPlatform.Notify.Tests.Infrastructure;

namespace PaymentPlatform.Notify.Tests;

/// <summary>The delivery rules (payments.md, "Webhooks"), each against a real receiver.</summary>
[Collection(NotifyCollection.Name)]
public class DeliveryRuleTests(NotifyFixture fixture) : IAsyncLifetime
{
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    private static string NewMerchantId() => "mer_" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task AnEventIsDeliveredSignedPerTheSpecWithTheEventIdAsWebhookId()
    {
        await using var notify = await NotifyInstance.StartAsync(fixture);
        var merchantId = NewMerchantId();
        var url = _receiver.NewHook();
        var endpoint = await notify.CreateEndpointAsync(merchantId, url);
        var secret = endpoint.GetProperty("secret").GetString()!;

        var eventId = await notify.PublishAsync(merchantId, "payment.captured");

        var webhook = Assert.Single(await _receiver.WaitForAsync(url, 1));
        Assert.Equal(eventId, webhook.Id);
        Assert.True(StandardWebhooksSpec.Verify(secret, webhook.Id!, webhook.Timestamp!, webhook.Signature!, webhook.Body, DateTimeOffset.UtcNow),
            $"signature {webhook.Signature} does not verify");
        Assert.Matches("^v1,[A-Za-z0-9+/]{43}=$", webhook.Signature);
        Assert.InRange(long.Parse(webhook.Timestamp!), DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        Assert.StartsWith("application/json", webhook.Headers["content-type"], StringComparison.Ordinal);
        using var body = JsonDocument.Parse(webhook.Body);
        Assert.Equal(eventId, body.RootElement.GetProperty("id").GetString());
        Assert.Equal("payment.captured", body.RootElement.GetProperty("type").GetString());
        Assert.Equal("payment", body.RootElement.GetProperty("data").GetProperty("object").GetProperty("object").GetString());
        Assert.True(body.RootElement.TryGetProperty("timestamp", out _));

        var delivery = await notify.WaitForDeliveryAsync(merchantId, eventId, "succeeded");
        Assert.Equal("webhook_delivery", delivery.GetProperty("object").GetString());
        Assert.Equal(endpoint.GetProperty("id").GetString(), delivery.GetProperty("endpoint_id").GetString());
        Assert.Equal(200, delivery.GetProperty("response_code").GetInt32());
        Assert.Equal(1, delivery.GetProperty("attempt_count").GetInt32());
        Assert.True(delivery.GetProperty("latency_ms").GetInt32() >= 0);
        Assert.Equal(JsonValueKind.Null, delivery.GetProperty("next_attempt_at").ValueKind);
        Assert.Equal("succeeded", Assert.Single(delivery.GetProperty("attempts").EnumerateArray()).GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task OnlyEnabledEndpointsWhoseEnabledEventsMatchGetADelivery()
    {
        await using var notify = await NotifyInstance.StartAsync(fixture);
        var merchantId = NewMerchantId();
        var captured = _receiver.NewHook();
        var declined = _receiver.NewHook();
        var all = _receiver.NewHook();
        var otherMerchant = _receiver.NewHook();
        await notify.CreateEndpointAsync(merchantId, captured, ["payment.captured", "refund.succeeded"]);
        await notify.CreateEndpointAsync(merchantId, declined, ["payment.declined"]);
        await notify.CreateEndpointAsync(merchantId, all, ["*"]);
        await notify.CreateEndpointAsync(NewMerchantId(), otherMerchant, ["*"]);

        var eventId = await notify.PublishAsync(merchantId, "payment.captured");

        await _receiver.WaitForAsync(captured, 1);
        await _receiver.WaitForAsync(all, 1);
        var deliveries = (await notify.DeliveriesAsync(merchantId, eventId)).GetProperty("data");
        Assert.Equal(2, deliveries.GetArrayLength());
        Assert.Empty(_receiver.Received(declined));
        Assert.Empty(_receiver.Received(otherMerchant));
    }

    [Fact]
    public async Task AFailedAttemptIsRetriedOnTheScheduleWithTheSameWebhookIdAndAFreshValidSignature()
    {
        await using var notify = await NotifyInstance.StartAsync(fixture);
        var merchantId = NewMerchantId();
        var url = _receiver.NewHook((_, n, context) => { context.Response.StatusCode = n < 3 ? 500 : 204; return Task.CompletedTask; });
        var secret = (await notify.CreateEndpointAsync(merchantId, url)).GetProperty("secret").GetString()!;

        var eventId = await notify.PublishAsync(merchantId);

        var delivery = await notify.WaitForDeliveryAsync(merchantId, eventId, "succeeded");
        var webhooks = _receiver.Received(url);
        Assert.Equal(3, webhooks.Count);
        Assert.All(webhooks, w =>
        {
            Assert.Equal(eventId, w.Id);
            Assert.True(StandardWebhooksSpec.Verify(secret, w.Id!, w.Timestamp!, w.Signature!, w.Body, DateTimeOffset.UtcNow));
        });
        Assert.All(webhooks, w => Assert.Equal(webhooks[0].Body, w.Body));
        // The compressed schedule: immediately, then 200 ms, then 400 ms.
        Assert.True(webhooks[1].At - webhooks[0].At >= TimeSpan.FromMilliseconds(180), $"second attempt after {(webhooks[1].At - webhooks[0].At).TotalMilliseconds} ms");
        Assert.True(webhooks[2].At - webhooks[1].At >= TimeSpan.FromMilliseconds(380), $"third attempt after {(webhooks[2].At - webhooks[1].At).TotalMilliseconds} ms");
        Assert.Equal(3, delivery.GetProperty("attempt_count").GetInt32());
        Assert.Equal(204, delivery.GetProperty("response_code").GetInt32());
        Assert.Equal([500, 500, 204], delivery.GetProperty("attempts").EnumerateArray().Select(a => a.GetProperty("response_code").GetInt32()));
    }

    [Fact]
    public async Task ARedirectIsAFailureAndIsNotFollowed()
    {
        await using var notify = await NotifyInstance.StartAsync(fixture);
        var merchantId = NewMerchantId();
        var target = _receiver.NewHook();
        var url = _receiver.NewHook(WebhookReceiver.Status(307, ("Location", target)));
        await notify.CreateEndpointAsync(merchantId, url);

        var eventId = await notify.PublishAsync(merchantId);

        var delivery = await notify.WaitForDeliveryAsync(merchantId, eventId, "exhausted");
        Assert.Equal(3, _receiver.Received(url).Count);
        Assert.Empty(_receiver.Received(target));
        Assert.Equal(307, delivery.GetProperty("response_code").GetInt32());
        Assert.Contains("redirect", delivery.GetProperty("last_error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A410GoneDisablesTheEndpointAndTheMerchantSeesWhy()
    {
        await using var notify = await NotifyInstance.StartAsync(fixture);
        var merchantId = NewMerchantId();
        var url = _receiver.NewHook(WebhookReceiver.Status(410));
        var endpointId = (await notify.CreateEndpointAsync(merchantId, url)).GetProperty("id").GetString()!;

        var eventId = await notify.PublishAsync(merchantId);

        var delivery = await notify.WaitForDeliveryAsync(merchantId, eventId, "exhausted");
        Assert.Equal(410, delivery.GetProperty("response_code").GetInt32());
        Assert.Single(_receiver.Received(url));
        var endpoint = await notify.EndpointAsync(merchantId, endpointId);
        Assert.Equal("disabled", endpoint.GetProperty("status").GetString());
        Assert.Contains("410", endpoint.GetProperty("disabled_reason").GetString(), StringComparison.Ordinal);

        // A disabled endpoint gets no new deliveries.
        var later = await notify.PublishAsync(merchantId);
        await Eventually.HoldsAsync(async () => await notify.ScalarAsync("SELECT 1 FROM events WHERE event_id = $1", later) is not null, $"event {later} recorded");
        Assert.Equal(0, (await notify.DeliveriesAsync(merchantId, later)).GetProperty("data").GetArrayLength());
    }

    [Theory]
    [InlineData(429)]
    [InlineData(503)]
    public async Task RetryAfterIsHonouredBeforeTheNextAttempt(int status)
    {
        await using var notify = await NotifyInstance.StartAsync(fixture);
        var merchantId = NewMerchantId();
        var url = _receiver.NewHook((w, n, context) =>
        {
            context.Response.StatusCode = n == 1 ? status : 200;
            if (n == 1)
            {
                context.Response.Headers.RetryAfter = "2";
            }
            return Task.CompletedTask;
        });
        await notify.CreateEndpointAsync(merchantId, url);

        var eventId = await notify.PublishAsync(merchantId);

        await notify.WaitForDeliveryAsync(merchantId, eventId, "succeeded");
        var webhooks = _receiver.Received(url);
        Assert.Equal(2, webhooks.Count);
        Assert.True(webhooks[1].At - webhooks[0].At >= TimeSpan.FromSeconds(1.9), $"second attempt {(webhooks[1].At - webhooks[0].At).TotalMilliseconds} ms after a Retry-After of 2 s");
    }

    [Theory]
    [InlineData(429)]
    [InlineData(502)]
    [InlineData(504)]
    public async Task ThrottlingAnswersPauseTheWholeEndpointNotOnlyTheFailedDelivery(int status)
    {
        await using var notify = await NotifyInstance.StartAsync(fixture, settings: new Dictionary<string, string?>
        {
            ["Notify:Delivery:SlowDownDelay"] = "00:00:01.500",
        });
        var merchantId = NewMerchantId();
        var url = _receiver.NewHook((_, n, context) => { context.Response.StatusCode = n == 1 ? status : 200; return Task.CompletedTask; });
        await notify.CreateEndpointAsync(merchantId, url);
        var first = await notify.PublishAsync(merchantId);
        await _receiver.WaitForAsync(url, 1);
        await Eventually.HoldsAsync(async () => (await notify.DeliveriesAsync(merchantId, first)).GetProperty("data")[0].GetProperty("attempt_count").GetInt32() == 1,
            $"the {status} to be recorded");

        var second = await notify.PublishAsync(merchantId);

        await notify.WaitForDeliveryAsync(merchantId, first, "succeeded");
        await notify.WaitForDeliveryAsync(merchantId, second, "succeeded");
        var webhooks = _receiver.Received(url);
        Assert.Equal(3, webhooks.Count);
        // Neither the retry nor the new event went out before the slow-down ended.
        Assert.True(webhooks[1].At - webhooks[0].At >= TimeSpan.FromSeconds(1.4), $"next attempt {(webhooks[1].At - webhooks[0].At).TotalMilliseconds} ms after {status}");
    }

    [Fact]
    public async Task AnAttemptThatOutlastsTheTimeoutFailsAndIsRetried()
    {
        await using var notify = await NotifyInstance.StartAsync(fixture, settings: new Dictionary<string, string?>
        {
            ["Notify:Delivery:AttemptTimeout"] = "00:00:00.500",
        });
        var merchantId = NewMerchantId();
        var url = _receiver.NewHook(async (_, n, context) =>
        {
            if (n == 1)
            {
                // The receiver is slow once; it gives up when notify hangs up.
                await Task.Delay(TimeSpan.FromSeconds(10), context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
            }
            context.Response.StatusCode = 200;
        });
        await notify.CreateEndpointAsync(merchantId, url);

        var eventId = await notify.PublishAsync(merchantId);

        var delivery = await notify.WaitForDeliveryAsync(merchantId, eventId, "succeeded");
        var attempts = delivery.GetProperty("attempts").EnumerateArray().ToList();
        Assert.Equal(["timeout", "succeeded"], attempts.Select(a => a.GetProperty("outcome").GetString()));
        Assert.InRange(attempts[0].GetProperty("latency_ms").GetInt32(), 450, 3000);
        Assert.Equal(JsonValueKind.Null, attempts[0].GetProperty("response_code").ValueKind);
    }

    [Fact]
    public async Task AnExhaustedDeliveryIsKeptAndReplayedByTimeRange()
    {
        await using var notify = await NotifyInstance.StartAsync(fixture);
        var merchantId = NewMerchantId();
        var healthy = false;
        var url = _receiver.NewHook((_, _, context) => { context.Response.StatusCode = Volatile.Read(ref healthy) ? 200 : 500; return Task.CompletedTask; });
        await notify.CreateEndpointAsync(merchantId, url);
        var createdAt = DateTimeOffset.UtcNow.AddMinutes(-10);
        var eventId = await notify.PublishAsync(merchantId, createdAt: createdAt);
        var exhausted = await notify.WaitForDeliveryAsync(merchantId, eventId, "exhausted");
        Assert.Equal(3, exhausted.GetProperty("attempt_count").GetInt32());
        Volatile.Write(ref healthy, true);

        // A range that ends before the event replays nothing; one that holds it replays it.
        using var outside = await notify.Client.PostAsJsonAsync(new Uri($"/v1/merchants/{merchantId}/replay", UriKind.Relative),
            new { since = createdAt.AddMinutes(-5).ToUnixTimeSeconds(), until = createdAt.AddMinutes(-1).ToUnixTimeSeconds() });
        Assert.Equal(0, (await NotifyInstance.ExpectAsync(outside, HttpStatusCode.Accepted)).GetProperty("replayed").GetInt64());
        using var replay = await notify.Client.PostAsJsonAsync(new Uri($"/v1/merchants/{merchantId}/replay", UriKind.Relative),
            new { since = createdAt.AddMinutes(-1).ToUnixTimeSeconds() });
        var answer = await NotifyInstance.ExpectAsync(replay, HttpStatusCode.Accepted);

        Assert.Equal("replay", answer.GetProperty("object").GetString());
        Assert.Equal(1, answer.GetProperty("replayed").GetInt64());
        var delivered = await notify.WaitForDeliveryAsync(merchantId, eventId, "succeeded");
        Assert.Equal(4, delivered.GetProperty("attempt_count").GetInt32());
        Assert.All(_receiver.Received(url), w => Assert.Equal(eventId, w.Id));
    }

    [Fact]
    public async Task RetryingOneEventSendsItAgainWithTheSameWebhookId()
    {
        await using var notify = await NotifyInstance.StartAsync(fixture);
        var merchantId = NewMerchantId();
        var url = _receiver.NewHook();
        await notify.CreateEndpointAsync(merchantId, url);
        var eventId = await notify.PublishAsync(merchantId);
        await notify.WaitForDeliveryAsync(merchantId, eventId, "succeeded");

        using var retry = await notify.Client.PostAsync(new Uri($"/v1/merchants/{merchantId}/events/{eventId}/retry", UriKind.Relative), null);

        await NotifyInstance.ExpectAsync(retry, HttpStatusCode.Accepted);
        var webhooks = await _receiver.WaitForAsync(url, 2);
        Assert.All(webhooks, w => Assert.Equal(eventId, w.Id));
        using var missing = await notify.Client.PostAsync(new Uri($"/v1/merchants/{merchantId}/events/evt_missing/retry", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task AnEndpointFailingForTheConfiguredPeriodIsDisabledWithAReason()
    {
        await using var notify = await NotifyInstance.StartAsync(fixture, settings: new Dictionary<string, string?>
        {
            ["Notify:Delivery:RetrySchedule"] = "00:00:00,00:00:00.200,00:00:00.200,00:00:00.200,00:00:00.200,00:00:00.200,00:00:00.200,00:00:00.200",
            ["Notify:Delivery:DisableAfter"] = "00:00:00.500",
        });
        var merchantId = NewMerchantId();
        var url = _receiver.NewHook(WebhookReceiver.Status(500));
        var endpointId = (await notify.CreateEndpointAsync(merchantId, url)).GetProperty("id").GetString()!;

        var eventId = await notify.PublishAsync(merchantId);

        var endpoint = await Eventually.GetAsync<object>(async () =>
            await notify.EndpointAsync(merchantId, endpointId) is { } e && e.GetProperty("status").GetString() == "disabled" ? e : null,
            "the failing endpoint to be disabled");
        var reason = ((JsonElement)endpoint).GetProperty("disabled_reason").GetString();
        Assert.StartsWith("Every delivery failed since", reason, StringComparison.Ordinal);
        var delivery = await notify.WaitForDeliveryAsync(merchantId, eventId, "exhausted");
        Assert.InRange(delivery.GetProperty("attempt_count").GetInt32(), 2, 7);
    }
}
