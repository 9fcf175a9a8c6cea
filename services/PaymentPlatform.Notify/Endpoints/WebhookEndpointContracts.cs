using System.Text.Json.Serialization;

namespace PaymentPlatform.Notify.Endpoints;

/// <summary>Stripe's <c>POST /v1/webhook_endpoints</c> body, forwarded by the gateway with the merchant id in the path.</summary>
/// <param name="RateLimit">Optional: at most this many attempts per second to the endpoint.</param>
public sealed record CreateWebhookEndpointRequest(string? Url, IReadOnlyList<string>? EnabledEvents, string? Description, int? RateLimit = null);

/// <summary>A webhook endpoint; <see cref="Secret"/> only in the answer to its creation and to a secret roll.</summary>
public sealed record WebhookEndpointResponse(
    string Id,
    string Object,
    string MerchantId,
    string Url,
    IReadOnlyList<string> EnabledEvents,
    string? Description,
    string Status,
    long Created,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    string? Secret = null,
    string? DisabledReason = null,
    int? RateLimit = null);

/// <summary>Stripe's answer to a deletion.</summary>
public sealed record DeletedResponse(string Id, string Object, bool Deleted);

/// <summary><c>POST .../roll_secret</c>: how long the previous secret keeps signing (seconds; the default is configured, 24 h).</summary>
public sealed record RollSecretRequest(long? ExpiresIn);

/// <summary><c>POST .../replay</c>: exhausted deliveries of events created in [since, until) (Unix seconds; until defaults to now).</summary>
public sealed record ReplayRequest(long? Since, long? Until);

public sealed record ReplayResponse(string Object, long Replayed);

/// <summary>A delivery of one event to one endpoint, with its attempts.</summary>
public sealed record DeliveryResponse(
    string Object,
    string EventId,
    string EndpointId,
    string Status,
    int AttemptCount,
    int? ResponseCode,
    int? LatencyMs,
    long? LastAttemptAt,
    long? NextAttemptAt,
    string? LastError,
    IReadOnlyList<AttemptResponse> Attempts);

public sealed record AttemptResponse(int Attempt, long AttemptedAt, string Outcome, int? ResponseCode, int LatencyMs, string? Error);

public sealed record ListResponse<T>(string Object, IReadOnlyList<T> Data, bool HasMore);

/// <summary>The closed list of event types (contracts.md, "Event types").</summary>
internal static class EventTypes
{
    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        "payment.authorized", "payment.captured", "payment.canceled", "payment.declined", "payment.review", "refund.succeeded",
    };
}
