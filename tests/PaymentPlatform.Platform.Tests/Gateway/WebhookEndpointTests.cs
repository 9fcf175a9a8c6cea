using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PaymentPlatform.Platform.Tests.Gateway;

/// <summary>
/// Webhook endpoints and deliveries through the gateway, which proxies them to notify with the merchant id of the
/// API key: the public shape, merchant isolation, signed deliveries to a real receiver, secret rolls and retries.
/// The platform runs in Development, where notify accepts loopback URLs.
/// </summary>
[Collection(PlatformCollection.Name)]
public class WebhookEndpointTests(PlatformFixture fixture)
{
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task AnEndpointIsCreatedWithItsSecretShownOnceThenListedReadAndDeleted()
    {
        using var merchant = await fixture.App.CreateMerchantAsync();
        var created = await CreateEndpointAsync(merchant, "http://127.0.0.1:9/hook", ["payment.captured", "refund.succeeded"], "orders");
        var id = created.GetProperty("id").GetString()!;
        Assert.StartsWith("we_", id, StringComparison.Ordinal);
        Assert.Equal("webhook_endpoint", created.GetProperty("object").GetString());
        Assert.Equal("http://127.0.0.1:9/hook", created.GetProperty("url").GetString());
        Assert.Equal(["payment.captured", "refund.succeeded"], created.GetProperty("enabled_events").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("orders", created.GetProperty("description").GetString());
        Assert.Equal("enabled", created.GetProperty("status").GetString());
        Assert.StartsWith("whsec_", created.GetProperty("secret").GetString(), StringComparison.Ordinal);
        Assert.False(created.TryGetProperty("merchant_id", out _));

        var list = await GetAsync(merchant, "/v1/webhook_endpoints");
        Assert.Equal("list", list.GetProperty("object").GetString());
        var listed = Assert.Single(list.GetProperty("data").EnumerateArray());
        Assert.Equal(id, listed.GetProperty("id").GetString());
        Assert.False(listed.TryGetProperty("secret", out _));
        var read = await GetAsync(merchant, $"/v1/webhook_endpoints/{id}");
        Assert.Equal(listed.GetRawText(), read.GetRawText());

        using (var deleted = await merchant.Client.DeleteAsync(new Uri($"/v1/webhook_endpoints/{id}", UriKind.Relative)))
        {
            var body = await deleted.ExpectAsync(HttpStatusCode.OK);
            Assert.Equal(id, body.GetProperty("id").GetString());
            Assert.True(body.GetProperty("deleted").GetBoolean());
        }
        using (var again = await merchant.Client.GetAsync(new Uri($"/v1/webhook_endpoints/{id}", UriKind.Relative)))
        {
            await again.ExpectProblemAsync(HttpStatusCode.NotFound, "webhook_endpoint_not_found");
        }
        using (var again = await merchant.Client.DeleteAsync(new Uri($"/v1/webhook_endpoints/{id}", UriKind.Relative)))
        {
            await again.ExpectProblemAsync(HttpStatusCode.NotFound, "webhook_endpoint_not_found");
        }
        Assert.Empty((await GetAsync(merchant, "/v1/webhook_endpoints")).GetProperty("data").EnumerateArray());
    }

    [Theory]
    [InlineData("{\"url\": \"not a url\", \"enabled_events\": [\"*\"]}")]
    [InlineData("{\"url\": \"ftp://127.0.0.1/hook\", \"enabled_events\": [\"*\"]}")]
    [InlineData("{\"url\": \"http://127.0.0.1:9/hook\", \"enabled_events\": [\"payment.created\"]}")]
    [InlineData("{\"url\": \"http://127.0.0.1:9/hook\", \"enabled_events\": []}")]
    [InlineData("{\"url\": \"http://127.0.0.1:9/hook\", \"enabled_events\": [\"*\", \"payment.captured\"]}")]
    [InlineData("{\"url\": \"http://127.0.0.1:9/hook\", \"enabled_events\": \"*\"}")]
    [InlineData("{\"url\": \"http://127.0.0.1:9/hook\"")]
    [InlineData("")]
    public async Task AnInvalidEndpointIsRefusedAsInvalidRequest(string body)
    {
        using var merchant = await fixture.App.CreateMerchantAsync();
        using var response = await merchant.Client.PostRawAsync("/v1/webhook_endpoints", body);
        await response.ExpectProblemAsync(HttpStatusCode.BadRequest, "invalid_request");
        Assert.Empty((await GetAsync(merchant, "/v1/webhook_endpoints")).GetProperty("data").EnumerateArray());
    }

    [Fact]
    public async Task AMerchantCannotSeeDeleteRollOrListAnotherMerchantsEndpointsOrDeliveries()
    {
        await using var receiver = await Receiver.StartAsync();
        using var a = await fixture.App.CreateMerchantAsync();
        using var b = await fixture.App.CreateMerchantAsync();
        var endpoint = await CreateEndpointAsync(a, receiver.Url, ["*"]);
        var endpointId = endpoint.GetProperty("id").GetString()!;
        await a.NewPaymentAsync();
        var eventId = await SingleEventIdAsync(a);
        await receiver.WaitForAsync(eventId, 1);

        Assert.Empty((await GetAsync(b, "/v1/webhook_endpoints")).GetProperty("data").EnumerateArray());
        using (var response = await b.Client.GetAsync(new Uri($"/v1/webhook_endpoints/{endpointId}", UriKind.Relative)))
        {
            await response.ExpectProblemAsync(HttpStatusCode.NotFound, "webhook_endpoint_not_found");
        }
        using (var response = await b.Client.PostAsync($"/v1/webhook_endpoints/{endpointId}/roll_secret", new { expires_in = 0 }))
        {
            await response.ExpectProblemAsync(HttpStatusCode.NotFound, "webhook_endpoint_not_found");
        }
        using (var response = await b.Client.DeleteAsync(new Uri($"/v1/webhook_endpoints/{endpointId}", UriKind.Relative)))
        {
            await response.ExpectProblemAsync(HttpStatusCode.NotFound, "webhook_endpoint_not_found");
        }
        using (var response = await b.Client.GetAsync(new Uri($"/v1/events/{eventId}/deliveries", UriKind.Relative)))
        {
            await response.ExpectProblemAsync(HttpStatusCode.NotFound, "event_not_found");
        }
        using (var response = await b.Client.PostAsync($"/v1/events/{eventId}/retry", null))
        {
            await response.ExpectProblemAsync(HttpStatusCode.NotFound, "event_not_found");
        }

        // A's endpoint is untouched: same secret still signing, nothing re-sent by B's retry.
        var stillThere = await GetAsync(a, $"/v1/webhook_endpoints/{endpointId}");
        Assert.Equal("enabled", stillThere.GetProperty("status").GetString());
        var deliveries = await GetAsync(a, $"/v1/events/{eventId}/deliveries");
        Assert.Equal(1, Assert.Single(deliveries.GetProperty("data").EnumerateArray()).GetProperty("attempt_count").GetInt32());
        Assert.Equal(1, receiver.Count(eventId));
    }

    [Fact]
    public async Task APaymentsEventIsDeliveredSignedAndItsDeliveryIsListedThenRetried()
    {
        await using var receiver = await Receiver.StartAsync();
        using var merchant = await fixture.App.CreateMerchantAsync();
        var endpoint = await CreateEndpointAsync(merchant, receiver.Url, ["payment.authorized"]);
        var (endpointId, secret) = (endpoint.GetProperty("id").GetString()!, endpoint.GetProperty("secret").GetString()!);
        var paymentId = await merchant.NewPaymentAsync(1500);
        var eventId = await SingleEventIdAsync(merchant);

        var webhook = Assert.Single(await receiver.WaitForAsync(eventId, 1));
        Assert.True(Verify(secret, webhook), $"the signature {webhook.Signature} does not verify with the endpoint's secret");
        using (var body = JsonDocument.Parse(webhook.Body))
        {
            Assert.Equal(eventId, body.RootElement.GetProperty("id").GetString());
            Assert.Equal("payment.authorized", body.RootElement.GetProperty("type").GetString());
            Assert.Equal(paymentId, body.RootElement.GetProperty("data").GetProperty("object").GetProperty("id").GetString());
            // The events API serves the same data the webhook carried.
            var stored = await GetAsync(merchant, $"/v1/events/{eventId}");
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(body.RootElement.GetProperty("data").GetRawText()), JsonNode.Parse(stored.GetProperty("data").GetRawText())),
                $"webhook data {body.RootElement.GetProperty("data")} differs from the event's {stored.GetProperty("data")}");
        }

        var delivered = await Probes.EventuallyAsync(async () =>
        {
            var list = await GetAsync(merchant, $"/v1/events/{eventId}/deliveries");
            return list.GetProperty("data").EnumerateArray().Any(d => d.GetProperty("status").GetString() == "succeeded") ? (object)list : null;
        }, DeliveryTimeout, "the delivery to be recorded as succeeded");
        var delivery = Assert.Single(((JsonElement)delivered).GetProperty("data").EnumerateArray());
        Assert.Equal("webhook_delivery", delivery.GetProperty("object").GetString());
        Assert.Equal(endpointId, delivery.GetProperty("endpoint_id").GetString());
        Assert.Equal(eventId, delivery.GetProperty("event_id").GetString());
        Assert.Equal(1, delivery.GetProperty("attempt_count").GetInt32());
        Assert.Equal(200, delivery.GetProperty("response_code").GetInt32());

        using (var retried = await merchant.Client.PostAsync($"/v1/events/{eventId}/retry", null))
        {
            var accepted = await retried.ExpectAsync(HttpStatusCode.Accepted);
            Assert.Equal(endpointId, Assert.Single(accepted.GetProperty("data").EnumerateArray()).GetProperty("endpoint_id").GetString());
        }
        var both = await receiver.WaitForAsync(eventId, 2);
        Assert.All(both, w => Assert.True(Verify(secret, w)));
        Assert.Equal(both[0].Body, both[1].Body);   // the same bytes on every attempt
        await Probes.EventuallyAsync(async () =>
        {
            var list = await GetAsync(merchant, $"/v1/events/{eventId}/deliveries");
            var d = list.GetProperty("data")[0];
            return d.GetProperty("attempt_count").GetInt32() == 2 && d.GetProperty("status").GetString() == "succeeded";
        }, DeliveryTimeout, "the retried attempt to be recorded");

        // A type the endpoint did not enable is not sent to it: a capture's event has no delivery.
        using (var capture = await merchant.Client.PostAsync($"/v1/payments/{paymentId}/capture", new { }))
        {
            await capture.ExpectAsync(HttpStatusCode.OK);
        }
        var capturedId = (await GetAsync(merchant, "/v1/events?type=payment.captured")).GetProperty("data")[0].GetProperty("id").GetString()!;
        Assert.Empty((await GetAsync(merchant, $"/v1/events/{capturedId}/deliveries")).GetProperty("data").EnumerateArray());
    }

    [Fact]
    public async Task ARolledSecretSignsAtOnceAndThePreviousOneKeepsSigningUntilItsOverlapEnds()
    {
        await using var receiver = await Receiver.StartAsync();
        using var merchant = await fixture.App.CreateMerchantAsync();
        var endpoint = await CreateEndpointAsync(merchant, receiver.Url, ["*"]);
        var (endpointId, first) = (endpoint.GetProperty("id").GetString()!, endpoint.GetProperty("secret").GetString()!);

        var rolled = await (await merchant.Client.PostAsync($"/v1/webhook_endpoints/{endpointId}/roll_secret", new { expires_in = 3600 })).ExpectAsync(HttpStatusCode.OK);
        var second = rolled.GetProperty("secret").GetString()!;
        Assert.StartsWith("whsec_", second, StringComparison.Ordinal);
        Assert.NotEqual(first, second);
        Assert.Equal(endpointId, rolled.GetProperty("id").GetString());
        Assert.False((await GetAsync(merchant, $"/v1/webhook_endpoints/{endpointId}")).TryGetProperty("secret", out _));

        await merchant.NewPaymentAsync();
        var during = Assert.Single(await receiver.WaitForAsync(await SingleEventIdAsync(merchant), 1));
        Assert.Equal(2, during.Signature.Split(' ').Length);
        Assert.True(Verify(second, during), "the new secret does not sign");
        Assert.True(Verify(first, during), "the previous secret stopped signing during its overlap");

        // No overlap: only the newest secret signs from now on.
        using (var bad = await merchant.Client.PostAsync($"/v1/webhook_endpoints/{endpointId}/roll_secret", new { expires_in = -1 }))
        {
            await bad.ExpectProblemAsync(HttpStatusCode.BadRequest, "invalid_request");
        }
        var third = (await (await merchant.Client.PostAsync($"/v1/webhook_endpoints/{endpointId}/roll_secret", new { expires_in = 0 }))
            .ExpectAsync(HttpStatusCode.OK)).GetProperty("secret").GetString()!;
        var before = (await GetAsync(merchant, "/v1/events")).GetProperty("data").EnumerateArray().Select(e => e.GetProperty("id").GetString()).ToHashSet();
        await merchant.NewPaymentAsync();
        var after = (await GetAsync(merchant, "/v1/events")).GetProperty("data").EnumerateArray().Select(e => e.GetProperty("id").GetString()!).Single(id => !before.Contains(id));
        var later = Assert.Single(await receiver.WaitForAsync(after, 1));
        Assert.True(Verify(third, later), "the newest secret does not sign");
        Assert.False(Verify(second, later), "a secret rolled with expires_in 0 still signs");
        Assert.False(Verify(first, later));

        // A roll with no body takes the default overlap.
        using var defaultRoll = await merchant.Client.PostAsync($"/v1/webhook_endpoints/{endpointId}/roll_secret", null);
        Assert.StartsWith("whsec_", (await defaultRoll.ExpectAsync(HttpStatusCode.OK)).GetProperty("secret").GetString(), StringComparison.Ordinal);
    }

    private static async Task<JsonElement> CreateEndpointAsync(TestMerchant merchant, string url, string[] events, string? description = null)
    {
        using var response = await merchant.Client.PostAsync("/v1/webhook_endpoints", new { url, enabled_events = events, description });
        return await response.ExpectAsync(HttpStatusCode.Created);
    }

    private static async Task<string> SingleEventIdAsync(TestMerchant merchant) =>
        Assert.Single((await GetAsync(merchant, "/v1/events")).GetProperty("data").EnumerateArray()).GetProperty("id").GetString()!;

    private static async Task<JsonElement> GetAsync(TestMerchant merchant, string path)
    {
        using var response = await merchant.Client.GetAsync(new Uri(path, UriKind.Relative));
        return await response.ExpectAsync(HttpStatusCode.OK);
    }

    /// <summary>Standard Webhooks 1.0 verification written from the spec: any v1 signature, a timestamp within 5 minutes.</summary>
    private static bool Verify(string secret, Receiver.Webhook webhook)
    {
        if (!long.TryParse(webhook.Timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp)
            || Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - timestamp) > 300)
        {
            return false;
        }
        using var hmac = new HMACSHA256(Convert.FromBase64String(secret["whsec_".Length..]));
        var expected = "v1," + Convert.ToBase64String(hmac.ComputeHash([.. Encoding.UTF8.GetBytes($"{webhook.Id}.{webhook.Timestamp}."), .. webhook.Body]));
        return webhook.Signature.Split(' ').Any(s => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(s), Encoding.ASCII.GetBytes(expected)));
    }

    /// <summary>A real HTTP receiver on loopback that answers 200 at once and keeps what it received.</summary>
    private sealed class Receiver : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly ConcurrentQueue<Webhook> _received;

        private Receiver(WebApplication app, ConcurrentQueue<Webhook> received) => (_app, _received) = (app, received);

        public sealed record Webhook(string Id, string Timestamp, string Signature, byte[] Body);

        public string Url { get; private set; } = null!;

        public static async Task<Receiver> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var received = new ConcurrentQueue<Webhook>();
            app.MapPost("/hook", async (HttpContext context) =>
            {
                using var body = new MemoryStream();
                await context.Request.Body.CopyToAsync(body);
                received.Enqueue(new Webhook(context.Request.Headers["webhook-id"].ToString(), context.Request.Headers["webhook-timestamp"].ToString(),
                    context.Request.Headers["webhook-signature"].ToString(), body.ToArray()));
                return Results.Ok();
            });
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new Receiver(app, received) { Url = address.TrimEnd('/') + "/hook" };
        }

        public int Count(string eventId) => _received.Count(w => w.Id == eventId);

        /// <summary>Waits until at least <paramref name="count"/> webhooks of the event arrived; returns them in arrival order.</summary>
        public Task<List<Webhook>> WaitForAsync(string eventId, int count) =>
            Probes.EventuallyAsync(() => Task.FromResult(_received.Count(w => w.Id == eventId) >= count ? _received.Where(w => w.Id == eventId).ToList() : null),
                DeliveryTimeout, $"{count} webhook(s) of {eventId} to arrive");

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
