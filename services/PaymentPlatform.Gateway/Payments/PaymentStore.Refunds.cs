using Npgsql;
using PaymentPlatform.Gateway.Idempotency;

namespace PaymentPlatform.Gateway.Payments;

internal sealed partial class PaymentStore
{
    public async Task<Refund?> FindRefundAsync(string id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {RefundColumns} FROM refunds WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadRefund(reader) : null;
    }

    public async Task<Refund?> FindRefundForMerchantAsync(string id, string merchantId, CancellationToken cancellationToken) =>
        await FindRefundAsync(id, cancellationToken) is { } refund && refund.MerchantId == merchantId ? refund : null;

    /// <summary>
    /// The refund's recovery point, before the ledger is called: the idempotency record (for a keyed request), the
    /// refund row (<c>pending</c>) and its amount reserved on the payment, in one transaction. The reservation is
    /// a guarded UPDATE (captured less refunded less reserved at least the amount), so concurrent refunds can
    /// never together exceed what was captured.
    /// </summary>
    public async Task<WriteOutcome> ReserveRefundAsync(Refund refund, IdempotencyKey? key, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (key is not null && !await idempotency.TryInsertAsync(connection, transaction, key, refund.Id, cancellationToken))
        {
            return WriteOutcome.KeyExists;
        }
        await using (var insert = new NpgsqlCommand(
            """
            INSERT INTO refunds (id, payment_id, merchant_id, amount, currency, status, reason, idempotency_key, created_at)
            VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7, $8)
            ON CONFLICT (id) DO NOTHING
            """, connection, transaction))
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = refund.Id });
            insert.Parameters.Add(new NpgsqlParameter { Value = refund.PaymentId });
            insert.Parameters.Add(new NpgsqlParameter { Value = refund.MerchantId });
            insert.Parameters.Add(new NpgsqlParameter { Value = refund.Amount });
            insert.Parameters.Add(new NpgsqlParameter { Value = refund.Currency });
            insert.Parameters.Add(Text(refund.Reason));
            insert.Parameters.Add(Text(refund.IdempotencyKey));
            insert.Parameters.Add(new NpgsqlParameter { Value = refund.CreatedAt });
            if (await insert.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return WriteOutcome.ObjectExists;
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
                return WriteOutcome.Refused;
            }
        }
        await transaction.CommitAsync(cancellationToken);
        return WriteOutcome.Written;
    }

    /// <summary>
    /// After the ledger moved the money: the refund <c>succeeded</c>, the reservation becomes refunded, the payment
    /// <c>partially_refunded</c> or <c>refunded</c>, the events and the stored answer, in one transaction. Null when
    /// the refund is no longer pending (a concurrent retry or the completer finished it): nothing is written.
    /// </summary>
    public async Task<(Refund Refund, Payment Payment)?> CompleteRefundAsync(
        Refund refund, Func<Refund, Payment, IReadOnlyList<OutboxEvent>> events, Func<Refund, StoredResponse> response, CancellationToken cancellationToken)
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
            payment = (await ReadOneAsync(settle, cancellationToken))!;
        }
        await InsertEventsAsync(connection, transaction, events(succeeded, payment), cancellationToken);
        if (succeeded.IdempotencyKey is { } key)
        {
            await idempotency.FinishAsync(succeeded.MerchantId, key, response(succeeded), cancellationToken, connection, transaction);
        }
        await transaction.CommitAsync(cancellationToken);
        return (succeeded, payment);
    }

    /// <summary>
    /// The ledger refused the refund: the pending row and its reservation go, and the refusal becomes the keyed
    /// request's stored answer, in one transaction, as if the refund had never been reserved.
    /// </summary>
    public async Task ReleaseRefundAsync(Refund refund, StoredResponse refusal, CancellationToken cancellationToken)
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
        if (refund.IdempotencyKey is { } key)
        {
            await idempotency.FinishAsync(refund.MerchantId, key, refusal, cancellationToken, connection, transaction);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Claims pending refunds untouched for <paramref name="idle"/> (their request was abandoned), touching them so replicas take different ones.</summary>
    public async Task<IReadOnlyList<Refund>> ClaimAbandonedRefundsAsync(TimeSpan idle, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"""
            UPDATE refunds SET updated_at = now()
            WHERE id IN (SELECT id FROM refunds WHERE status = 'pending' AND updated_at < now() - $1 ORDER BY updated_at LIMIT $2 FOR UPDATE SKIP LOCKED)
            RETURNING {RefundColumns}
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = idle });
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var refunds = new List<Refund>();
        while (await reader.ReadAsync(cancellationToken))
        {
            refunds.Add(ReadRefund(reader));
        }
        return refunds;
    }

    private static Refund ReadRefund(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.GetInt64(3),
        reader.GetString(4),
        reader.GetString(5),
        reader.IsDBNull(6) ? null : reader.GetString(6),
        reader.IsDBNull(7) ? null : reader.GetString(7),
        reader.GetFieldValue<DateTimeOffset>(8));
}
