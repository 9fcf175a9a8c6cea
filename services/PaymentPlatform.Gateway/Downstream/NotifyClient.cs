using System.Net.Http.Json;
using System.Text.Json;
using PaymentPlatform.Gateway.Infrastructure;
using PaymentPlatform.Gateway.Webhooks;
using Polly;

namespace PaymentPlatform.Gateway.Downstream;

/// <summary>
/// Notify's merchant-facing internal API (docs/notify.md, "Internal API"); the merchant id always comes from the
/// caller's API key. No POST here carries an <c>Idempotency-Key</c>, so the pipeline never retries one: endpoint
/// creation is not idempotent at notify (a retry after a lost answer would make a second endpoint), and a repeated
/// secret roll would replace the secret the overlap is meant to keep. GET and DELETE are retried as usual.
/// </summary>
internal sealed class NotifyClient(HttpClient http)
{
    private const string Service = "notify";

    public Task<NotifyAnswer<NotifyEndpoint>> CreateEndpointAsync(string merchantId, CreateWebhookEndpointRequest body, CancellationToken cancellationToken) =>
        SendAsync<NotifyEndpoint>(HttpMethod.Post, $"{Merchant(merchantId)}/endpoints", JsonContent.Create(body, options: Json.Options), cancellationToken);

    public Task<NotifyAnswer<NotifyList<NotifyEndpoint>>> ListEndpointsAsync(string merchantId, CancellationToken cancellationToken) =>
        SendAsync<NotifyList<NotifyEndpoint>>(HttpMethod.Get, $"{Merchant(merchantId)}/endpoints", null, cancellationToken);

    public Task<NotifyAnswer<WebhookEndpointDeleted>> DeleteEndpointAsync(string merchantId, string endpointId, CancellationToken cancellationToken) =>
        SendAsync<WebhookEndpointDeleted>(HttpMethod.Delete, $"{Merchant(merchantId)}/endpoints/{Uri.EscapeDataString(endpointId)}", null, cancellationToken);

    public Task<NotifyAnswer<NotifyEndpoint>> RollSecretAsync(string merchantId, string endpointId, long? expiresIn, CancellationToken cancellationToken) =>
        SendAsync<NotifyEndpoint>(HttpMethod.Post, $"{Merchant(merchantId)}/endpoints/{Uri.EscapeDataString(endpointId)}/roll_secret",
            JsonContent.Create(new RollSecretRequest(expiresIn), options: Json.Options), cancellationToken);

    public Task<NotifyAnswer<NotifyList<WebhookDeliveryResponse>>> ListDeliveriesAsync(string merchantId, string eventId, CancellationToken cancellationToken) =>
        SendAsync<NotifyList<WebhookDeliveryResponse>>(HttpMethod.Get, $"{Merchant(merchantId)}/events/{Uri.EscapeDataString(eventId)}/deliveries", null, cancellationToken);

    public Task<NotifyAnswer<NotifyList<WebhookDeliveryResponse>>> RetryEventAsync(string merchantId, string eventId, CancellationToken cancellationToken) =>
        SendAsync<NotifyList<WebhookDeliveryResponse>>(HttpMethod.Post, $"{Merchant(merchantId)}/events/{Uri.EscapeDataString(eventId)}/retry",
            JsonContent.Create(new { }, options: Json.Options), cancellationToken);

    private static string Merchant(string merchantId) => $"v1/merchants/{Uri.EscapeDataString(merchantId)}";

    /// <summary>
    /// A success, or notify's refusal (a 4xx with its problem's code and detail) for the caller to map. No answer, a 5xx,
    /// or the pipeline giving up is <see cref="DownstreamException"/> with <c>Unavailable</c>.
    /// </summary>
    private async Task<NotifyAnswer<T>> SendAsync<T>(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
        where T : class
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or ExecutionRejectedException)
        {
            throw new DownstreamException(Service, unavailable: true, $"{Service} {method} {path}: {ex.GetType().Name}", ex);
        }
        using (response)
        {
            var status = (int)response.StatusCode;
            if (status >= 500)
            {
                throw new DownstreamException(Service, unavailable: true, $"{Service} {method} {path} answered {status}.", status: status);
            }
            if (!response.IsSuccessStatusCode)
            {
                var (code, detail) = Problem(await response.Content.ReadAsStringAsync(cancellationToken));
                return new NotifyAnswer<T>(null, status, code, detail);
            }
            var value = await response.Content.ReadFromJsonAsync<T>(Json.Options, cancellationToken)
                ?? throw new DownstreamException(Service, unavailable: false, $"{Service} {method} {path} answered an empty body.");
            return new NotifyAnswer<T>(value, status, null, null);
        }
    }

    private static (string? Code, string? Detail) Problem(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object
                ? (String(root, "code"), String(root, "detail"))
                : (null, null);
        }
        catch (JsonException)
        {
            return (null, null);
        }

        static string? String(JsonElement root, string name) =>
            root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }
}

/// <summary>Notify's answer: <see cref="Value"/> on success, else its status and problem.</summary>
internal sealed record NotifyAnswer<T>(T? Value, int Status, string? Code, string? Detail) where T : class;

/// <summary>Notify's list object (it answers every item at once: <c>has_more</c> is false).</summary>
internal sealed record NotifyList<T>(string Object, IReadOnlyList<T> Data, bool HasMore);

/// <summary>Notify's webhook endpoint, with the merchant id the public shape leaves out.</summary>
internal sealed record NotifyEndpoint(
    string Id,
    string Object,
    string MerchantId,
    string Url,
    IReadOnlyList<string> EnabledEvents,
    string? Description,
    string Status,
    long Created,
    string? Secret,
    string? DisabledReason,
    int? RateLimit)
{
    public WebhookEndpointResponse ToResponse() =>
        new(Id, "webhook_endpoint", Url, EnabledEvents, Description, Status, Created, DisabledReason, RateLimit, Secret);
}
