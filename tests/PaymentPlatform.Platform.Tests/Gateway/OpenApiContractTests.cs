using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using PaymentPlatform.Hosting.Testing;
using Xunit.Abstractions;

namespace PaymentPlatform.Platform.Tests.Gateway;

/// <summary>
/// The published contract matches the behaviour: real responses of the running gateway, recorded as a merchant
/// goes through its payments, validated against the schemas of <c>/openapi/v1.json</c> by ajv's JSON Schema
/// 2020-12 build (eng/validators/validate-openapi.mjs), as OpenAPI 3.1 requires.
/// </summary>
[Collection(PlatformCollection.Name)]
public class OpenApiContractTests(PlatformFixture fixture, ITestOutputHelper output)
{
    private static readonly string[] PublicOperations =
    [
        "post /v1/payments", "get /v1/payments", "get /v1/payments/{id}", "post /v1/payments/{id}/capture", "post /v1/payments/{id}/cancel",
        "post /v1/refunds", "get /v1/refunds", "get /v1/refunds/{id}", "get /v1/balance",
        "get /v1/api_keys", "post /v1/api_keys/roll", "post /v1/merchants",
        "get /v1/events", "get /v1/events/{id}", "post /v1/webhook_endpoints", "get /v1/webhook_endpoints", "delete /v1/webhook_endpoints/{id}",
        "post /v1/webhook_endpoints/{id}/roll_secret", "get /v1/events/{id}/deliveries", "post /v1/events/{id}/retry",
        "post /v1/payment_handles/validate",
    ];

    [Fact]
    public async Task TheDocumentIsOpenApi31AndDescribesEveryPublicRoute()
    {
        var document = await DocumentAsync();
        Assert.StartsWith("3.1", document["openapi"]!.GetValue<string>(), StringComparison.Ordinal);
        var paths = document["paths"]!.AsObject();
        foreach (var operation in PublicOperations)
        {
            var (method, path) = (operation.Split(' ')[0], operation.Split(' ')[1]);
            Assert.True(paths[path]?[method] is not null, $"{operation} is not in /openapi/v1.json");
        }
        Assert.Equal("bearer", document["components"]!["securitySchemes"]!["bearer"]!["scheme"]!.GetValue<string>());
    }

    [Fact]
    public async Task RealResponsesMatchTheDocumentsSchemas()
    {
        var recorder = new ResponseRecorder();
        using var merchant = await fixture.App.CreateMerchantAsync();
        var client = merchant.Client;

        var payment = await recorder.SendAsync(client, HttpMethod.Post, "/v1/payments", "/v1/payments", GatewayRequests.Payment(2000), "contract-1");
        var paymentId = payment.GetProperty("id").GetString()!;
        await recorder.SendAsync(client, HttpMethod.Post, "/v1/payments", "/v1/payments", GatewayRequests.Payment(2000), "contract-1");
        await recorder.SendAsync(client, HttpMethod.Post, "/v1/payments", "/v1/payments", GatewayRequests.Payment(2100), "contract-1");
        await recorder.SendAsync(client, HttpMethod.Post, "/v1/payments", "/v1/payments", GatewayRequests.Payment(card: "4000000000000002"));
        await recorder.SendAsync(client, HttpMethod.Post, "/v1/payments", "/v1/payments", new { amount = -1, currency = "usd" });
        await recorder.SendAsync(client, HttpMethod.Get, $"/v1/payments/{paymentId}", "/v1/payments/{id}");
        await recorder.SendAsync(client, HttpMethod.Get, "/v1/payments/pay_000000000000000000000000", "/v1/payments/{id}");
        await recorder.SendAsync(client, HttpMethod.Post, $"/v1/payments/{paymentId}/capture", "/v1/payments/{id}/capture", new { amount_to_capture = 1500 });
        await recorder.SendAsync(client, HttpMethod.Post, $"/v1/payments/{paymentId}/capture", "/v1/payments/{id}/capture", null);
        await recorder.SendAsync(client, HttpMethod.Post, $"/v1/payments/{paymentId}/cancel", "/v1/payments/{id}/cancel", null);
        var refund = await recorder.SendAsync(client, HttpMethod.Post, "/v1/refunds", "/v1/refunds", new { payment = paymentId, amount = 300, reason = "requested_by_customer" });
        await recorder.SendAsync(client, HttpMethod.Post, "/v1/refunds", "/v1/refunds", new { payment = paymentId, amount = 99_999 });
        await recorder.SendAsync(client, HttpMethod.Get, $"/v1/refunds/{refund.GetProperty("id").GetString()}", "/v1/refunds/{id}");
        await recorder.SendAsync(client, HttpMethod.Get, $"/v1/refunds?payment={paymentId}", "/v1/refunds");
        var other = await recorder.SendAsync(client, HttpMethod.Post, "/v1/payments", "/v1/payments", GatewayRequests.Payment(700));
        await recorder.SendAsync(client, HttpMethod.Post, $"/v1/payments/{other.GetProperty("id").GetString()}/cancel", "/v1/payments/{id}/cancel", new { cancellation_reason = "abandoned" });
        await recorder.SendAsync(client, HttpMethod.Get, "/v1/payments?limit=2", "/v1/payments");
        await recorder.SendAsync(client, HttpMethod.Get, "/v1/payments?limit=0", "/v1/payments");
        await recorder.SendAsync(client, HttpMethod.Get, "/v1/balance", "/v1/balance");
        var events = await recorder.SendAsync(client, HttpMethod.Get, "/v1/events?limit=3", "/v1/events");
        await recorder.SendAsync(client, HttpMethod.Get, $"/v1/events/{events.GetProperty("data")[0].GetProperty("id").GetString()}", "/v1/events/{id}");
        await recorder.SendAsync(client, HttpMethod.Get, "/v1/events?type=payment.lost", "/v1/events");
        await recorder.SendAsync(client, HttpMethod.Get, "/v1/events/evt_000000000000000000000000", "/v1/events/{id}");
        var endpoint = await recorder.SendAsync(client, HttpMethod.Post, "/v1/webhook_endpoints", "/v1/webhook_endpoints",
            new { url = "https://example.com/webhooks", enabled_events = new[] { "payment.captured" } });
        await recorder.SendAsync(client, HttpMethod.Post, "/v1/webhook_endpoints", "/v1/webhook_endpoints", new { url = "not a url", enabled_events = new[] { "*" } });
        await recorder.SendAsync(client, HttpMethod.Get, "/v1/webhook_endpoints", "/v1/webhook_endpoints");
        await recorder.SendAsync(client, HttpMethod.Post, $"/v1/webhook_endpoints/{endpoint.GetProperty("id").GetString()}/roll_secret", "/v1/webhook_endpoints/{id}/roll_secret", new { });
        await recorder.SendAsync(client, HttpMethod.Delete, $"/v1/webhook_endpoints/{endpoint.GetProperty("id").GetString()}", "/v1/webhook_endpoints/{id}");
        await recorder.SendAsync(client, HttpMethod.Post, "/v1/payment_handles/validate", "/v1/payment_handles/validate", new { handle = "success@okhdfcbank" });
        await recorder.SendAsync(client, HttpMethod.Post, "/v1/payment_handles/validate", "/v1/payment_handles/validate", new { handle = "no-at-sign" });
        await recorder.SendAsync(client, HttpMethod.Get, "/v1/api_keys", "/v1/api_keys");
        using (var anonymous = fixture.App.CreateHttpClient("gateway"))
        {
            await recorder.SendAsync(anonymous, HttpMethod.Get, "/v1/balance", "/v1/balance");
        }
        using (var admin = await fixture.App.CreateAdminClientAsync())
        {
            await recorder.SendAsync(admin, HttpMethod.Post, "/v1/merchants", "/v1/merchants", new { name = "Contract merchant" });
            await recorder.SendAsync(admin, HttpMethod.Post, "/v1/merchants", "/v1/merchants", new { name = "" });
        }
        await recorder.SendAsync(client, HttpMethod.Post, "/v1/api_keys/roll", "/v1/api_keys/roll", new { expires_in_seconds = 60 });

        var directory = Directory.CreateTempSubdirectory("paymentplatform-openapi-");
        try
        {
            var documentPath = Path.Combine(directory.FullName, "openapi.json");
            var samplesPath = Path.Combine(directory.FullName, "samples.json");
            await File.WriteAllTextAsync(documentPath, (await DocumentAsync()).ToJsonString());
            await File.WriteAllTextAsync(samplesPath, JsonSerializer.Serialize(recorder.Samples));
            var (exitCode, text) = await OpenApiValidator.RunAsync(documentPath, samplesPath);
            output.WriteLine(text);
            Assert.True(exitCode == 0, text);
            Assert.Contains($"{recorder.Samples.Count} of {recorder.Samples.Count} responses match", text, StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private async Task<JsonNode> DocumentAsync()
    {
        using var anonymous = fixture.App.CreateHttpClient("gateway");
        using var response = await anonymous.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }


    /// <summary>Sends requests and keeps each response as a sample for the validator: method, path template, status, media type, body.</summary>
    private sealed class ResponseRecorder
    {
        public List<object> Samples { get; } = [];

        public async Task<JsonElement> SendAsync(HttpClient client, HttpMethod method, string path, string template, object? body = null, string? idempotencyKey = null)
        {
            using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : System.Net.Http.Json.JsonContent.Create(body) };
            if (idempotencyKey is not null)
            {
                request.Headers.Add("Idempotency-Key", idempotencyKey);
            }
            using var response = await client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            var json = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
            Samples.Add(new
            {
                method = method.Method.ToLowerInvariant(),
                path = template,
                status = (int)response.StatusCode,
                contentType = response.Content.Headers.ContentType?.MediaType,
                body = text.Length == 0 ? (JsonElement?)null : json,
            });
            return json;
        }
    }
}
