using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using PaymentPlatform.Gateway.Idempotency;
using PaymentPlatform.Gateway.Infrastructure;

namespace PaymentPlatform.Gateway.Payments;

/// <summary>How a payment leaves <c>processing</c>: its status and what risk and the processor said.</summary>
internal sealed record PaymentResolution(
    string Status, bool Review, IReadOnlyList<string> ReviewReasons, double? RiskScore, string? DeclineReason,
    long AmountCaptured, long Fee, DateTimeOffset? ExpiresAt);

internal enum WriteOutcome
{
    Written,
    /// <summary>The Idempotency-Key exists already: the caller looks it up (replay, 409, 422 or resume).</summary>
    KeyExists,
    /// <summary>The object exists already (its id derives from a key purged since): nothing was written.</summary>
    ObjectExists,
    /// <summary>The object is not in a state that allows this: nothing was written.</summary>
    Refused,
}

/// <summary>
/// The payments and refunds tables and the outbox, written together. Every state change is one transaction
/// holding the guarded UPDATE, its events and, for a keyed request, the idempotency record's answer.
/// </summary>
internal sealed partial class PaymentStore(NpgsqlDataSource dataSource, IdempotencyStore idempotency)
{
    private const string Columns =
        "id, merchant_id, livemode, amount, currency, status, capture_method, card_token, card_brand, card_last4, card_exp_month, card_exp_year, " +
        "card_fingerprint, card_bin, description, metadata::text, idempotency_key, created_at, review, review_reasons, risk_score, decline_reason, " +
        "amount_captured, fee, amount_refunded, amount_refund_pending, cancellation_reason, expires_at, pending_action, pending_amount, " +
        "pending_fee, pending_reason, updated_at";

    private const string RefundColumns = "id, payment_id, merchant_id, amount, currency, status, reason, idempotency_key, created_at";

    public async Task<Payment?> FindAsync(string id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM payments WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    /// <summary>The payment, only when it belongs to <paramref name="merchantId"/>: another merchant's payment is not found.</summary>
    public async Task<Payment?> FindForMerchantAsync(string id, string merchantId, CancellationToken cancellationToken) =>
        await FindAsync(id, cancellationToken) is { } payment && payment.MerchantId == merchantId ? payment : null;

    /// <summary>
    /// The payment's first recovery point: the idempotency record (for a keyed request) and the payment in
    /// <c>processing</c>, in one transaction, before anything is asked of risk, the processor or the ledger.
    /// </summary>
    public async Task<WriteOutcome> CreateProcessingAsync(Payment payment, IdempotencyKey? key, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (key is not null && !await idempotency.TryInsertAsync(connection, transaction, key, payment.Id, cancellationToken))
        {
            return WriteOutcome.KeyExists;
        }
        await using var insert = new NpgsqlCommand(
            """
            INSERT INTO payments (id, merchant_id, livemode, amount, currency, status, capture_method, card_token, card_brand, card_last4,
                                  card_exp_month, card_exp_year, card_fingerprint, card_bin, description, metadata, idempotency_key, created_at)
            VALUES ($1, $2, $3, $4, $5, 'processing', $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
            ON CONFLICT (id) DO NOTHING
            """, connection, transaction);
        insert.Parameters.Add(new NpgsqlParameter { Value = payment.Id });
        insert.Parameters.Add(new NpgsqlParameter { Value = payment.MerchantId });
        insert.Parameters.Add(new NpgsqlParameter { Value = payment.Livemode });
        insert.Parameters.Add(new NpgsqlParameter { Value = payment.Amount });
        insert.Parameters.Add(new NpgsqlParameter { Value = payment.Currency });
        insert.Parameters.Add(new NpgsqlParameter { Value = payment.CaptureMethod });
        insert.Parameters.Add(Text(payment.Card?.Token));
        insert.Parameters.Add(Text(payment.Card?.Brand));
        insert.Parameters.Add(Text(payment.Card?.Last4));
        insert.Parameters.Add(new NpgsqlParameter<int?> { TypedValue = payment.Card?.ExpMonth });
        insert.Parameters.Add(new NpgsqlParameter<int?> { TypedValue = payment.Card?.ExpYear });
        insert.Parameters.Add(Text(payment.Card?.Fingerprint));
        insert.Parameters.Add(Text(payment.Card?.Bin));
        insert.Parameters.Add(Text(payment.Description));
        insert.Parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(payment.Metadata), NpgsqlDbType = NpgsqlDbType.Jsonb });
        insert.Parameters.Add(Text(payment.IdempotencyKey));
        insert.Parameters.Add(new NpgsqlParameter { Value = payment.CreatedAt });
        if (await insert.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            return WriteOutcome.ObjectExists;
        }
        await transaction.CommitAsync(cancellationToken);
        return WriteOutcome.Written;
    }

    /// <summary>
    /// <c>processing</c> -> its outcome, its events and (for a keyed request) the stored answer, in one transaction.
    /// Guarded on <c>processing</c>: when a concurrent request or the completer resolved it first, null and nothing written.
    /// </summary>
    public async Task<Payment?> ResolveProcessingAsync(
        string id, PaymentResolution resolution, Func<Payment, IReadOnlyList<OutboxEvent>> events, Func<Payment, StoredResponse> response,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        Payment? resolved;
        await using (var update = new NpgsqlCommand(
            $"""
            UPDATE payments SET status = $2, review = $3, review_reasons = $4, risk_score = $5, decline_reason = $6,
                amount_captured = $7, fee = $8, expires_at = $9, updated_at = now()
            WHERE id = $1 AND status = 'processing'
            RETURNING {Columns}
            """, connection, transaction))
        {
            update.Parameters.Add(new NpgsqlParameter { Value = id });
            update.Parameters.Add(new NpgsqlParameter { Value = resolution.Status });
            update.Parameters.Add(new NpgsqlParameter { Value = resolution.Review });
            update.Parameters.Add(new NpgsqlParameter { Value = resolution.ReviewReasons.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            update.Parameters.Add(new NpgsqlParameter<double?> { TypedValue = resolution.RiskScore });
            update.Parameters.Add(Text(resolution.DeclineReason));
            update.Parameters.Add(new NpgsqlParameter { Value = resolution.AmountCaptured });
            update.Parameters.Add(new NpgsqlParameter { Value = resolution.Fee });
            update.Parameters.Add(new NpgsqlParameter<DateTimeOffset?> { TypedValue = resolution.ExpiresAt });
            resolved = await ReadOneAsync(update, cancellationToken);
        }
        if (resolved is null)
        {
            return null;
        }
        await InsertEventsAsync(connection, transaction, events(resolved), cancellationToken);
        if (resolved.IdempotencyKey is { } key)
        {
            await idempotency.FinishAsync(resolved.MerchantId, key, response(resolved), cancellationToken, connection, transaction);
        }
        await transaction.CommitAsync(cancellationToken);
        return resolved;
    }

    /// <summary>
    /// A capture's or cancel's recovery point, before the ledger is asked: the idempotency record (for a keyed
    /// request) and the action on the payment, in one transaction. Guarded on <c>requires_capture</c> and on no
    /// action being under way: of concurrent captures and cancels exactly one is recorded. (A retry of the recorded
    /// request resumes it through its Idempotency-Key, or the completer finishes it.)
    /// </summary>
    public async Task<(WriteOutcome Outcome, Payment? Payment)> RequestActionAsync(
        string id, PendingAction action, IdempotencyKey? key, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (key is not null && !await idempotency.TryInsertAsync(connection, transaction, key, id, cancellationToken))
        {
            return (WriteOutcome.KeyExists, null);
        }
        Payment? requested;
        await using (var update = new NpgsqlCommand(
            $"""
            UPDATE payments SET pending_action = $2, pending_amount = $3, pending_fee = $4, pending_reason = $5,
                pending_idempotency_key = $6, updated_at = now()
            WHERE id = $1 AND status = 'requires_capture' AND pending_action IS NULL
            RETURNING {Columns}
            """, connection, transaction))
        {
            update.Parameters.Add(new NpgsqlParameter { Value = id });
            update.Parameters.Add(new NpgsqlParameter { Value = action.Action });
            update.Parameters.Add(new NpgsqlParameter<long?> { TypedValue = action.Amount });
            update.Parameters.Add(new NpgsqlParameter<long?> { TypedValue = action.Fee });
            update.Parameters.Add(Text(action.Reason));
            update.Parameters.Add(Text(key?.Key));
            requested = await ReadOneAsync(update, cancellationToken);
        }
        if (requested is null)
        {
            return (WriteOutcome.Refused, null);
        }
        await transaction.CommitAsync(cancellationToken);
        return (WriteOutcome.Written, requested);
    }

    /// <summary>
    /// After the ledger captured: <c>requires_capture</c> -> <c>succeeded</c> with the amount and fee, the events and the
    /// stored answer of the request that asked, in one transaction; guarded, so of two concurrent captures one wins.
    /// </summary>
    public Task<Payment?> MarkCapturedAsync(string id, long amount, long fee, Func<Payment, IReadOnlyList<OutboxEvent>> events,
        Func<Payment, StoredResponse> response, CancellationToken cancellationToken) =>
        TransitionAsync(
            $"""
            UPDATE payments SET status = 'succeeded', amount_captured = $2, fee = $3, pending_action = NULL, pending_amount = NULL,
                pending_fee = NULL, pending_reason = NULL, pending_idempotency_key = NULL, updated_at = now()
            FROM (SELECT pending_idempotency_key AS asked_with FROM payments WHERE id = $1 FOR UPDATE) asked
            WHERE id = $1 AND status = 'requires_capture' AND $2 <= amount
            RETURNING {Qualified("payments")}, asked.asked_with
            """, [id, amount, fee], events, response, cancellationToken);

    /// <summary><c>requires_capture</c> -> <c>canceled</c> with its reason, events and stored answer, guarded as <see cref="MarkCapturedAsync"/>.</summary>
    public Task<Payment?> MarkCanceledAsync(string id, string reason, Func<Payment, IReadOnlyList<OutboxEvent>> events,
        Func<Payment, StoredResponse> response, CancellationToken cancellationToken) =>
        TransitionAsync(
            $"""
            UPDATE payments SET status = 'canceled', cancellation_reason = $2, pending_action = NULL, pending_amount = NULL,
                pending_fee = NULL, pending_reason = NULL, pending_idempotency_key = NULL, updated_at = now()
            FROM (SELECT pending_idempotency_key AS asked_with FROM payments WHERE id = $1 FOR UPDATE) asked
            WHERE id = $1 AND status = 'requires_capture'
            RETURNING {Qualified("payments")}, asked.asked_with
            """, [id, reason], events, response, cancellationToken);

    /// <summary>
    /// The ledger refused the recorded capture or cancel (the hold was resolved some other way): the action is dropped
    /// and the refusal becomes the asking request's answer, in one transaction.
    /// </summary>
    public Task<Payment?> ClearActionAsync(string id, Func<Payment, StoredResponse> response, CancellationToken cancellationToken) =>
        TransitionAsync(
            $"""
            UPDATE payments SET pending_action = NULL, pending_amount = NULL, pending_fee = NULL, pending_reason = NULL,
                pending_idempotency_key = NULL, updated_at = now()
            FROM (SELECT pending_idempotency_key AS asked_with FROM payments WHERE id = $1 FOR UPDATE) asked
            WHERE id = $1 AND pending_action IS NOT NULL
            RETURNING {Qualified("payments")}, asked.asked_with
            """, [id], _ => [], response, cancellationToken);

    /// <summary>
    /// Claims up to <paramref name="limit"/> payments whose work was abandoned (still <c>processing</c>, or with a
    /// capture or cancel asked) and untouched for <paramref name="idle"/>; claiming touches them, so replicas
    /// running the completer at once take different ones.
    /// </summary>
    public Task<IReadOnlyList<Payment>> ClaimAbandonedAsync(TimeSpan idle, int limit, CancellationToken cancellationToken) =>
        ClaimAsync(
            "(status = 'processing' OR pending_action IS NOT NULL) AND updated_at < now() - $1", idle, limit, cancellationToken);

    /// <summary>
    /// Claims authorizations past their expiry, marking each with a cancel (reason <c>expired</c>) as its recovery
    /// point, so the completer voids the hold and cancels it.
    /// </summary>
    public async Task<IReadOnlyList<Payment>> ClaimExpiredAsync(int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"""
            UPDATE payments SET pending_action = 'cancel', pending_reason = 'expired', updated_at = now()
            WHERE id IN (
                SELECT id FROM payments
                WHERE status = 'requires_capture' AND pending_action IS NULL AND expires_at < now()
                ORDER BY expires_at LIMIT $1 FOR UPDATE SKIP LOCKED)
            RETURNING {Columns}
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        return await ReadAllAsync(command, cancellationToken);
    }

    private async Task<IReadOnlyList<Payment>> ClaimAsync(string condition, TimeSpan idle, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"""
            UPDATE payments SET updated_at = now()
            WHERE id IN (SELECT id FROM payments WHERE {condition} ORDER BY updated_at LIMIT $2 FOR UPDATE SKIP LOCKED)
            RETURNING {Columns}
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = idle });
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        return await ReadAllAsync(command, cancellationToken);
    }

    private async Task<Payment?> TransitionAsync(string sql, object[] parameters, Func<Payment, IReadOnlyList<OutboxEvent>> events,
        Func<Payment, StoredResponse> response, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        Payment updated;
        string? askedWith;
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
            askedWith = reader.IsDBNull(ColumnCount) ? null : reader.GetString(ColumnCount);
        }
        await InsertEventsAsync(connection, transaction, events(updated), cancellationToken);
        if (askedWith is not null)
        {
            await idempotency.FinishAsync(updated.MerchantId, askedWith, response(updated), cancellationToken, connection, transaction);
        }
        await transaction.CommitAsync(cancellationToken);
        return updated;
    }

    private static async Task InsertEventsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<OutboxEvent> events, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            return;
        }
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var e in events)
        {
            var command = new NpgsqlBatchCommand(
                "INSERT INTO events (id, type, merchant_id, payload, traceparent) VALUES ($1, $2, $3, $4, $5)");
            command.Parameters.Add(new NpgsqlParameter { Value = e.Id });
            command.Parameters.Add(new NpgsqlParameter { Value = e.Type });
            command.Parameters.Add(new NpgsqlParameter { Value = e.MerchantId });
            command.Parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(e.Payload, Json.Options), NpgsqlDbType = NpgsqlDbType.Jsonb });
            command.Parameters.Add(Text(e.Traceparent));
            batch.BatchCommands.Add(command);
        }
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    internal static NpgsqlParameter Text(string? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };

    private static readonly int ColumnCount = Columns.Split(',').Length;

    private static string Qualified(string table) =>
        string.Join(", ", Columns.Split(", ").Select(c => $"{table}.{c}"));

    private static async Task<Payment?> ReadOneAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    private static async Task<IReadOnlyList<Payment>> ReadAllAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var payments = new List<Payment>();
        while (await reader.ReadAsync(cancellationToken))
        {
            payments.Add(Read(reader));
        }
        return payments;
    }

    private static Payment Read(NpgsqlDataReader r)
    {
        PaymentCard? card = r.IsDBNull(7) ? null : new PaymentCard(
            r.GetString(7), r.GetString(8), r.GetString(13), r.GetString(9), r.GetInt32(10), r.GetInt32(11), r.GetString(12));
        return new Payment(
            Id: r.GetString(0), MerchantId: r.GetString(1), Livemode: r.GetBoolean(2), Amount: r.GetInt64(3), Currency: r.GetString(4),
            Status: r.GetString(5), CaptureMethod: r.GetString(6), Card: card, Description: r.IsDBNull(14) ? null : r.GetString(14),
            Metadata: JsonSerializer.Deserialize<Dictionary<string, string>>(r.GetString(15)) ?? [],
            IdempotencyKey: r.IsDBNull(16) ? null : r.GetString(16), CreatedAt: r.GetFieldValue<DateTimeOffset>(17))
        {
            Review = r.GetBoolean(18),
            ReviewReasons = r.GetFieldValue<string[]>(19),
            RiskScore = r.IsDBNull(20) ? null : r.GetDouble(20),
            DeclineReason = r.IsDBNull(21) ? null : r.GetString(21),
            AmountCaptured = r.GetInt64(22),
            Fee = r.GetInt64(23),
            AmountRefunded = r.GetInt64(24),
            AmountRefundPending = r.GetInt64(25),
            CancellationReason = r.IsDBNull(26) ? null : r.GetString(26),
            ExpiresAt = r.IsDBNull(27) ? null : r.GetFieldValue<DateTimeOffset>(27),
            Pending = r.IsDBNull(28) ? null : new PendingAction(r.GetString(28), r.IsDBNull(29) ? null : r.GetInt64(29),
                r.IsDBNull(30) ? null : r.GetInt64(30), r.IsDBNull(31) ? null : r.GetString(31)),
            UpdatedAt = r.GetFieldValue<DateTimeOffset>(32),
        };
    }
}
