namespace PaymentPlatform.Notify.Endpoints;

/// <summary>Stripe's <c>POST /v1/webhook_endpoints</c> body, forwarded by the gateway with the merchant id in the path.</summary>
public sealed record CreateWebhookEndpointRequest(string? Url, IReadOnlyList<string>? EnabledEvents, string? Description);

/// <summary>A webhook endpoint; <see cref="Secret"/> only in the answer to its creation (and, later, a secret roll).</summary>
public sealed record WebhookEndpointResponse(
    string Id,
    string Object,
    string MerchantId,
    string Url,
    IReadOnlyList<string> EnabledEvents,
    string? Description,
    string Status,
    long Created,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    string? Secret = null);

public sealed record ListResponse<T>(string Object, IReadOnlyList<T> Data, bool HasMore);

/// <summary>The closed list of event types (contracts.md, "Event types").</summary>
internal static class EventTypes
{
    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        "payment.authorized", "payment.captured", "payment.canceled", "payment.declined", "payment.review", "refund.succeeded",
    };
}
