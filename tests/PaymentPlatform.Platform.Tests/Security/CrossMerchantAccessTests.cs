using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using PaymentPlatform.Hosting.Testing;
using PaymentPlatform.Platform.Tests.Gateway;

namespace PaymentPlatform.Platform.Tests.Security;

/// <summary>
/// Issue 16, "Security checks": a merchant can never read or change another merchant's payments, refunds, events,
/// webhook endpoints or API keys. Every public route that takes an id is tried with another merchant's id; the
/// answer must be the very answer an unknown id of the same shape gets (so an id's existence does not leak), and
/// the owner's objects, balance, endpoint secret and key are the same afterwards.
/// </summary>
[Collection(PlatformCollection.Name)]
public class CrossMerchantAccessTests(PlatformFixture fixture)
{
    /// <summary>A route tried with an id: the path (and body) with <c>{id}</c> standing for it.</summary>
    private sealed record Route(string Method, string Path, object? Body = null)
    {
        public override string ToString() => $"{Method} {Path}";
    }

    [Fact]
    public async Task EveryRouteThatTakesAnIdAnswersAnotherMerchantsIdExactlyAsAnUnknownOneAndChangesNothing()
    {
        using var owner = await fixture.App.CreateMerchantAsync();
        using var stranger = await fixture.App.CreateMerchantAsync();
        var held = await owner.NewPaymentAsync(1500);
        var captured = await owner.NewPaymentAsync(5000, "automatic");
        var refund = (await (await owner.Client.PostAsync("/v1/refunds", new { payment = captured, amount = 100 })).ExpectAsync(HttpStatusCode.Created))
            .GetProperty("id").GetString()!;
        var endpoint = (await (await owner.Client.PostAsync("/v1/webhook_endpoints", new { url = "http://127.0.0.1:9/hook", enabled_events = new[] { "payment.canceled" } }))
            .ExpectAsync(HttpStatusCode.Created)).GetProperty("id").GetString()!;
        var eventId = (await GetAsync(owner, "/v1/events")).GetProperty("data")[0].GetProperty("id").GetString()!;
        var keyId = (await GetAsync(owner, "/v1/api_keys")).GetProperty("data")[0].GetProperty("id").GetString()!;
        var before = await SnapshotAsync(owner, held, captured, refund, endpoint);

        var tries = new (string OwnersId, Route Route)[]
        {
            (held, new("GET", "/v1/payments/{id}")),
            (held, new("POST", "/v1/payments/{id}/capture", new { })),
            (held, new("POST", "/v1/payments/{id}/capture", new { amount_to_capture = 100 })),
            (held, new("POST", "/v1/payments/{id}/cancel", new { cancellation_reason = "fraudulent" })),
            (held, new("GET", "/v1/payments?starting_after={id}")),
            (held, new("GET", "/v1/payments?ending_before={id}")),
            (captured, new("POST", "/v1/refunds", new { payment = "{id}" })),
            (captured, new("POST", "/v1/refunds", new { payment = "{id}", amount = 50, reason = "requested_by_customer" })),
            (captured, new("GET", "/v1/refunds?payment={id}")),
            (refund, new("GET", "/v1/refunds/{id}")),
            (refund, new("GET", "/v1/refunds?starting_after={id}")),
            (eventId, new("GET", "/v1/events/{id}")),
            (eventId, new("GET", "/v1/events?starting_after={id}")),
            (eventId, new("GET", "/v1/events?ending_before={id}")),
            (eventId, new("GET", "/v1/events/{id}/deliveries")),
            (eventId, new("POST", "/v1/events/{id}/retry", null)),
            (endpoint, new("GET", "/v1/webhook_endpoints/{id}")),
            (endpoint, new("POST", "/v1/webhook_endpoints/{id}/roll_secret", new { expires_in = 0 })),
            (endpoint, new("DELETE", "/v1/webhook_endpoints/{id}")),
            (keyId, new("POST", "/v1/api_keys/{id}/revoke", null)),
        };
        foreach (var (ownersId, route) in tries)
        {
            var unknownId = UnknownLike(ownersId);
            var (status, answer) = await SendAsync(stranger.Client, route, ownersId);
            var (unknownStatus, unknownAnswer) = await SendAsync(stranger.Client, route, unknownId);
            Assert.True(status == unknownStatus, $"{route} with another merchant's id answered {(int)status}, an unknown id {(int)unknownStatus}: {answer}");
            Assert.Equal(Normalized(unknownAnswer, unknownId), Normalized(answer, ownersId));
            if (!route.Path.Contains('?', StringComparison.Ordinal))
            {
                Assert.True(status == HttpStatusCode.NotFound, $"{route} with another merchant's id answered {(int)status}, not 404: {answer}");
            }
            else
            {
                Assert.True(status is HttpStatusCode.NotFound or HttpStatusCode.BadRequest || (status == HttpStatusCode.OK && JsonNode.Parse(answer)!["data"]!.AsArray().Count == 0),
                    $"{route} with another merchant's id answered {(int)status}: {answer}");
            }
        }

        // The admin routes take a merchant and one of its keys: another merchant's key is not that merchant's.
        using (var admin = await fixture.App.CreateAdminClientAsync())
        {
            var route = new Route("POST", $"/v1/merchants/{stranger.Id}/api_keys/{{id}}/revoke");
            var unknownKeyId = UnknownLike(keyId);
            var (status, answer) = await SendAsync(admin, route, keyId);
            var (_, unknownAnswer) = await SendAsync(admin, route, unknownKeyId);
            Assert.True(status == HttpStatusCode.NotFound, $"{route} with another merchant's key answered {(int)status}: {answer}");
            Assert.Equal(Normalized(unknownAnswer, unknownKeyId), Normalized(answer, keyId));
        }

        // Nothing of the owner's changed; the stranger sees nothing and got no objects or events of its own.
        Assert.Equal(before, await SnapshotAsync(owner, held, captured, refund, endpoint));
        foreach (var list in new[] { "/v1/payments", "/v1/refunds", "/v1/events", "/v1/webhook_endpoints" })
        {
            Assert.Empty((await GetAsync(stranger, list)).GetProperty("data").EnumerateArray());
        }
    }

    [Fact]
    public async Task TheUnknownIdsTheComparisonUsesAreThemselvesAnsweredNotFound()
    {
        // The control for the test above: if the gateway answered unknown ids with something other than 404, the
        // comparison alone would pass for a route that served every merchant's objects.
        using var merchant = await fixture.App.CreateMerchantAsync();
        var paymentId = await merchant.NewPaymentAsync();
        var unknown = UnknownLike(paymentId);
        Assert.NotEqual(paymentId, unknown);
        await (await merchant.Client.GetAsync(new Uri($"/v1/payments/{unknown}", UriKind.Relative))).ExpectProblemAsync(HttpStatusCode.NotFound, "payment_not_found");
        await (await merchant.Client.GetAsync(new Uri($"/v1/payments/{paymentId}", UriKind.Relative))).ExpectAsync(HttpStatusCode.OK);
    }

    /// <summary>What the owner can see of its objects and money, and the endpoint's stored secrets (notifydb), as text.</summary>
    private async Task<string> SnapshotAsync(TestMerchant owner, string held, string captured, string refund, string endpoint)
    {
        var parts = new List<string>();
        foreach (var path in new[] { $"/v1/payments/{held}", $"/v1/payments/{captured}", $"/v1/refunds/{refund}", $"/v1/refunds?payment={captured}",
            "/v1/events", $"/v1/webhook_endpoints/{endpoint}", "/v1/webhook_endpoints", "/v1/api_keys", "/v1/balance" })
        {
            parts.Add($"{path} {(await GetAsync(owner, path)).GetRawText()}");
        }
        var notifyDb = (await fixture.App.GetConnectionStringAsync("notifydb"))!;
        var secrets = Assert.Single(await Probes.QueryAsync(notifyDb,
            "SELECT status, encode(secret_ciphertext, 'hex'), coalesce(encode(previous_secret_ciphertext, 'hex'), '') FROM endpoints WHERE id = $1", endpoint));
        parts.Add($"notifydb endpoints {string.Join(' ', secrets)}");
        return string.Join('\n', parts);
    }

    private static async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpClient client, Route route, string id)
    {
        using var request = new HttpRequestMessage(new HttpMethod(route.Method), new Uri(route.Path.Replace("{id}", id, StringComparison.Ordinal), UriKind.Relative));
        if (route.Body is not null)
        {
            var body = JsonSerializer.Serialize(route.Body).Replace("{id}", id, StringComparison.Ordinal);
            request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        }
        using var response = await client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The answer with the id tried written as <c>{id}</c> and the per-request trace id dropped.</summary>
    private static string Normalized(string answer, string id)
    {
        var node = JsonNode.Parse(answer.Replace(id, "{id}", StringComparison.Ordinal))!;
        if (node is JsonObject problem)
        {
            problem.Remove("traceId");
            problem.Remove("trace_id");
        }
        return node.ToJsonString();
    }

    /// <summary>An id of the same prefix and length as <paramref name="id"/> that names nothing.</summary>
    private static string UnknownLike(string id)
    {
        var underscore = id.IndexOf('_', StringComparison.Ordinal);
        var length = id.Length - underscore - 1;
        return id[..(underscore + 1)] + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes((length + 1) / 2))[..length];
    }

    private static async Task<JsonElement> GetAsync(TestMerchant merchant, string path)
    {
        using var response = await merchant.Client.GetAsync(new Uri(path, UriKind.Relative));
        return await response.ExpectAsync(HttpStatusCode.OK);
    }
}
