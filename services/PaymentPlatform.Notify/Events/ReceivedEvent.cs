using System.Globalization;
using System.Text.Json;
using PaymentPlatform.Redis;

namespace PaymentPlatform.Notify.Events;

/// <summary>An event as the gateway's relay wrote it to the stream (one entry per event).</summary>
internal sealed record ReceivedEvent(
    string EventId, string Type, string MerchantId, string Payload, string? Traceparent, DateTimeOffset? CreatedAt, string StreamId)
{
    /// <summary>Reads an entry's fields; null (with the reason) when it cannot be recorded.</summary>
    public static (ReceivedEvent? Event, string? Error) Parse(StreamEntry entry)
    {
        var eventId = (string?)entry["event_id"];
        var type = (string?)entry["type"];
        var merchantId = (string?)entry["merchant_id"];
        var payload = (string?)entry["payload"];
        if (string.IsNullOrEmpty(eventId) || string.IsNullOrEmpty(type) || string.IsNullOrEmpty(merchantId) || payload is null)
        {
            return (null, "event_id, type, merchant_id or payload is missing");
        }
        try
        {
            using var _ = JsonDocument.Parse(payload);
        }
        catch (JsonException)
        {
            return (null, "payload is not JSON");
        }
        var traceparent = (string?)entry["traceparent"];
        DateTimeOffset? createdAt = DateTimeOffset.TryParse((string?)entry["created_at"], CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var parsed)
            ? parsed.ToUniversalTime()
            : null;
        return (new ReceivedEvent(eventId, type, merchantId, payload, string.IsNullOrEmpty(traceparent) ? null : traceparent, createdAt, entry.Id), null);
    }
}
