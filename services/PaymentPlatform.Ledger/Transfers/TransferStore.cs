using Npgsql;
using PaymentPlatform.Ledger.Accounts;
using PaymentPlatform.ServiceDefaults.Failpoints;

namespace PaymentPlatform.Ledger.Transfers;

internal static class TransferKinds
{
    public const string SinglePhase = "single_phase";
    public const string Pending = "pending";
    public const string PostPending = "post_pending";
    public const string VoidPending = "void_pending";
}

internal sealed record TransferRecord(
    long Seq, string Id, string DebitAccountId, string CreditAccountId, long Amount, string Ledger, string Kind,
    string? PendingId, int? TimeoutSeconds, DateTimeOffset? TimeoutAt, DateTimeOffset CreatedAt)
{
    public const string Columns = "seq, id, debit_account_id, credit_account_id, amount, ledger, kind, pending_id, timeout_seconds, timeout_at, created_at";

    public static TransferRecord Read(NpgsqlDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt64(4), r.GetString(5), r.GetString(6),
        r.IsDBNull(7) ? null : r.GetString(7),
        r.IsDBNull(8) ? null : r.GetInt32(8),
        r.IsDBNull(9) ? null : r.GetFieldValue<DateTimeOffset>(9),
        r.GetFieldValue<DateTimeOffset>(10));

    public TransferResponse ToResponse(string? result = null) => new(
        Id, DebitAccountId, CreditAccountId, Amount, Ledger, Kind == TransferKinds.Pending, Kind, PendingId,
        TimeoutSeconds, TimeoutAt, CreatedAt, result);
}

/// <summary><c>Transfer</c> when it was created or already existed (<c>Created</c> says which), else <c>Error</c>.</summary>
internal sealed record TransferOutcome(TransferRecord? Transfer, bool Created, LedgerError? Error)
{
    public static TransferOutcome Fail(LedgerError error) => new(null, false, error);
}

/// <summary>
/// Every transfer is one transaction: the immutable row and the balance updates of both
/// accounts, under the accounts' row locks (taken in id order, so two transfers never deadlock).
/// The transfer id is the idempotency key: a retry finds the row and answers <c>exists</c>.
/// </summary>
internal sealed class TransferStore(NpgsqlDataSource dataSource, Failpoints failpoints)
{
    /// <summary>Fault tests kill a replica here: the hold is committed, the caller has no answer yet.</summary>
    public const string HoldAfterCommitFailpoint = "LedgerHoldAfterCommit";

    public async Task<TransferOutcome> CreateAsync(CreateTransferRequest request, CancellationToken cancellationToken)
    {
        var kind = request.Pending == true ? TransferKinds.Pending : TransferKinds.SinglePhase;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (await FindAsync(connection, request.Id!, cancellationToken) is { } earlier)
        {
            return SameAs(earlier, request, kind);
        }

        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            var accounts = await LockAccountsAsync(connection, request.DebitAccountId!, request.CreditAccountId!, cancellationToken);
            // Checked again under the locks: a concurrent request with this id has committed by now.
            if (await FindAsync(connection, request.Id!, cancellationToken) is { } concurrent)
            {
                return SameAs(concurrent, request, kind);
            }
            if (Check(accounts, request) is { } refused)
            {
                return TransferOutcome.Fail(refused);
            }

            TransferRecord? inserted;
            await using (var insert = new NpgsqlCommand($"""
                INSERT INTO transfers (id, debit_account_id, credit_account_id, amount, ledger, kind, timeout_seconds, timeout_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, now() + make_interval(secs => $7))
                ON CONFLICT DO NOTHING
                RETURNING {TransferRecord.Columns}
                """, connection))
            {
                insert.Parameters.Add(new() { Value = request.Id! });
                insert.Parameters.Add(new() { Value = request.DebitAccountId! });
                insert.Parameters.Add(new() { Value = request.CreditAccountId! });
                insert.Parameters.Add(new() { Value = request.Amount!.Value });
                insert.Parameters.Add(new() { Value = request.Ledger! });
                insert.Parameters.Add(new() { Value = kind });
                insert.Parameters.Add(new() { Value = (object?)request.TimeoutSeconds ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
                inserted = await ReadSingleAsync(insert, cancellationToken);
            }
            if (inserted is null)
            {
                await transaction.RollbackAsync(cancellationToken);
                return SameAs(await FindAsync(connection, request.Id!, cancellationToken)
                    ?? throw new InvalidOperationException($"Transfer {request.Id} conflicted on insert but cannot be read."), request, kind);
            }

            var pending = kind == TransferKinds.Pending;
            await MoveAsync(connection, inserted.DebitAccountId, inserted.CreditAccountId,
                pendingChange: pending ? inserted.Amount : 0, postedChange: pending ? 0 : inserted.Amount, cancellationToken);
            await transaction.CommitAsync(cancellationToken);

            if (pending)
            {
                await failpoints.HitAsync(HoldAfterCommitFailpoint, cancellationToken);
            }
            return new TransferOutcome(inserted, true, null);
        }
    }

    /// <summary>
    /// Posts (all or part of the amount; the rest is released) or voids a hold, exactly once: the
    /// resolution is the transfer <c>{pending_id}:post</c> or <c>{pending_id}:void</c>, and at most one
    /// resolution per hold exists (a unique index on pending_id).
    /// </summary>
    public async Task<TransferOutcome> ResolveAsync(string pendingId, bool post, long? amount, CancellationToken cancellationToken)
    {
        var kind = post ? TransferKinds.PostPending : TransferKinds.VoidPending;
        var id = pendingId + (post ? ":post" : ":void");
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var hold = await FindAsync(connection, pendingId, cancellationToken);
        if (hold is null)
        {
            return TransferOutcome.Fail(LedgerError.NotFound("transfer_not_found", $"No transfer {pendingId}."));
        }
        if (hold.Kind != TransferKinds.Pending)
        {
            return TransferOutcome.Fail(LedgerError.Unprocessable("transfer_not_pending", $"Transfer {pendingId} is {hold.Kind}, not a pending transfer."));
        }
        var resolved = post ? amount ?? hold.Amount : hold.Amount;
        if (post && resolved > hold.Amount)
        {
            return TransferOutcome.Fail(LedgerError.Unprocessable("exceeds_pending_amount", $"Cannot post {resolved}: the hold {pendingId} is for {hold.Amount}."));
        }
        if (await FindResolutionAsync(connection, pendingId, cancellationToken) is { } earlier)
        {
            return SameResolution(earlier, id, resolved);
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await LockAccountsAsync(connection, hold.DebitAccountId, hold.CreditAccountId, cancellationToken);
        if (await FindResolutionAsync(connection, pendingId, cancellationToken) is { } concurrent)
        {
            return SameResolution(concurrent, id, resolved);
        }
        if (post && hold.TimeoutAt is { } timeoutAt && timeoutAt <= DateTimeOffset.UtcNow)
        {
            return TransferOutcome.Fail(LedgerError.Unprocessable("pending_transfer_expired", $"The hold {pendingId} expired at {timeoutAt:O}; it can only be voided."));
        }

        TransferRecord? inserted;
        await using (var insert = new NpgsqlCommand($"""
            INSERT INTO transfers (id, debit_account_id, credit_account_id, amount, ledger, kind, pending_id)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT DO NOTHING
            RETURNING {TransferRecord.Columns}
            """, connection))
        {
            insert.Parameters.Add(new() { Value = id });
            insert.Parameters.Add(new() { Value = hold.DebitAccountId });
            insert.Parameters.Add(new() { Value = hold.CreditAccountId });
            insert.Parameters.Add(new() { Value = resolved });
            insert.Parameters.Add(new() { Value = hold.Ledger });
            insert.Parameters.Add(new() { Value = kind });
            insert.Parameters.Add(new() { Value = pendingId });
            inserted = await ReadSingleAsync(insert, cancellationToken);
        }
        if (inserted is null)
        {
            // The id is taken by an unrelated transfer (the resolution index is checked under the locks above).
            await transaction.RollbackAsync(cancellationToken);
            return TransferOutcome.Fail(LedgerError.Conflict("transfer_exists_with_different_fields", $"Transfer {id} exists and does not resolve {pendingId}."));
        }

        // The whole hold leaves pending; only the posted amount arrives in posted.
        await MoveAsync(connection, hold.DebitAccountId, hold.CreditAccountId, -hold.Amount, post ? resolved : 0, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new TransferOutcome(inserted, true, null);
    }

    public async Task<TransferRecord?> FindAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await FindAsync(connection, id, cancellationToken);
    }

    /// <summary>An account's transfers, oldest first, after the cursor (the <c>seq</c> of the last one seen).</summary>
    public async Task<(IReadOnlyList<TransferRecord> Page, bool HasMore)?> ListAsync(string accountId, long after, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var exists = new NpgsqlCommand("SELECT 1 FROM accounts WHERE id = $1", connection))
        {
            exists.Parameters.Add(new() { Value = accountId });
            if (await exists.ExecuteScalarAsync(cancellationToken) is null)
            {
                return null;
            }
        }
        await using var select = new NpgsqlCommand($"""
            SELECT {TransferRecord.Columns} FROM (
                (SELECT * FROM transfers WHERE debit_account_id = $1 AND seq > $2 ORDER BY seq LIMIT $3)
                UNION ALL
                (SELECT * FROM transfers WHERE credit_account_id = $1 AND seq > $2 ORDER BY seq LIMIT $3)) t
            ORDER BY seq LIMIT $3
            """, connection);
        select.Parameters.Add(new() { Value = accountId });
        select.Parameters.Add(new() { Value = after });
        select.Parameters.Add(new() { Value = limit + 1 });
        var rows = new List<TransferRecord>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(TransferRecord.Read(reader));
        }
        return rows.Count > limit ? (rows[..limit], true) : (rows, false);
    }

    private static TransferOutcome SameAs(TransferRecord existing, CreateTransferRequest request, string kind) =>
        existing.DebitAccountId == request.DebitAccountId && existing.CreditAccountId == request.CreditAccountId
        && existing.Amount == request.Amount && existing.Ledger == request.Ledger && existing.Kind == kind
        && existing.TimeoutSeconds == request.TimeoutSeconds
            ? new TransferOutcome(existing, false, null)
            : TransferOutcome.Fail(LedgerError.Conflict("transfer_exists_with_different_fields", $"Transfer {request.Id} exists with different fields."));

    private static TransferOutcome SameResolution(TransferRecord existing, string id, long amount) =>
        existing.Id == id && existing.Amount == amount
            ? new TransferOutcome(existing, false, null)
            : TransferOutcome.Fail(LedgerError.Conflict("pending_transfer_already_resolved",
                $"The hold {existing.PendingId} was already resolved by {existing.Id} ({existing.Kind}, amount {existing.Amount})."));

    private static LedgerError? Check(IReadOnlyDictionary<string, AccountRecord> accounts, CreateTransferRequest request)
    {
        if (!accounts.TryGetValue(request.DebitAccountId!, out var debit))
        {
            return LedgerError.Unprocessable("account_not_found", $"No debit account {request.DebitAccountId}.");
        }
        if (!accounts.TryGetValue(request.CreditAccountId!, out var credit))
        {
            return LedgerError.Unprocessable("account_not_found", $"No credit account {request.CreditAccountId}.");
        }
        if (debit.Ledger != request.Ledger || credit.Ledger != request.Ledger)
        {
            return LedgerError.Unprocessable("ledger_mismatch",
                $"The transfer is on ledger {request.Ledger}; {debit.Id} is on {debit.Ledger} and {credit.Id} on {credit.Ledger}.");
        }
        var amount = request.Amount!.Value;
        // Pending debits count against the limit, so a hold reserves the funds (TigerBeetle's rule).
        if (debit.DebitsMustNotExceedCredits && (decimal)debit.DebitsPending + debit.DebitsPosted + amount > debit.CreditsPosted)
        {
            return LedgerError.Unprocessable("exceeds_credits", $"Account {debit.Id} would have more debits than credits.");
        }
        if (credit.CreditsMustNotExceedDebits && (decimal)credit.CreditsPending + credit.CreditsPosted + amount > credit.DebitsPosted)
        {
            return LedgerError.Unprocessable("exceeds_debits", $"Account {credit.Id} would have more credits than debits.");
        }
        if ((decimal)debit.DebitsPending + debit.DebitsPosted + amount > long.MaxValue
            || (decimal)credit.CreditsPending + credit.CreditsPosted + amount > long.MaxValue)
        {
            return LedgerError.Unprocessable("overflows_balance", "The transfer would overflow a balance.");
        }
        return null;
    }

    private static async Task<Dictionary<string, AccountRecord>> LockAccountsAsync(NpgsqlConnection connection, string debitId, string creditId, CancellationToken cancellationToken)
    {
        await using var select = new NpgsqlCommand($"SELECT {AccountRecord.Columns} FROM accounts WHERE id = ANY($1) ORDER BY id FOR UPDATE", connection);
        select.Parameters.Add(new() { Value = new[] { debitId, creditId } });
        var accounts = new Dictionary<string, AccountRecord>(StringComparer.Ordinal);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var account = AccountRecord.Read(reader);
            accounts[account.Id] = account;
        }
        return accounts;
    }

    private static async Task MoveAsync(NpgsqlConnection connection, string debitId, string creditId, long pendingChange, long postedChange, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("UPDATE accounts SET debits_pending = debits_pending + $2, debits_posted = debits_posted + $3 WHERE id = $1")
                {
                    Parameters = { new() { Value = debitId }, new() { Value = pendingChange }, new() { Value = postedChange } },
                },
                new NpgsqlBatchCommand("UPDATE accounts SET credits_pending = credits_pending + $2, credits_posted = credits_posted + $3 WHERE id = $1")
                {
                    Parameters = { new() { Value = creditId }, new() { Value = pendingChange }, new() { Value = postedChange } },
                },
            },
        };
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<TransferRecord?> FindAsync(NpgsqlConnection connection, string id, CancellationToken cancellationToken)
    {
        await using var select = new NpgsqlCommand($"SELECT {TransferRecord.Columns} FROM transfers WHERE id = $1", connection);
        select.Parameters.Add(new() { Value = id });
        return await ReadSingleAsync(select, cancellationToken);
    }

    private static async Task<TransferRecord?> FindResolutionAsync(NpgsqlConnection connection, string pendingId, CancellationToken cancellationToken)
    {
        await using var select = new NpgsqlCommand($"SELECT {TransferRecord.Columns} FROM transfers WHERE pending_id = $1", connection);
        select.Parameters.Add(new() { Value = pendingId });
        return await ReadSingleAsync(select, cancellationToken);
    }

    private static async Task<TransferRecord?> ReadSingleAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? TransferRecord.Read(reader) : null;
    }
}
