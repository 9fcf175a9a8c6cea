using Npgsql;
using NpgsqlTypes;

namespace PaymentPlatform.Notify.Events;

/// <summary>
/// notifydb's <c>events</c>: each event once, by event id, however often the stream delivers it,
/// with its pending deliveries (one per enabled endpoint of the merchant whose enabled_events match,
/// <c>*</c> for all) written by the same statement, so both are committed before the XACK.
/// </summary>
internal sealed class ReceivedEventStore(NpgsqlDataSource dataSource)
{
    /// <summary>Records a batch in one statement (committed when it returns); returns how many events and deliveries were new.</summary>
    public async Task<(int Events, int Deliveries)> RecordAsync(IReadOnlyList<ReceivedEvent> events, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            return (0, 0);
        }
        await using var command = dataSource.CreateCommand(
            """
            WITH recorded AS (
                INSERT INTO events (event_id, type, merchant_id, payload, traceparent, stream_id, created_at)
                SELECT e, t, m, p::jsonb, tp, s, c
                FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[]) AS x(e, t, m, p, tp, s, c)
                ON CONFLICT (event_id) DO NOTHING
                RETURNING event_id, type, merchant_id),
            pending AS (
                INSERT INTO deliveries (event_id, endpoint_id, merchant_id, next_attempt_at)
                SELECT r.event_id, e.id, r.merchant_id, now()
                FROM recorded r
                JOIN endpoints e ON e.merchant_id = r.merchant_id AND e.status = 'enabled'
                WHERE '*' = ANY(e.enabled_events) OR r.type = ANY(e.enabled_events)
                ON CONFLICT DO NOTHING
                RETURNING 1)
            SELECT (SELECT count(*) FROM recorded)::int, (SELECT count(*) FROM pending)::int
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = events.Select(e => e.EventId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = events.Select(e => e.Type).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = events.Select(e => e.MerchantId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = events.Select(e => e.Payload).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = events.Select(e => e.Traceparent).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = events.Select(e => e.StreamId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = events.Select(e => e.CreatedAt).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt32(0), reader.GetInt32(1));
    }
}
