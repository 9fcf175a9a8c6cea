using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PaymentPlatform.Notify.Tests.Infrastructure;

namespace PaymentPlatform.Notify.Tests;

/// <summary>The internal API the gateway proxies: endpoints, secret rolls, deliveries.</summary>
[Collection(NotifyCollection.Name)]
public class EndpointApiTests(NotifyFixture fixture) : IAsyncLifetime
{
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    private static string NewMerchantId() => "mer_" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task CreatingAnEndpointAnswersItsShapeWithTheSecretOnceAndListingNeverShowsTheSecret()
    {
        await using var notify = await NotifyInstance.StartAsync(fixture);
        var merchantId = NewMerchantId();
        var url = _receiver.NewHook();

        var created = await notify.CreateEndpointAsync(merchantId, url, ["payment.captured"], rateLimit: 50);

        Assert.Matches("^we_[a-z0-9]+$", created.GetProperty("id").GetString());
        Assert.Equal("webhook_endpoint", created.GetProperty("object").GetString());
        Assert.Equal(merchantId, created.GetProperty("merchant_id").GetString());
        Assert.Equal(url, created.GetProperty("url").GetString());
        Assert.Equal(["payment.captured"], created.GetProperty("enabled_events").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("enabled", created.GetProperty("status").GetString());
        Assert.Equal(50, created.GetProperty("rate_limit").GetInt32());
        Assert.True(created.GetProperty("created").GetInt64() > 0);
        var secret = created.GetProperty("secret").GetString()!;
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        Assert.InRange(Convert.FromBase64String(secret[6..]).Length, 24, 64);

        using var list = await notify.Client.GetAsync(new Uri($"/v1/merchants/{merchantId}/endpoints", UriKind.Relative));
        var body = await NotifyInstance.ExpectAsync(list, HttpStatusCode.OK);
        Assert.Equal("list", body.GetProperty("object").GetString());
        Assert.False(body.GetProperty("has_more").GetBoolean());
        var listed = Assert.Single(body.GetProperty("data").EnumerateArray());
        Assert.Equal(created.GetProperty("id").GetString(), listed.GetProperty("id").GetString());
        Assert.False(listed.TryGetProperty("secret", out _));
        // Stored encrypted: the plain secret is nowhere in the table.
        Assert.Equal(0L, await notify.ScalarAsync("SELECT count(*) FROM endpoints WHERE position($1::bytea in secret_ciphertext) > 0",
            System.Text.Encoding.UTF8.GetBytes(secret[6..])));
    }

    [Fact]
    public async Task DeletingAnEndpointRemovesItFromTheListCancelsItsPendingDeliveriesAndASecondDeleteIs404()
    {
        await using var notify = await NotifyInstance.StartAsync(fixture);
        var merchantId = NewMerchantId();
        var url = _receiver.NewHook(WebhookReceiver.Status(500));
        var endpointId = (await notify.CreateEndpointAsync(merchantId, url)).GetProperty("id").GetString()!;
        var eventId = await notify.PublishAsync(merchantId);
        await _receiver.WaitForAsync(url, 1);

        using var deleted = await notify.Client.DeleteAsync(new Uri($"/v1/merchants/{merchantId}/endpoints/{endpointId}", UriKind.Relative));

        var answer = await NotifyInstance.ExpectAsync(deleted, HttpStatusCode.OK);
        Assert.Equal(endpointId, answer.GetProperty("id").GetString());
        Assert.True(answer.GetProperty("deleted").GetBoolean());
        using var list = await notify.Client.GetAsync(new Uri($"/v1/merchants/{merchantId}/endpoints", UriKind.Relative));
        Assert.Equal(0, (await NotifyInstance.ExpectAsync(list, HttpStatusCode.OK)).GetProperty("data").GetArrayLength());
        var delivery = await notify.WaitForDeliveryAsync(merchantId, eventId, "canceled");
        Assert.Equal(endpointId, delivery.GetProperty("endpoint_id").GetString());
        using var again = await notify.Client.DeleteAsync(new Uri($"/v1/merchants/{merchantId}/endpoints/{endpointId}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        using var otherMerchant = await notify.Client.DeleteAsync(new Uri($"/v1/merchants/{NewMerchantId()}/endpoints/{endpointId}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, otherMerchant.StatusCode);
    }

    [Fact]
    public async Task DuringASecretRollsOverlapDeliveriesCarryBothSignaturesAndAfterItOnlyTheNewOne()
    {
        await using var notify = await NotifyInstance.StartAsync(fixture);
        var merchantId = NewMerchantId();
        var url = _receiver.NewHook();
        var created = await notify.CreateEndpointAsync(merchantId, url);
        var endpointId = created.GetProperty("id").GetString()!;
        var oldSecret = created.GetProperty("secret").GetString()!;

        using var roll = await notify.Client.PostAsJsonAsync(new Uri($"/v1/merchants/{merchantId}/endpoints/{endpointId}/roll_secret", UriKind.Relative),
            new { expires_in = 3600 });
        var rolled = await NotifyInstance.ExpectAsync(roll, HttpStatusCode.OK);
        var newSecret = rolled.GetProperty("secret").GetString()!;
        Assert.NotEqual(oldSecret, newSecret);
        Assert.Equal(endpointId, rolled.GetProperty("id").GetString());
        await notify.PublishAsync(merchantId);
        var during = Assert.Single(await _receiver.WaitForAsync(url, 1));

        Assert.Equal(2, during.Signature!.Split(' ').Length);
        Assert.True(StandardWebhooksSpec.Verify(newSecret, during.Id!, during.Timestamp!, during.Signature, during.Body, DateTimeOffset.UtcNow));
        Assert.True(StandardWebhooksSpec.Verify(oldSecret, during.Id!, during.Timestamp!, during.Signature, during.Body, DateTimeOffset.UtcNow));

        // A roll with no overlap: only the newest secret signs.
        using var immediate = await notify.Client.PostAsJsonAsync(new Uri($"/v1/merchants/{merchantId}/endpoints/{endpointId}/roll_secret", UriKind.Relative),
            new { expires_in = 0 });
        var newest = (await NotifyInstance.ExpectAsync(immediate, HttpStatusCode.OK)).GetProperty("secret").GetString()!;
        await notify.PublishAsync(merchantId);
        var after = (await _receiver.WaitForAsync(url, 2))[1];
        Assert.Single(after.Signature!.Split(' '));
        Assert.True(StandardWebhooksSpec.Verify(newest, after.Id!, after.Timestamp!, after.Signature, after.Body, DateTimeOffset.UtcNow));
        Assert.False(StandardWebhooksSpec.Verify(newSecret, after.Id!, after.Timestamp!, after.Signature, after.Body, DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task ARollWithoutABodyUsesTheConfiguredOverlapAndAnUnknownEndpointIs404()
    {
        await using var notify = await NotifyInstance.StartAsync(fixture);
        var merchantId = NewMerchantId();
        var endpointId = (await notify.CreateEndpointAsync(merchantId, _receiver.NewHook())).GetProperty("id").GetString()!;

        using var roll = await notify.Client.PostAsync(new Uri($"/v1/merchants/{merchantId}/endpoints/{endpointId}/roll_secret", UriKind.Relative), null);
        using var missing = await notify.Client.PostAsync(new Uri($"/v1/merchants/{merchantId}/endpoints/we_0000/roll_secret", UriKind.Relative), null);

        await NotifyInstance.ExpectAsync(roll, HttpStatusCode.OK);
        var expires = (DateTime)(await notify.ScalarAsync("SELECT previous_secret_expires_at FROM endpoints WHERE id = $1", endpointId))!;
        Assert.InRange(new DateTimeOffset(expires, TimeSpan.Zero) - DateTimeOffset.UtcNow, TimeSpan.FromHours(23.9), TimeSpan.FromHours(24.1));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task TheDeliveriesOfAnUnknownEventAre404()
    {
        await using var notify = await NotifyInstance.StartAsync(fixture);

        using var response = await notify.Client.GetAsync(new Uri($"/v1/merchants/{NewMerchantId()}/events/evt_{Guid.NewGuid():N}/deliveries", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("{\"url\": \"ftp://example.com\", \"enabled_events\": [\"*\"]}")]
    [InlineData("{\"url\": \"https://example.com\", \"enabled_events\": []}")]
    [InlineData("{\"url\": \"https://example.com\", \"enabled_events\": [\"payment.exploded\"]}")]
    [InlineData("{\"url\": \"https://example.com\", \"enabled_events\": [\"*\"], \"rate_limit\": 0}")]
    public async Task AnInvalidEndpointIs400InvalidRequest(string body)
    {
        await using var notify = await NotifyInstance.StartAsync(fixture);

        using var response = await notify.Client.PostAsync(new Uri($"/v1/merchants/{NewMerchantId()}/endpoints", UriKind.Relative),
            new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        var problem = await NotifyInstance.ExpectAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("invalid_request", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task EveryRouteRefusesACallWithoutTheInternalToken()
    {
        await using var notify = await NotifyInstance.StartAsync(fixture);
        var merchant = NewMerchantId();
        using var anonymous = CreateAnonymousClient(notify);
        (HttpMethod Method, string Path)[] routes =
        [
            (HttpMethod.Post, $"/v1/merchants/{merchant}/endpoints"), (HttpMethod.Get, $"/v1/merchants/{merchant}/endpoints"),
            (HttpMethod.Delete, $"/v1/merchants/{merchant}/endpoints/we_1"), (HttpMethod.Post, $"/v1/merchants/{merchant}/endpoints/we_1/roll_secret"),
            (HttpMethod.Get, $"/v1/merchants/{merchant}/events/evt_1/deliveries"), (HttpMethod.Post, $"/v1/merchants/{merchant}/events/evt_1/retry"),
            (HttpMethod.Post, $"/v1/merchants/{merchant}/replay"),
        ];

        foreach (var (method, path) in routes)
        {
            using var response = await anonymous.SendAsync(new HttpRequestMessage(method, path));
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path} answered {(int)response.StatusCode}");
        }
    }

    private static HttpClient CreateAnonymousClient(NotifyInstance notify) => notify.CreateClient();
}
