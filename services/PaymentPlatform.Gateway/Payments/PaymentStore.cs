using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using PaymentPlatform.Gateway.Infrastructure;

namespace PaymentPlatform.Gateway.Payments;

/// <summary>The payments table and the outbox, written together.</summary>
internal sealed class PaymentStore(NpgsqlDataSource dataSource)
{
    private const string Columns =
        "id, merchant_id, amount, currency, status, capture_method, review, review_reasons, risk_score, decline_reason, idempotency_key, created_at, " +
        "amount_captured, fee, amount_refunded, amount_refund_pending, cancellation_reason";

    private const string RefundColumns = "id, payment_id, merchant_id, amount, currency, status, idempotency_key, created_at";

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

        await InsertEventsAsync(connection, transaction, events, payment.CreatedAt, cancellationToken);

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>The payment, only when it belongs to <paramref name="merchantId"/>: another merchant's payment is not found.</summary>
    public async Task<Payment?> FindForMerchantAsync(string id, string merchantId, CancellationToken cancellationToken) =>
        await FindAsync(id, cancellationToken) is { } payment && payment.MerchantId == merchantId ? payment : null;

    /// <summary>
    /// After the ledger captured: <c>requires_capture</c> -> <c>succeeded</c> with the amount and fee, and the
    /// events built from the updated row, in one transaction. The UPDATE is guarded on the status, so of two
    /// concurrent captures one wins; the other gets null and nothing is written.
    /// </summary>
    public Task<Payment?> MarkCapturedAsync(string id, long amount, long fee, Func<Payment, IReadOnlyList<OutboxEvent>> events, CancellationToken cancellationToken) =>
        TransitionAsync(
            $"""
            UPDATE payments SET status = 'succeeded', amount_captured = $2, fee = $3, updated_at = now()
            WHERE id = $1 AND status = 'requires_capture' AND $2 <= amount
            RETURNING {Columns}
            """, [id, amount, fee], events, cancellationToken);

    /// <summary><c>requires_capture</c> -> <c>canceled</c> with its reason and events, guarded as <see cref="MarkCapturedAsync"/>.</summary>
    public Task<Payment?> MarkCanceledAsync(string id, string reason, Func<Payment, IReadOnlyList<OutboxEvent>> events, CancellationToken cancellationToken) =>
        TransitionAsync(
            $"""
            UPDATE payments SET status = 'canceled', cancellation_reason = $2, updated_at = now()
            WHERE id = $1 AND status = 'requires_capture'
            RETURNING {Columns}
            """, [id, reason], events, cancellationToken);

    public async Task<Refund?> FindRefundAsync(string id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {RefundColumns} FROM refunds WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadRefund(reader) : null;
    }

    /// <summary>
    /// The refund's recovery point, before the ledger is called: the refund row (<c>pending</c>) and its
    /// amount reserved on the payment, in one transaction. The reservation is a guarded UPDATE (the payment
    /// refundable, captured less refunded less reserved at least the amount), so concurrent refunds can never
    /// together exceed what was captured.
    /// </summary>
    public async Task<ReserveRefundOutcome> ReserveRefundAsync(Refund refund, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var insert = new NpgsqlCommand(
            """
            INSERT INTO refunds (id, payment_id, merchant_id, amount, currency, status, idempotency_key, created_at)
            VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7)
            ON CONFLICT (id) DO NOTHING
            """, connection, transaction))
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = refund.Id });
            insert.Parameters.Add(new NpgsqlParameter { Value = refund.PaymentId });
            insert.Parameters.Add(new NpgsqlParameter { Value = refund.MerchantId });
            insert.Parameters.Add(new NpgsqlParameter { Value = refund.Amount });
            insert.Parameters.Add(new NpgsqlParameter { Value = refund.Currency });
            insert.Parameters.Add(new NpgsqlParameter { Value = (object?)refund.IdempotencyKey ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            insert.Parameters.Add(new NpgsqlParameter { Value = refund.CreatedAt });
            if (await insert.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return ReserveRefundOutcome.Exists;
            }
        }
        await using (var reserve = new NpgsqlCommand(
            """
            UPDATE payments SET amount_refund_pending = amount_refund_pending + $2, updated_at = now()
            WHERE id = $1 AND status IN ('succeeded', 'partially_refunded')
              AND amount_captured - amount_refunded - amount_refund_pending >= $2
            """, connection, transaction))
        {
            reserve.Parameters.Add(new NpgsqlParameter { Value = refund.PaymentId });
            reserve.Parameters.Add(new NpgsqlParameter { Value = refund.Amount });
            if (await reserve.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                await transaction.RollbackAsync(cancellationToken);
                return ReserveRefundOutcome.Refused;
            }
        }
        await transaction.CommitAsync(cancellationToken);
        return ReserveRefundOutcome.Reserved;
    }

    /// <summary>
    /// After the ledger moved the money: the refund <c>succeeded</c>, the reservation becomes refunded, the
    /// payment <c>partially_refunded</c> or <c>refunded</c>, and the events, in one transaction. Null when the
    /// refund is no longer pending (a concurrent retry completed it): nothing is written.
    /// </summary>
    public async Task<(Refund Refund, Payment Payment)?> CompleteRefundAsync(
        Refund refund, Func<Refund, Payment, IReadOnlyList<OutboxEvent>> events, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        Refund succeeded;
        await using (var mark = new NpgsqlCommand(
            $"UPDATE refunds SET status = 'succeeded', updated_at = now() WHERE id = $1 AND status = 'pending' RETURNING {RefundColumns}", connection, transaction))
        {
            mark.Parameters.Add(new NpgsqlParameter { Value = refund.Id });
            await using var reader = await mark.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }
            succeeded = ReadRefund(reader);
        }
        Payment payment;
        await using (var settle = new NpgsqlCommand(
            $"""
            UPDATE payments SET
                amount_refund_pending = amount_refund_pending - $2,
                amount_refunded = amount_refunded + $2,
                status = CASE WHEN amount_refunded + $2 = amount_captured THEN 'refunded' ELSE 'partially_refunded' END,
                updated_at = now()
            WHERE id = $1
            RETURNING {Columns}
            """, connection, transaction))
        {
            settle.Parameters.Add(new NpgsqlParameter { Value = succeeded.PaymentId });
            settle.Parameters.Add(new NpgsqlParameter { Value = succeeded.Amount });
            await using var reader = await settle.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            payment = Read(reader);
        }
        await InsertEventsAsync(connection, transaction, events(succeeded, payment), DateTimeOffset.UtcNow, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (succeeded, payment);
    }

    /// <summary>The ledger refused the refund: the pending row and its reservation go, in one transaction, as if never asked.</summary>
    public async Task ReleaseRefundAsync(Refund refund, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var delete = new NpgsqlCommand("DELETE FROM refunds WHERE id = $1 AND status = 'pending'", connection, transaction))
        {
            delete.Parameters.Add(new NpgsqlParameter { Value = refund.Id });
            if (await delete.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return;
            }
        }
        await using (var release = new NpgsqlCommand(
            "UPDATE payments SET amount_refund_pending = amount_refund_pending - $2, updated_at = now() WHERE id = $1", connection, transaction))
        {
            release.Parameters.Add(new NpgsqlParameter { Value = refund.PaymentId });
            release.Parameters.Add(new NpgsqlParameter { Value = refund.Amount });
            await release.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    private async Task<Payment?> TransitionAsync(string sql, object[] parameters, Func<Payment, IReadOnlyList<OutboxEvent>> events, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        Payment updated;
        await using (var update = new NpgsqlCommand(sql, connection, transaction))
        {
            foreach (var parameter in parameters)
            {
                update.Parameters.Add(new NpgsqlParameter { Value = parameter });
            }
            await using var reader = await update.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }
            updated = Read(reader);
        }
        await InsertEventsAsync(connection, transaction, events(updated), DateTimeOffset.UtcNow, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return updated;
    }

    private static async Task InsertEventsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<OutboxEvent> events, DateTimeOffset createdAt, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            return;
        }
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var e in events)
        {
            var command = new NpgsqlBatchCommand(
                "INSERT INTO events (id, type, merchant_id, payload, traceparent, created_at) VALUES ($1, $2, $3, $4, $5, $6)");
            command.Parameters.Add(new NpgsqlParameter { Value = e.Id });
            command.Parameters.Add(new NpgsqlParameter { Value = e.Type });
            command.Parameters.Add(new NpgsqlParameter { Value = e.MerchantId });
            command.Parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(e.Payload, Json.Options), NpgsqlDbType = NpgsqlDbType.Jsonb });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)e.Traceparent ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter { Value = createdAt });
            batch.BatchCommands.Add(command);
        }
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    private static Refund ReadRefund(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.GetInt64(3),
        reader.GetString(4),
        reader.GetString(5),
        reader.IsDBNull(6) ? null : reader.GetString(6),
        reader.GetFieldValue<DateTimeOffset>(7));

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
        reader.GetFieldValue<DateTimeOffset>(11),
        reader.GetInt64(12),
        reader.GetInt64(13),
        reader.GetInt64(14),
        reader.GetInt64(15),
        reader.IsDBNull(16) ? null : reader.GetString(16));
}

internal enum ReserveRefundOutcome
{
    Reserved,
    /// <summary>A refund with this id exists already (a retry with the same Idempotency-Key).</summary>
    Exists,
    /// <summary>The payment is not refundable, or not for this much: nothing was written.</summary>
    Refused,
}
