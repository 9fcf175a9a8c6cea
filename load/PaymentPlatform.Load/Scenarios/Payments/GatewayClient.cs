using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PaymentPlatform.Load.Scenarios.Payments;

/// <summary>
/// Everything the load scenarios know about the gateway's public API, in one place so a change to
/// the API is a change here: routes, headers, bodies, and how answers are read.
/// </summary>
public sealed class GatewayClient(HttpClient http)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Creates a merchant whose rate limit is raised for the load (admin API).</summary>
    public async Task<Merchant> CreateMerchantAsync(string adminKey, string name, RateLimit rateLimit, CancellationToken cancellationToken)
    {
        using var request = Post("/v1/merchants", adminKey, idempotencyKey: null, new { name, rate_limit = rateLimit });
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw new HttpRequestException($"POST /v1/merchants answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)}");
        }
        return (await response.Content.ReadFromJsonAsync<Merchant>(Json, cancellationToken).ConfigureAwait(false))!;
    }

    public Task<GatewayAnswer<Payment>> CreatePaymentAsync(string secretKey, string idempotencyKey, CreatePayment payment, CancellationToken cancellationToken) =>
        SendAsync<Payment>(Post("/v1/payments", secretKey, idempotencyKey, payment), cancellationToken);

    public Task<GatewayAnswer<Payment>> CaptureAsync(string secretKey, string paymentId, string idempotencyKey, CancellationToken cancellationToken) =>
        SendAsync<Payment>(Post($"/v1/payments/{paymentId}/capture", secretKey, idempotencyKey, new { }), cancellationToken);

    public Task<GatewayAnswer<Refund>> RefundAsync(string secretKey, string paymentId, long amount, string idempotencyKey, CancellationToken cancellationToken) =>
        SendAsync<Refund>(Post("/v1/refunds", secretKey, idempotencyKey, new { payment = paymentId, amount }), cancellationToken);

    public Task<GatewayAnswer<Payment>> GetPaymentAsync(string secretKey, string paymentId, CancellationToken cancellationToken)
    {
        return SendAsync<Payment>(Authorized(HttpMethod.Get, $"/v1/payments/{paymentId}", secretKey), cancellationToken);
    }

    /// <summary>One page of the merchant's payments, newest first (cursor pagination).</summary>
    public Task<GatewayAnswer<PaymentList>> ListPaymentsAsync(string secretKey, string? startingAfter, CancellationToken cancellationToken)
    {
        var query = startingAfter is null ? "" : $"&starting_after={Uri.EscapeDataString(startingAfter)}";
        return SendAsync<PaymentList>(Authorized(HttpMethod.Get, $"/v1/payments?limit=100{query}", secretKey), cancellationToken);
    }

    public Task<GatewayAnswer<HandleValidation>> ValidateHandleAsync(string secretKey, string handle, CancellationToken cancellationToken) =>
        SendAsync<HandleValidation>(Post("/v1/payment_handles/validate", secretKey, idempotencyKey: null, new { handle }), cancellationToken);

    /// <summary>Registers a webhook endpoint for every event type; the answer is the only place its secret is shown.</summary>
    public Task<GatewayAnswer<WebhookEndpoint>> CreateWebhookEndpointAsync(string secretKey, string url, string description, CancellationToken cancellationToken) =>
        SendAsync<WebhookEndpoint>(Post("/v1/webhook_endpoints", secretKey, idempotencyKey: null, new { url, enabled_events = new[] { "*" }, description }), cancellationToken);

    /// <summary>The merchant's webhook endpoints (without their secrets).</summary>
    public Task<GatewayAnswer<WebhookEndpointList>> ListWebhookEndpointsAsync(string secretKey, CancellationToken cancellationToken)
    {
        return SendAsync<WebhookEndpointList>(Authorized(HttpMethod.Get, "/v1/webhook_endpoints", secretKey), cancellationToken);
    }

    public Task<GatewayAnswer<DeletedObject>> DeleteWebhookEndpointAsync(string secretKey, string endpointId, CancellationToken cancellationToken)
    {
        return SendAsync<DeletedObject>(Authorized(HttpMethod.Delete, $"/v1/webhook_endpoints/{Uri.EscapeDataString(endpointId)}", secretKey), cancellationToken);
    }

    /// <summary>One page of the merchant's events, newest first (cursor pagination).</summary>
    public Task<GatewayAnswer<EventList>> ListEventsAsync(string secretKey, string? startingAfter, CancellationToken cancellationToken)
    {
        var query = startingAfter is null ? "" : $"&starting_after={Uri.EscapeDataString(startingAfter)}";
        return SendAsync<EventList>(Authorized(HttpMethod.Get, $"/v1/events?limit=100{query}", secretKey), cancellationToken);
    }

    private static HttpRequestMessage Authorized(HttpMethod method, string path, string secretKey)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secretKey);
        return request;
    }

    private static HttpRequestMessage Post<T>(string path, string bearer, string? idempotencyKey, T body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body, options: Json) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }
        return request;
    }

    private async Task<GatewayAnswer<T>> SendAsync<T>(HttpRequestMessage request, CancellationToken cancellationToken) where T : class
    {
        using (request)
        {
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return new GatewayAnswer<T>(status, JsonSerializer.Deserialize<T>(body, Json), null, null);
            }
            // Errors are RFC 9457 problem+json with a stable code; a decline may carry the payment it created.
            var problem = TryParse<Problem>(body);
            return new GatewayAnswer<T>(status, null, problem?.Code ?? LastSegment(problem?.Type), problem?.PaymentId ?? problem?.Payment?.Id ?? problem?.PaymentIntent?.Id);
        }
    }

    private static T? TryParse<T>(string body) where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(body, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? LastSegment(string? type) => type?.TrimEnd('/').Split('/')[^1];

    private sealed record Problem(string? Type, string? Code, string? PaymentId, Payment? Payment, Payment? PaymentIntent);
}

/// <summary>An answer: the status, the body when it succeeded, else the problem's code (and the payment a decline created, if any).</summary>
public sealed record GatewayAnswer<T>(int Status, T? Value, string? ErrorCode, string? PaymentId) where T : class
{
    public string Kind => Value is not null ? $"{Status}" : $"{Status} {ErrorCode ?? "(no code)"}";
}

public sealed record RateLimit(int RequestsPerSecond, int Burst);

public sealed record Merchant(string Id, string SecretKey);

public sealed record Card(string Number, int ExpMonth, int ExpYear, string Cvc);

public sealed record PaymentMethod(string Type, Card Card);

public sealed record CreatePayment(long Amount, string Currency, string CaptureMethod, PaymentMethod PaymentMethod);

public sealed record Payment(string Id, string Status);

public sealed record PaymentList(IReadOnlyList<Payment> Data, bool HasMore);

public sealed record Refund(string Id, string Status);

public sealed record HandleValidation(bool Valid, string? Name);

/// <summary>A webhook endpoint; <c>secret</c> only in the answer that created it.</summary>
public sealed record WebhookEndpoint(string Id, string Url, string? Secret);

public sealed record WebhookEndpointList(IReadOnlyList<WebhookEndpoint> Data);

public sealed record DeletedObject(string Id, bool Deleted);

/// <summary>An event: <c>data.object</c> is the payment, or for <c>refund.succeeded</c> the refund (with its <c>payment</c>).</summary>
public sealed record PlatformEvent(string Id, string Type, long Created, JsonElement Data);

public sealed record EventList(IReadOnlyList<PlatformEvent> Data, bool HasMore);

/// <summary>The payment statuses of the public API (contracts.md).</summary>
public static class PaymentStatus
{
    public const string RequiresCapture = "requires_capture";
    public const string Succeeded = "succeeded";
    public const string PartiallyRefunded = "partially_refunded";
    public const string Declined = "declined";
}
