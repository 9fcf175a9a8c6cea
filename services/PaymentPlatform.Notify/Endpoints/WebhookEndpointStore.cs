using Npgsql;
using NpgsqlTypes;

namespace PaymentPlatform.Notify.Endpoints;

/// <summary>notifydb's <c>endpoints</c>, and the deliveries as the merchant sees them.</summary>
internal sealed class WebhookEndpointStore(NpgsqlDataSource dataSource)
{
    private const string Columns = "id, url, enabled_events, description, status, created_at, disabled_reason, rate_limit";

    public async Task<DateTimeOffset> InsertAsync(string id, string merchantId, string url, IReadOnlyList<string> enabledEvents, string? description,
        int? rateLimit, byte[] secretCiphertext, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            INSERT INTO endpoints (id, merchant_id, url, enabled_events, description, secret_ciphertext, rate_limit)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            RETURNING created_at
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = merchantId });
        command.Parameters.Add(new NpgsqlParameter { Value = url });
        command.Parameters.Add(new NpgsqlParameter { Value = enabledEvents.ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)description ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = secretCiphertext });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)rateLimit ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return reader.GetFieldValue<DateTimeOffset>(0);
    }

    public async Task<IReadOnlyList<WebhookEndpointResponse>> ListAsync(string merchantId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT {Columns} FROM endpoints WHERE merchant_id = $1 AND deleted_at IS NULL ORDER BY created_at, id");
        command.Parameters.Add(new NpgsqlParameter { Value = merchantId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<WebhookEndpointResponse>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(Read(reader, merchantId));
        }
        return list;
    }

    /// <summary>Marks the endpoint deleted (kept for its deliveries' history) and cancels its pending deliveries.</summary>
    public async Task<bool> DeleteAsync(string merchantId, string id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            WITH deleted AS (
                UPDATE endpoints SET deleted_at = now(), status = 'disabled', disabled_reason = 'Deleted.', disabled_at = now()
                WHERE id = $1 AND merchant_id = $2 AND deleted_at IS NULL
                RETURNING id),
            canceled AS (
                UPDATE deliveries SET status = 'canceled', completed_at = now(), leased_until = NULL, leased_by = NULL
                WHERE endpoint_id IN (SELECT id FROM deleted) AND status = 'pending')
            SELECT count(*)::int FROM deleted
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = merchantId });
        return (int)(await command.ExecuteScalarAsync(cancellationToken))! == 1;
    }

    /// <summary>Makes <paramref name="newSecretCiphertext"/> current; the current one keeps signing until <paramref name="previousExpiresAt"/>.</summary>
    public async Task<WebhookEndpointResponse?> RollSecretAsync(string merchantId, string id, byte[] newSecretCiphertext, DateTimeOffset previousExpiresAt,
        CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"""
            UPDATE endpoints
            SET previous_secret_ciphertext = secret_ciphertext, previous_secret_expires_at = $3, secret_ciphertext = $4
            WHERE id = $1 AND merchant_id = $2 AND deleted_at IS NULL
            RETURNING {Columns}
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = merchantId });
        command.Parameters.Add(new NpgsqlParameter { Value = previousExpiresAt });
        command.Parameters.Add(new NpgsqlParameter { Value = newSecretCiphertext });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader, merchantId) : null;
    }

    /// <summary>The event's deliveries with their attempts; null when the merchant has no such event.</summary>
    public async Task<IReadOnlyList<DeliveryResponse>?> DeliveriesAsync(string merchantId, string eventId, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.CreateBatch();
        var exists = new NpgsqlBatchCommand("SELECT 1 FROM events WHERE event_id = $1 AND merchant_id = $2");
        exists.Parameters.Add(new NpgsqlParameter { Value = eventId });
        exists.Parameters.Add(new NpgsqlParameter { Value = merchantId });
        var deliveries = new NpgsqlBatchCommand(
            """
            SELECT endpoint_id, status, attempt_count, last_response_code, last_latency_ms, last_attempt_at, next_attempt_at, last_error
            FROM deliveries WHERE event_id = $1 AND merchant_id = $2 ORDER BY created_at, endpoint_id
            """);
        deliveries.Parameters.Add(new NpgsqlParameter { Value = eventId });
        deliveries.Parameters.Add(new NpgsqlParameter { Value = merchantId });
        var attempts = new NpgsqlBatchCommand(
            """
            SELECT a.endpoint_id, a.attempt, a.attempted_at, a.outcome, a.response_code, a.latency_ms, a.error
            FROM delivery_attempts a JOIN deliveries d USING (event_id, endpoint_id)
            WHERE a.event_id = $1 AND d.merchant_id = $2 ORDER BY a.endpoint_id, a.attempt, a.id
            """);
        attempts.Parameters.Add(new NpgsqlParameter { Value = eventId });
        attempts.Parameters.Add(new NpgsqlParameter { Value = merchantId });
        batch.BatchCommands.Add(exists);
        batch.BatchCommands.Add(deliveries);
        batch.BatchCommands.Add(attempts);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }
        await reader.NextResultAsync(cancellationToken);
        var rows = new List<(string EndpointId, string Status, int Count, int? Code, int? Latency, DateTimeOffset? Last, DateTimeOffset? Next, string? Error)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add((reader.GetString(0), reader.GetString(1), reader.GetInt32(2), NullableInt(reader, 3), NullableInt(reader, 4),
                NullableTime(reader, 5), NullableTime(reader, 6), reader.IsDBNull(7) ? null : reader.GetString(7)));
        }
        await reader.NextResultAsync(cancellationToken);
        var history = new Dictionary<string, List<AttemptResponse>>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            var endpointId = reader.GetString(0);
            if (!history.TryGetValue(endpointId, out var list))
            {
                history[endpointId] = list = [];
            }
            list.Add(new AttemptResponse(reader.GetInt32(1), reader.GetFieldValue<DateTimeOffset>(2).ToUnixTimeSeconds(), reader.GetString(3),
                NullableInt(reader, 4), reader.GetInt32(5), reader.IsDBNull(6) ? null : reader.GetString(6)));
        }
        return rows.Select(r => new DeliveryResponse("webhook_delivery", eventId, r.EndpointId, r.Status, r.Count, r.Code, r.Latency,
            r.Last?.ToUnixTimeSeconds(), r.Status == "pending" ? r.Next?.ToUnixTimeSeconds() : null, r.Error,
            history.TryGetValue(r.EndpointId, out var h) ? h : [])).ToList();
    }

    /// <summary>Schedules a new round of attempts, now, for the event's deliveries to enabled endpoints; false when there is no such event.</summary>
    public async Task<bool> RetryAsync(string merchantId, string eventId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            WITH event AS (SELECT event_id FROM events WHERE event_id = $1 AND merchant_id = $2),
            retried AS (
                UPDATE deliveries d SET status = 'pending', schedule_index = 0, next_attempt_at = now(), completed_at = NULL,
                                        leased_until = NULL, leased_by = NULL
                FROM endpoints e
                WHERE d.event_id IN (SELECT event_id FROM event) AND e.id = d.endpoint_id AND e.status = 'enabled' AND d.status <> 'canceled')
            SELECT count(*)::int FROM event
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = eventId });
        command.Parameters.Add(new NpgsqlParameter { Value = merchantId });
        return (int)(await command.ExecuteScalarAsync(cancellationToken))! == 1;
    }

    /// <summary>Exhausted deliveries (to endpoints still enabled) of events created in the range: pending again, from the schedule's start.</summary>
    public async Task<long> ReplayAsync(string merchantId, DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            UPDATE deliveries d SET status = 'pending', schedule_index = 0, next_attempt_at = now(), completed_at = NULL,
                                    leased_until = NULL, leased_by = NULL
            FROM events ev, endpoints e
            WHERE d.merchant_id = $1 AND d.status = 'exhausted' AND ev.event_id = d.event_id AND e.id = d.endpoint_id AND e.status = 'enabled'
              AND coalesce(ev.created_at, ev.received_at) >= $2 AND coalesce(ev.created_at, ev.received_at) < $3
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = merchantId });
        command.Parameters.Add(new NpgsqlParameter { Value = since });
        command.Parameters.Add(new NpgsqlParameter { Value = until });
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static WebhookEndpointResponse Read(NpgsqlDataReader reader, string merchantId) => new(
        reader.GetString(0), "webhook_endpoint", merchantId, reader.GetString(1), reader.GetFieldValue<string[]>(2),
        reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetString(4), reader.GetFieldValue<DateTimeOffset>(5).ToUnixTimeSeconds(),
        DisabledReason: reader.IsDBNull(6) ? null : reader.GetString(6), RateLimit: NullableInt(reader, 7));

    private static int? NullableInt(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt32(ordinal);

    private static DateTimeOffset? NullableTime(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<DateTimeOffset>(ordinal);
}
