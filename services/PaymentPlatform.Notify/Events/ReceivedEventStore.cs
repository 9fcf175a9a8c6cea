using Npgsql;
using NpgsqlTypes;

namespace PaymentPlatform.Notify.Events;

/// <summary>notifydb's <c>events</c>: each event once, by event id, however often the stream delivers it.</summary>
internal sealed class ReceivedEventStore(NpgsqlDataSource dataSource)
{
    /// <summary>Records a batch in one statement (committed when it returns); returns how many were new.</summary>
    public async Task<int> RecordAsync(IReadOnlyList<ReceivedEvent> events, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            return 0;
        }
        await using var command = dataSource.CreateCommand(
            """
            INSERT INTO events (event_id, type, merchant_id, payload, traceparent, stream_id, created_at)
            SELECT e, t, m, p::jsonb, tp, s, c
            FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[]) AS x(e, t, m, p, tp, s, c)
            ON CONFLICT (event_id) DO NOTHING
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = events.Select(e => e.EventId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = events.Select(e => e.Type).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = events.Select(e => e.MerchantId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = events.Select(e => e.Payload).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = events.Select(e => e.Traceparent).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = events.Select(e => e.StreamId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = events.Select(e => e.CreatedAt).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
