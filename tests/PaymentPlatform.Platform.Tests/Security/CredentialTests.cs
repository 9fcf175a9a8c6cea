using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using PaymentPlatform.Hosting.Testing;
using PaymentPlatform.Platform.Tests.Gateway;

namespace PaymentPlatform.Platform.Tests.Security;

/// <summary>
/// Issue 16, "Security checks": the internal token and the gateway's admin key, beyond a missing or plainly wrong
/// value (InternalTokenTests tries every internal route that way): near misses, other schemes and places, the
/// platform's other credentials in their stead, and proof that a refused write changed nothing.
/// </summary>
[Collection(PlatformCollection.Name)]
public class CredentialTests(PlatformFixture fixture)
{
    /// <summary>One GET route of each internal service, answered 200 with the right token.</summary>
    private static readonly (string Resource, string Path)[] InternalReads =
    [
        ("risk", "/v1/blocklist"),
        ("ledger", "/v1/reconciliation"),
        ("notify", "/v1/merchants/mer_credentialtest/endpoints"),
        ("directory", "/v1/addresses/success@okhdfcbank/status"),
    ];

    [Fact]
    public async Task NearMissesOtherSchemesOtherPlacesAndTheOtherCredentialsAreNotTheInternalToken()
    {
        var token = await fixture.App.TokenAsync();
        var adminKey = await fixture.App.AdminKeyAsync();
        using var merchant = await fixture.App.CreateMerchantAsync();
        var flipped = token[..^1] + (token[^1] == 'a' ? 'b' : 'a');
        var wrong = new (string Name, string? Authorization, string Query, string? Header)[]
        {
            ("token with a character more", $"Bearer {token}x", "", null),
            ("token with its last character dropped", $"Bearer {token[..^1]}", "", null),
            ("token with its last character changed", $"Bearer {flipped}", "", null),
            ("token with its case changed", $"Bearer {SwapCase(token)}", "", null),
            ("token twice", $"Bearer {token}{token}", "", null),
            ("token under the Basic scheme", $"Basic {token}", "", null),
            ("token without a scheme", token, "", null),
            ("Bearer and nothing", "Bearer ", "", null),
            ("the gateway's admin key", $"Bearer {adminKey}", "", null),
            ("a merchant's secret key", $"Bearer {merchant.SecretKey}", "", null),
            ("token in the query string", null, $"?access_token={Uri.EscapeDataString(token)}", null),
            ("token in another header", null, "", token),
        };
        foreach (var (resource, path) in InternalReads)
        {
            using var client = await fixture.App.CreateInternalClientAsync(resource, withToken: false);
            foreach (var (name, authorization, query, header) in wrong)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path + query, UriKind.Relative));
                if (authorization is not null)
                {
                    request.Headers.TryAddWithoutValidation("Authorization", authorization);
                }
                if (header is not null)
                {
                    request.Headers.Add("X-Internal-Token", header);
                }
                using var response = await client.SendAsync(request);
                var body = await response.Content.ReadAsStringAsync();
                Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{resource} {path} with {name} answered {(int)response.StatusCode}: {body}");
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                Assert.DoesNotContain(token, body, StringComparison.Ordinal);
            }

            // The control: the same request with the token itself passes.
            using var right = await fixture.App.CreateInternalClientAsync(resource);
            await (await right.GetAsync(new Uri(path, UriKind.Relative))).ExpectAsync(HttpStatusCode.OK);
        }
    }

    [Fact]
    public async Task AnInternalWriteWithoutTheTokenChangesNothingWhileTheSameWriteWithItDoes()
    {
        using var anonymous = await ClientsAsync(withToken: false);
        using var authorized = await ClientsAsync(withToken: true);

        // Ledger: the account does not exist after the refused create; the authorized one creates it (not "exists").
        var account = $"merchant:{InternalServices.NewId("mer")}:usd:available";
        var accountBody = new { id = account, ledger = "usd", code = "merchant_available" };
        await (await anonymous["ledger"].PostJsonAsync("/v1/accounts", accountBody)).ExpectProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        await (await authorized["ledger"].GetAsync(new Uri($"/v1/accounts/{account}", UriKind.Relative))).ExpectAsync(HttpStatusCode.NotFound);
        var created = await (await authorized["ledger"].PostJsonAsync("/v1/accounts", accountBody)).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("created", created.GetProperty("result").GetString());

        // Risk: a block-list entry is neither added nor removed without the token.
        var ip = $"203.0.113.{Random.Shared.Next(1, 255)}";
        var entryBody = new { kind = "ip", value = ip, reason = "credential test" };
        await (await anonymous["risk"].PostJsonAsync("/v1/blocklist", entryBody)).ExpectProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Empty(await BlockedAsync(authorized["risk"], ip));
        var entry = await (await authorized["risk"].PostJsonAsync("/v1/blocklist", entryBody)).ExpectAsync(HttpStatusCode.Created);
        var entryId = entry.GetProperty("id").GetString()!;
        try
        {
            await (await anonymous["risk"].DeleteAsync(new Uri($"/v1/blocklist/{entryId}", UriKind.Relative))).ExpectProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
            Assert.Single(await BlockedAsync(authorized["risk"], ip));
        }
        finally
        {
            await (await authorized["risk"].DeleteAsync(new Uri($"/v1/blocklist/{entryId}", UriKind.Relative))).ExpectAsync(HttpStatusCode.OK);
        }

        // Notify: no endpoint is created, deleted or rolled without the token.
        var merchantId = InternalServices.NewId("mer");
        var endpoints = $"/v1/merchants/{merchantId}/endpoints";
        var endpointBody = new { url = "http://127.0.0.1:9/hook", enabled_events = new[] { "*" } };
        await (await anonymous["notify"].PostJsonAsync(endpoints, endpointBody)).ExpectProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Empty((await (await authorized["notify"].GetAsync(new Uri(endpoints, UriKind.Relative))).ExpectAsync(HttpStatusCode.OK)).GetProperty("data").EnumerateArray());
        var endpoint = await (await authorized["notify"].PostJsonAsync(endpoints, endpointBody)).ExpectAsync(HttpStatusCode.Created);
        var endpointId = endpoint.GetProperty("id").GetString()!;
        try
        {
            var stored = await EndpointSecretAsync(endpointId);
            await (await anonymous["notify"].PostJsonAsync($"{endpoints}/{endpointId}/roll_secret", new { expires_in = 0 })).ExpectProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
            await (await anonymous["notify"].DeleteAsync(new Uri($"{endpoints}/{endpointId}", UriKind.Relative))).ExpectProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
            Assert.Equal(stored, await EndpointSecretAsync(endpointId));
        }
        finally
        {
            await (await authorized["notify"].DeleteAsync(new Uri($"{endpoints}/{endpointId}", UriKind.Relative))).ExpectAsync(HttpStatusCode.OK);
        }

        // Directory: a collect is not made (nor remembered) without the token.
        var key = InternalServices.NewId("pay") + ":collect";
        var collect = new { collect_id = key, handle = "success@okhdfcbank", amount = 100, currency = "inr" };
        using (var refused = new HttpRequestMessage(HttpMethod.Post, new Uri("/v1/collect", UriKind.Relative)) { Content = Json(collect) })
        {
            refused.Headers.Add("Idempotency-Key", key);
            await (await anonymous["directory"].SendAsync(refused)).ExpectProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        }
        await (await authorized["directory"].GetAsync(new Uri($"/v1/collects/{key}", UriKind.Relative))).ExpectAsync(HttpStatusCode.NotFound);
        using (var allowed = new HttpRequestMessage(HttpMethod.Post, new Uri("/v1/collect", UriKind.Relative)) { Content = Json(collect) })
        {
            allowed.Headers.Add("Idempotency-Key", key);
            await (await authorized["directory"].SendAsync(allowed)).ExpectAsync(HttpStatusCode.OK);
        }
        var record = await (await authorized["directory"].GetAsync(new Uri($"/v1/collects/{key}", UriKind.Relative))).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(1, record.GetProperty("requests").GetInt32());
    }

    [Fact]
    public async Task EveryAdminRouteRefusesNoKeyAWrongKeyAMerchantKeyAndTheInternalTokenAndChangesNothing()
    {
        using var merchant = await fixture.App.CreateMerchantAsync();
        using var admin = await fixture.App.CreateAdminClientAsync();
        var adminKey = await fixture.App.AdminKeyAsync();
        var keyId = (await (await merchant.Client.GetAsync(new Uri("/v1/api_keys", UriKind.Relative))).ExpectAsync(HttpStatusCode.OK)).GetProperty("data")[0].GetProperty("id").GetString()!;
        var routes = new (string Path, object? Body)[]
        {
            ("/v1/merchants", new { name = "not made" }),
            ($"/v1/merchants/{merchant.Id}", null),
            ($"/v1/merchants/{merchant.Id}", new { fee_rule = new { basis_points = 0, @fixed = 0 } }),
            ($"/v1/merchants/{merchant.Id}/api_keys", null),
            ($"/v1/merchants/{merchant.Id}/api_keys/{keyId}/revoke", null),
        };
        var credentials = new (string Name, string? Authorization, string Code)[]
        {
            ("no key", null, "authentication_required"),
            ("the admin key under the Basic scheme", $"Basic {adminKey}", "authentication_required"),
            ("the admin key with a character more", $"Bearer {adminKey}x", "invalid_admin_key"),
            ("the admin key with its last character dropped", $"Bearer {adminKey[..^1]}", "invalid_admin_key"),
            ("the admin key with its case changed", $"Bearer {SwapCase(adminKey)}", "invalid_admin_key"),
            ("the merchant's secret key", $"Bearer {merchant.SecretKey}", "invalid_admin_key"),
            ("the internal token", $"Bearer {await fixture.App.TokenAsync()}", "invalid_admin_key"),
        };
        var merchantBefore = (await (await admin.GetAsync(new Uri($"/v1/merchants/{merchant.Id}", UriKind.Relative))).ExpectAsync(HttpStatusCode.OK)).GetRawText();
        var merchantsBefore = await fixture.App.CountAsync("SELECT count(*) FROM merchants");

        using var gateway = fixture.App.CreateHttpClient("gateway");
        foreach (var (path, body) in routes)
        {
            var method = body is null && !path.EndsWith("api_keys", StringComparison.Ordinal) && !path.EndsWith("revoke", StringComparison.Ordinal) ? HttpMethod.Get : HttpMethod.Post;
            foreach (var (name, authorization, code) in credentials)
            {
                using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = body is null ? null : Json(body) };
                if (authorization is not null)
                {
                    request.Headers.TryAddWithoutValidation("Authorization", authorization);
                }
                using var response = await gateway.SendAsync(request);
                var answer = await response.Content.ReadAsStringAsync();
                Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path} with {name} answered {(int)response.StatusCode}: {answer}");
                await response.ExpectProblemAsync(HttpStatusCode.Unauthorized, code);
            }
        }
        // A body the route cannot read is still refused for the key first, never parsed for an anonymous caller.
        using (var malformed = await gateway.PostRawAsync("/v1/merchants", "{\"name\": "))
        {
            await malformed.ExpectProblemAsync(HttpStatusCode.Unauthorized, "authentication_required");
        }

        Assert.Equal(merchantBefore, (await (await admin.GetAsync(new Uri($"/v1/merchants/{merchant.Id}", UriKind.Relative))).ExpectAsync(HttpStatusCode.OK)).GetRawText());
        Assert.Equal(merchantsBefore, await fixture.App.CountAsync("SELECT count(*) FROM merchants"));
        Assert.Equal(1, await fixture.App.CountAsync("SELECT count(*) FROM api_keys WHERE merchant_id = $1 AND (expires_at IS NULL OR expires_at > now())", merchant.Id));
        await (await merchant.Client.GetAsync(new Uri("/v1/payments", UriKind.Relative))).ExpectAsync(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("gateway-admin-key")]
    [InlineData("internal-token")]
    public async Task ThePlatformsOwnSecretsAreNotMerchantKeys(string parameter)
    {
        var secret = parameter == "internal-token" ? await fixture.App.TokenAsync() : await fixture.App.AdminKeyAsync();
        using var gateway = fixture.App.CreateHttpClient("gateway");
        gateway.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);

        await (await gateway.GetAsync(new Uri("/v1/payments", UriKind.Relative))).ExpectProblemAsync(HttpStatusCode.Unauthorized, "invalid_api_key");
        await (await gateway.PostAsync("/v1/payments", GatewayRequests.Payment())).ExpectProblemAsync(HttpStatusCode.Unauthorized, "invalid_api_key");
    }

    private static StringContent Json(object body) =>
        new(JsonSerializer.Serialize(body, InternalServices.Json), Encoding.UTF8, "application/json");

    private static string SwapCase(string value) =>
        new([.. value.Select(c => char.IsUpper(c) ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c))]);

    private static async Task<List<JsonElement>> BlockedAsync(HttpClient risk, string ip) =>
        [.. (await (await risk.GetAsync(new Uri($"/v1/blocklist?kind=ip&value={ip}", UriKind.Relative))).ExpectAsync(HttpStatusCode.OK)).GetProperty("data").EnumerateArray()];

    private async Task<string> EndpointSecretAsync(string endpointId) =>
        string.Join(' ', Assert.Single(await Probes.QueryAsync((await fixture.App.GetConnectionStringAsync("notifydb"))!,
            "SELECT encode(secret_ciphertext, 'hex'), coalesce(encode(previous_secret_ciphertext, 'hex'), '') FROM endpoints WHERE id = $1", endpointId)));

    private async Task<ClientSet> ClientsAsync(bool withToken)
    {
        var set = new ClientSet();
        foreach (var resource in new[] { "ledger", "risk", "notify", "directory" })
        {
            set[resource] = await fixture.App.CreateInternalClientAsync(resource, withToken: withToken);
        }
        return set;
    }

    /// <summary>Internal clients by resource name, disposed together.</summary>
    private sealed class ClientSet : Dictionary<string, HttpClient>, IDisposable
    {
        public void Dispose()
        {
            foreach (var client in Values)
            {
                client.Dispose();
            }
        }
    }
}
