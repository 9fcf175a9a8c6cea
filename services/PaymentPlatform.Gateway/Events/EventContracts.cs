using System.Text.Json;
using PaymentPlatform.Gateway.Payments;

namespace PaymentPlatform.Gateway.Events;

/// <summary>An outbox row as the events API reads it: never its traceparent or relay state.</summary>
internal sealed record StoredEvent(string Id, string Type, JsonElement Payload, DateTimeOffset CreatedAt)
{
    /// <summary>
    /// Stripe's event object. <c>data</c> is the stored payload as it is (<c>{"object": ..., "reason"?, "reasons"?, "payment"?}</c>),
    /// the same <c>data</c> a webhook carries, so one handler serves both.
    /// </summary>
    public EventResponse ToResponse() => new(Id, "event", Type, CreatedAt.ToUnixTimeSeconds(), Payload);
}

/// <summary>The public event: <c>{"id": "evt_...", "object": "event", "type", "created", "data": {"object": ...}}</c>.</summary>
public sealed record EventResponse(string Id, string Object, string Type, long Created, JsonElement Data);

/// <summary>The closed list of event types (contracts.md, "Event types").</summary>
internal static class EventTypeList
{
    public static readonly IReadOnlyList<string> All =
    [
        EventTypes.PaymentAuthorized, EventTypes.PaymentCaptured, EventTypes.PaymentCanceled,
        EventTypes.PaymentDeclined, EventTypes.PaymentReview, EventTypes.RefundSucceeded,
    ];

    public static bool Contains(string type) => All.Contains(type, StringComparer.Ordinal);
}
