using System.Text.Json.Serialization;

namespace PaymentPlatform.Gateway.Webhooks;

/// <summary><c>POST /v1/webhook_endpoints</c> (Stripe's shape); forwarded to notify, which validates it.</summary>
/// <param name="RateLimit">Optional: at most this many delivery attempts per second to the endpoint.</param>
public sealed record CreateWebhookEndpointRequest(string? Url, IReadOnlyList<string>? EnabledEvents, string? Description, int? RateLimit = null);

/// <summary><c>POST /v1/webhook_endpoints/{id}/roll_secret</c>: how long the previous secret keeps signing (seconds; default 24 h).</summary>
public sealed record RollSecretRequest(long? ExpiresIn);

/// <summary>A webhook endpoint; <see cref="Secret"/> only in the answer to its creation and to a secret roll.</summary>
public sealed record WebhookEndpointResponse(
    string Id,
    string Object,
    string Url,
    IReadOnlyList<string> EnabledEvents,
    string? Description,
    string Status,
    long Created,
    string? DisabledReason,
    int? RateLimit,
    // Last and optional, so the published schema does not require it: lists and reads never carry it.
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    string? Secret = null);

/// <summary>Stripe's answer to a deletion.</summary>
public sealed record WebhookEndpointDeleted(string Id, string Object, bool Deleted);

/// <summary>One event's delivery to one endpoint, with its attempts (notify's shape, times in Unix seconds).</summary>
public sealed record WebhookDeliveryResponse(
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
    IReadOnlyList<WebhookDeliveryAttempt> Attempts);

public sealed record WebhookDeliveryAttempt(int Attempt, long AttemptedAt, string Outcome, int? ResponseCode, int LatencyMs, string? Error);
