using System.Text.Json;
using Npgsql;
using PaymentPlatform.Gateway.Events;

namespace PaymentPlatform.Gateway.Payments;

// The events API reads the outbox table the payment transactions write, with the payments' own
// keyset pagination (PaymentStore.Lists.cs), so both lists page the same way.
internal sealed partial class PaymentStore
{
    private const string EventColumns = "id, type, payload::text, created_at";

    /// <summary>A page of the merchant's events, newest first, optionally of one type; null when the cursor is not one of its events.</summary>
    public Task<Page<StoredEvent>?> ListEventsAsync(string merchantId, ListQuery query, string? type, CancellationToken cancellationToken) =>
        ListAsync("events", EventColumns, merchantId, query, type is null ? null : ("type", type), ReadEvent, cancellationToken);

    /// <summary>The merchant's event; null when there is none (or it belongs to another merchant, or was purged).</summary>
    public async Task<StoredEvent?> FindEventAsync(string id, string merchantId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {EventColumns} FROM events WHERE id = $1 AND merchant_id = $2");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = merchantId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadEvent(reader) : null;
    }

    private static StoredEvent ReadEvent(NpgsqlDataReader reader)
    {
        using var payload = JsonDocument.Parse(reader.GetString(2));
        return new StoredEvent(reader.GetString(0), reader.GetString(1), payload.RootElement.Clone(), reader.GetFieldValue<DateTimeOffset>(3));
    }
}
