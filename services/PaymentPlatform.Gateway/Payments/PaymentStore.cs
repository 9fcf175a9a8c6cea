using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using PaymentPlatform.Gateway.Infrastructure;

namespace PaymentPlatform.Gateway.Payments;

/// <summary>The payments table and the outbox, written together.</summary>
internal sealed class PaymentStore(NpgsqlDataSource dataSource)
{
    private const string Columns =
        "id, merchant_id, amount, currency, status, capture_method, review, review_reasons, risk_score, decline_reason, idempotency_key, created_at";

    public async Task<Payment?> FindAsync(string id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM payments WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    /// <summary>
    /// Inserts the payment and its events in one transaction. Returns false, writing nothing,
    /// when a payment with this id exists already (a retry with the same Idempotency-Key).
    /// </summary>
    public async Task<bool> InsertAsync(Payment payment, IReadOnlyList<OutboxEvent> events, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        await using (var insert = new NpgsqlCommand(
            """
            INSERT INTO payments (id, merchant_id, amount, currency, status, capture_method, review, review_reasons, risk_score, decline_reason, idempotency_key, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
            ON CONFLICT (id) DO NOTHING
            """, connection, transaction))
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = payment.Id });
            insert.Parameters.Add(new NpgsqlParameter { Value = payment.MerchantId });
            insert.Parameters.Add(new NpgsqlParameter { Value = payment.Amount });
            insert.Parameters.Add(new NpgsqlParameter { Value = payment.Currency });
            insert.Parameters.Add(new NpgsqlParameter { Value = payment.Status });
            insert.Parameters.Add(new NpgsqlParameter { Value = payment.CaptureMethod });
            insert.Parameters.Add(new NpgsqlParameter { Value = payment.Review });
            insert.Parameters.Add(new NpgsqlParameter { Value = payment.ReviewReasons.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            insert.Parameters.Add(new NpgsqlParameter { Value = (object?)payment.RiskScore ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Double });
            insert.Parameters.Add(new NpgsqlParameter { Value = (object?)payment.DeclineReason ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            insert.Parameters.Add(new NpgsqlParameter { Value = (object?)payment.IdempotencyKey ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            insert.Parameters.Add(new NpgsqlParameter { Value = payment.CreatedAt });
            if (await insert.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return false;
            }
        }

        var batch = new NpgsqlBatch(connection, transaction);
        await using (batch)
        {
            foreach (var e in events)
            {
                var command = new NpgsqlBatchCommand(
                    "INSERT INTO events (id, type, merchant_id, payload, traceparent, created_at) VALUES ($1, $2, $3, $4, $5, $6)");
                command.Parameters.Add(new NpgsqlParameter { Value = e.Id });
                command.Parameters.Add(new NpgsqlParameter { Value = e.Type });
                command.Parameters.Add(new NpgsqlParameter { Value = e.MerchantId });
                command.Parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(e.Payload, Json.Options), NpgsqlDbType = NpgsqlDbType.Jsonb });
                command.Parameters.Add(new NpgsqlParameter { Value = (object?)e.Traceparent ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
                command.Parameters.Add(new NpgsqlParameter { Value = payment.CreatedAt });
                batch.BatchCommands.Add(command);
            }
            if (batch.BatchCommands.Count > 0)
            {
                await batch.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    private static Payment Read(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetInt64(2),
        reader.GetString(3),
        reader.GetString(4),
        reader.GetString(5),
        reader.GetBoolean(6),
        reader.GetFieldValue<string[]>(7),
        reader.IsDBNull(8) ? null : reader.GetDouble(8),
        reader.IsDBNull(9) ? null : reader.GetString(9),
        reader.IsDBNull(10) ? null : reader.GetString(10),
        reader.GetFieldValue<DateTimeOffset>(11));
}
