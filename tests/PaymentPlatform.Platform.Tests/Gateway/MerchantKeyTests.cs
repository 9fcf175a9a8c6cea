using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using PaymentPlatform.Hosting.Testing;

namespace PaymentPlatform.Platform.Tests.Gateway;

/// <summary>API keys through the real platform: authentication, the admin key, merchant scoping, rolls and revocation.</summary>
[Collection(PlatformCollection.Name)]
public class MerchantKeyTests(PlatformFixture fixture)
{
    [Fact]
    public async Task ARequestWithoutAKeyIs401WithAChallengeAndAnUnknownKeyIs401InvalidApiKey()
    {
        using var anonymous = fixture.App.CreateHttpClient("gateway");
        using var missing = await anonymous.GetAsync(new Uri("/v1/payments", UriKind.Relative));
        await missing.ExpectProblemAsync(HttpStatusCode.Unauthorized, "authentication_required");
        Assert.Equal("Bearer", missing.Headers.WwwAuthenticate.Single().Scheme);

        anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "sk_test_" + new string('x', 32));
        await (await anonymous.GetAsync(new Uri("/v1/payments", UriKind.Relative))).ExpectProblemAsync(HttpStatusCode.Unauthorized, "invalid_api_key");
        anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "not a key");
        await (await anonymous.PostAsync("/v1/payments", GatewayRequests.Payment())).ExpectProblemAsync(HttpStatusCode.Unauthorized, "invalid_api_key");
    }

    [Fact]
    public async Task OnlyTheAdminKeyCreatesMerchantsAndTheSecretIsShownOnceAndStoredOnlyAsAHash()
    {
        using var merchant = await fixture.App.CreateMerchantAsync();
        await (await merchant.Client.PostAsync("/v1/merchants", new { name = "sneaky" })).ExpectProblemAsync(HttpStatusCode.Unauthorized, "invalid_admin_key");

        using var admin = await fixture.App.CreateAdminClientAsync();
        var shown = await (await admin.GetAsync(new Uri($"/v1/merchants/{merchant.Id}", UriKind.Relative))).ExpectAsync(HttpStatusCode.OK);
        Assert.False(shown.TryGetProperty("secret_key", out var secret) && secret.ValueKind == System.Text.Json.JsonValueKind.String);
        Assert.StartsWith("sk_test_", merchant.SecretKey, StringComparison.Ordinal);
        // The one key row holds the secret's SHA-256 and a redacted form, nothing else of it.
        Assert.Equal(1, await fixture.App.CountAsync("SELECT count(*) FROM api_keys WHERE merchant_id = $1", merchant.Id));
        Assert.Equal(1, await fixture.App.CountAsync(
            "SELECT count(*) FROM api_keys WHERE merchant_id = $1 AND secret_hash = sha256(convert_to($2, 'UTF8')) AND strpos(redacted, $3) = 0",
            merchant.Id, merchant.SecretKey, merchant.SecretKey[8..^4]));
    }

    [Fact]
    public async Task AnotherMerchantsPaymentIsNotFoundEverywhereAndNeverListed()
    {
        using var owner = await fixture.App.CreateMerchantAsync();
        using var stranger = await fixture.App.CreateMerchantAsync();
        var paymentId = await owner.NewPaymentAsync();

        await (await stranger.Client.GetAsync(new Uri($"/v1/payments/{paymentId}", UriKind.Relative))).ExpectProblemAsync(HttpStatusCode.NotFound, "payment_not_found");
        await (await stranger.Client.PostAsync($"/v1/payments/{paymentId}/capture", null)).ExpectProblemAsync(HttpStatusCode.NotFound, "payment_not_found");
        await (await stranger.Client.PostAsync($"/v1/payments/{paymentId}/cancel", null)).ExpectProblemAsync(HttpStatusCode.NotFound, "payment_not_found");
        await (await stranger.Client.PostAsync("/v1/refunds", new { payment = paymentId })).ExpectProblemAsync(HttpStatusCode.NotFound, "payment_not_found");
        var list = await (await stranger.Client.GetAsync(new Uri("/v1/payments", UriKind.Relative))).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(0, list.GetProperty("data").GetArrayLength());
        await (await stranger.Client.GetAsync(new Uri($"/v1/payments?starting_after={paymentId}", UriKind.Relative))).ExpectProblemAsync(HttpStatusCode.BadRequest, "invalid_request");

        var mine = await (await owner.Client.GetAsync(new Uri($"/v1/payments/{paymentId}", UriKind.Relative))).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("requires_capture", mine.GetProperty("status").GetString());
    }

    [Fact]
    public async Task ARolledKeyWorksAtOnceAndTheOldOneStopsOnEveryReplicaWhenItsOverlapEnds()
    {
        using var merchant = await fixture.App.CreateMerchantAsync();
        var rolled = await (await merchant.Client.PostAsync("/v1/api_keys/roll", new { expires_in_seconds = 0 })).ExpectAsync(HttpStatusCode.Created);
        var newSecret = rolled.GetProperty("new_key").GetProperty("secret").GetString()!;
        Assert.Equal(JsonValueKind.Number, rolled.GetProperty("previous_key").GetProperty("expires_at").ValueKind);

        using var fresh = fixture.App.CreateHttpClient("gateway");
        fresh.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", newSecret);
        // Both replicas sit behind the front door: every request of a burst must see the roll.
        for (var i = 0; i < 6; i++)
        {
            await (await fresh.GetAsync(new Uri("/v1/payments", UriKind.Relative))).ExpectAsync(HttpStatusCode.OK);
        }
        await Probes.EventuallyAsync(async () =>
        {
            var statuses = new List<HttpStatusCode>();
            for (var i = 0; i < 6; i++)
            {
                using var response = await merchant.Client.GetAsync(new Uri("/v1/payments", UriKind.Relative));
                statuses.Add(response.StatusCode);
            }
            return statuses.All(s => s == HttpStatusCode.Unauthorized);
        }, TimeSpan.FromSeconds(10), "the rolled key (overlap 0 s) to be refused by both gateway replicas");
    }

    [Fact]
    public async Task ARolledKeyKeepsWorkingDuringItsOverlap()
    {
        using var merchant = await fixture.App.CreateMerchantAsync();
        var rolled = await (await merchant.Client.PostAsync("/v1/api_keys/roll", new { expires_in_seconds = 3600 })).ExpectAsync(HttpStatusCode.Created);
        for (var i = 0; i < 4; i++)
        {
            await (await merchant.Client.GetAsync(new Uri("/v1/payments", UriKind.Relative))).ExpectAsync(HttpStatusCode.OK);
        }
        var keys = await (await merchant.Client.GetAsync(new Uri("/v1/api_keys", UriKind.Relative))).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(2, keys.GetProperty("data").GetArrayLength());
        Assert.All(keys.GetProperty("data").EnumerateArray(), k => Assert.False(k.TryGetProperty("secret", out var s) && s.ValueKind == System.Text.Json.JsonValueKind.String));
        Assert.Equal(rolled.GetProperty("previous_key").GetProperty("id").GetString(),
            keys.GetProperty("data").EnumerateArray().Single(k => k.GetProperty("expires_at").ValueKind == System.Text.Json.JsonValueKind.Number).GetProperty("id").GetString());
    }

    [Fact]
    public async Task ARevokedKeyIsRefusedByBothReplicasWithinSeconds()
    {
        using var merchant = await fixture.App.CreateMerchantAsync();
        var keys = await (await merchant.Client.GetAsync(new Uri("/v1/api_keys", UriKind.Relative))).ExpectAsync(HttpStatusCode.OK);
        var keyId = keys.GetProperty("data")[0].GetProperty("id").GetString()!;
        // Warm both replicas' caches with the key first, so the revocation has something to evict.
        for (var i = 0; i < 4; i++)
        {
            await (await merchant.Client.GetAsync(new Uri("/v1/payments", UriKind.Relative))).ExpectAsync(HttpStatusCode.OK);
        }
        using var admin = await fixture.App.CreateAdminClientAsync();
        await (await admin.PostAsync($"/v1/merchants/{merchant.Id}/api_keys/{keyId}/revoke", null)).ExpectAsync(HttpStatusCode.OK);

        await Probes.EventuallyAsync(async () =>
        {
            var refused = 0;
            for (var i = 0; i < 6; i++)
            {
                using var response = await merchant.Client.GetAsync(new Uri("/v1/payments", UriKind.Relative));
                refused += response.StatusCode == HttpStatusCode.Unauthorized ? 1 : 0;
            }
            return refused == 6;
        }, TimeSpan.FromSeconds(10), "the revoked key to be refused by both gateway replicas (pub/sub invalidation; the 30 s cache TTL is the fallback)");
    }

    [Fact]
    public async Task AMerchantOverItsRateLimitGets429WithRetryAfter()
    {
        using var merchant = await fixture.App.CreateMerchantAsync(requestsPerSecond: 1, burst: 3);
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 8 && limited is null; i++)
        {
            var response = await merchant.Client.GetAsync(new Uri("/v1/payments", UriKind.Relative));
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                limited = response;
            }
            else
            {
                response.Dispose();
            }
        }
        Assert.NotNull(limited);
        using (limited)
        {
            await limited.ExpectProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
            Assert.True(limited.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), "429 carries Retry-After in whole seconds");
        }
        Assert.True(statuses.Count(s => s == HttpStatusCode.OK) >= 3, $"the burst of 3 passes first: {string.Join(", ", statuses)}");
    }
}
