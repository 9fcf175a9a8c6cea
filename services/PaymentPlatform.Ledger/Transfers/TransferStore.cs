using Npgsql;
using NpgsqlTypes;
using Microsoft.Extensions.Options;
using PaymentPlatform.Ledger.Accounts;
using PaymentPlatform.Ledger.Telemetry;
using PaymentPlatform.ServiceDefaults.Failpoints;

namespace PaymentPlatform.Ledger.Transfers;

/// <summary>
/// Commits requests (one transfer, a batch, a chain) in groups that share one transaction (<see cref="GroupCommitter"/>).
/// A group runs in one transaction:
/// <list type="number">
/// <item>read the transfers the group names and the holds it resolves (immutable rows: a retry whose transfers
/// all exist is answered from them without locks; otherwise they only say which accounts to lock);</item>
/// <item>lock every account the group touches with one <c>SELECT ... ORDER BY id FOR UPDATE</c>. The locks are
/// taken in the same order by every transaction, so two batches never deadlock, and no other transaction can
/// change those balances until commit: the limits checked next cannot be invalidated by a concurrent transfer
/// (the CHECK constraints of 0001 are the backstop);</item>
/// <item>read, under the locks, the transfers the group names by id and the holds' resolutions;</item>
/// <item>apply each request in memory, in order, on one plan (<see cref="BatchPlan"/>), then insert the new transfers and update the
/// balances with one statement each.</item>
/// </list>
/// Transfer ids are not covered by the account locks: a concurrent group creating the same id on other
/// accounts makes the insert fail on the primary key; the group is then run again and finds that transfer.
/// </summary>
internal sealed class TransferStore : IAsyncDisposable
{
    /// <summary>Fault tests kill a replica here: the hold is committed, the caller has no answer yet.</summary>
    public const string HoldAfterCommitFailpoint = "LedgerHoldAfterCommit";

    /// <summary>
    /// Reconciliation tests make this fail (<c>error</c> or <c>error-once</c>): the group's transfers are written
    /// without their balance update, the kind of bug reconciliation exists to catch.
    /// </summary>
    public const string PostingWithoutBalanceFailpoint = "LedgerPostingWithoutBalance";

    private const int MaxAttempts = 8;

    private const int LockTimeoutSeconds = 120;

    private readonly NpgsqlDataSource _dataSource;
    private readonly Failpoints _failpoints;
    private readonly GroupCommitter _groups;

    public TransferStore(NpgsqlDataSource dataSource, Failpoints failpoints, IOptions<GroupCommitOptions> options, LedgerMetrics metrics)
    {
        _dataSource = dataSource;
        _failpoints = failpoints;
        _groups = new GroupCommitter(CommitGroupAsync, options.Value, metrics);
    }

    public async Task<TransferOutcome> CreateAsync(TransferCommand command, CancellationToken cancellationToken) =>
        (await ExecuteAsync([command], cancellationToken))[0];

    /// <summary>Posts (all or part of the amount; the rest is released) or voids a hold as <c>{pending_id}:post</c> / <c>{pending_id}:void</c>.</summary>
    public Task<TransferOutcome> ResolveAsync(string pendingId, bool post, long? amount, CancellationToken cancellationToken) =>
        CreateAsync(new TransferCommand(pendingId + (post ? ":post" : ":void"), post ? TransferKinds.PostPending : TransferKinds.VoidPending,
            null, null, amount, null, pendingId, null, Linked: false), cancellationToken);

    /// <summary>A request (one transfer, a batch, a chain): committed with whatever other requests arrive with it (<see cref="GroupCommitter"/>).</summary>
    public async Task<IReadOnlyList<TransferOutcome>> ExecuteAsync(IReadOnlyList<TransferCommand> commands, CancellationToken cancellationToken)
    {
        var outcomes = await _groups.SubmitAsync(commands, cancellationToken);
        if (outcomes.Any(o => o is { Created: true, Transfer.Kind: TransferKinds.Pending }))
        {
            await _failpoints.HitAsync(HoldAfterCommitFailpoint, cancellationToken);
        }
        return outcomes;
    }

    /// <summary>
    /// Commits a group of requests in one transaction: as if they ran one after the other, in order. Each request
    /// is planned by itself (<see cref="BatchPlan.Run"/>) against the balances the requests before it left, so its
    /// chains end with it and its refusals are its own.
    /// </summary>
    internal async Task<TransferOutcome[][]> CommitGroupAsync(IReadOnlyList<IReadOnlyList<TransferCommand>> requests, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TryCommitGroupAsync(requests, cancellationToken);
            }
            catch (Exception ex) when (attempt < MaxAttempts && IsRetryable(ex))
            {
                // A concurrent group created one of our ids, or a hold appeared after we chose the locks: run again.
            }
        }
    }

    private static bool IsRetryable(Exception ex) => ex is StaleLocksException
        || ex is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure };

    private async Task<TransferOutcome[][]> TryCommitGroupAsync(IReadOnlyList<IReadOnlyList<TransferCommand>> requests, CancellationToken cancellationToken)
    {
        var commands = requests.SelectMany(r => r).ToList();
        var ids = commands.Select(c => c.Id).Distinct(StringComparer.Ordinal).ToArray();
        var pendingIds = commands.Where(c => c.PendingId is not null).Select(c => c.PendingId!).Distinct(StringComparer.Ordinal).ToArray();

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        var earlier = await ReadTransfersAsync(connection, "id = ANY($1) OR id = ANY($2)", [ids, pendingIds], cancellationToken);
        var earlierIds = earlier.Select(t => t.Id).ToHashSet(StringComparer.Ordinal);
        if (commands.All(c => c.Invalid is null) && ids.All(earlierIds.Contains))
        {
            // Retries of transfers that all exist: their answers depend on immutable rows only, so no locks are needed.
            var answers = new BatchPlan(DateTimeOffset.UtcNow, [], earlier);
            return [.. requests.Select(r => BatchPlan.Run(r, answers))];
        }
        var pendingIdSet = pendingIds.ToHashSet(StringComparer.Ordinal);
        var holds = earlier.Where(t => pendingIdSet.Contains(t.Id)).ToList();
        var accountIds = commands.SelectMany(c => new[] { c.DebitAccountId, c.CreditAccountId })
            .Concat(holds.SelectMany(h => new[] { h.DebitAccountId, h.CreditAccountId }))
            .OfType<string>().Distinct(StringComparer.Ordinal).ToArray();
        var (now, accounts) = await LockAccountsAsync(connection, accountIds, cancellationToken);

        var known = await ReadTransfersAsync(connection, "id = ANY($1) OR id = ANY($2) OR pending_id = ANY($2)", [ids, pendingIds], cancellationToken);
        var locked = accounts.Select(a => a.Id).ToHashSet(StringComparer.Ordinal);
        if (known.Any(t => t.Kind == TransferKinds.Pending && pendingIdSet.Contains(t.Id) && !(locked.Contains(t.DebitAccountId) && locked.Contains(t.CreditAccountId))))
        {
            throw new StaleLocksException();
        }

        var plan = new BatchPlan(now, accounts, known);
        var outcomes = requests.Select(r => BatchPlan.Run(r, plan)).ToArray();
        if (plan.Created.Count == 0)
        {
            await transaction.CommitAsync(cancellationToken);
            return outcomes;
        }

        var inserted = await InsertAsync(connection, plan.Created, cancellationToken);
        if (!await SkipBalanceUpdateAsync(cancellationToken))
        {
            await UpdateBalancesAsync(connection, [.. plan.Changed], cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return [.. outcomes.Select(request => request
            .Select(o => o is { Created: true, Transfer: { } t } ? o with { Transfer = t with { Seq = inserted[t.Id] } } : o).ToArray())];
    }

    private async Task<bool> SkipBalanceUpdateAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _failpoints.HitAsync(PostingWithoutBalanceFailpoint, cancellationToken);
            return false;
        }
        catch (FailpointException)
        {
            return true;
        }
    }

    public ValueTask DisposeAsync() => _groups.DisposeAsync();

    public async Task<TransferRecord?> FindAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        var found = await ReadTransfersAsync(connection, "id = $1", [id], cancellationToken);
        return found.Count == 0 ? null : found[0];
    }

    /// <summary>An account's transfers, oldest first, after the cursor (the <c>seq</c> of the last one seen).</summary>
    public async Task<(IReadOnlyList<TransferRecord> Page, bool HasMore)?> ListAsync(string accountId, long after, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        if (!await AccountExistsAsync(connection, accountId, cancellationToken))
        {
            return null;
        }
        var rows = await ReadTransfersAsync(connection, """
            seq IN (SELECT seq FROM (
                (SELECT seq FROM transfers WHERE debit_account_id = $1 AND seq > $2 ORDER BY seq LIMIT $3)
                UNION ALL
                (SELECT seq FROM transfers WHERE credit_account_id = $1 AND seq > $2 ORDER BY seq LIMIT $3)) s
                ORDER BY seq LIMIT $3)
            ORDER BY seq
            """, [accountId, after, limit + 1], cancellationToken);
        return rows.Count > limit ? (rows[..limit], true) : (rows, false);
    }

    /// <summary>
    /// An account's balances at <paramref name="asOf"/>: the sums of its transfers created until then. A hold
    /// counts as pending unless its resolution was created until then too.
    /// </summary>
    public async Task<BalanceResponse?> BalanceAsOfAsync(string accountId, DateTimeOffset? asOf, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var select = new NpgsqlCommand("""
            WITH at AS (SELECT coalesce($2, now()) AS t),
            mine AS (
                SELECT * FROM transfers WHERE debit_account_id = $1 AND created_at <= (SELECT t FROM at)
                UNION ALL
                SELECT * FROM transfers WHERE credit_account_id = $1 AND created_at <= (SELECT t FROM at)),
            effects AS (
                SELECT m.debit_account_id = $1 AS debit,
                       CASE WHEN m.kind IN ('single_phase', 'post_pending') THEN m.amount ELSE 0 END AS posted,
                       CASE WHEN m.kind = 'pending' AND NOT EXISTS (SELECT 1 FROM mine r WHERE r.pending_id = m.id) THEN m.amount ELSE 0 END AS pending
                FROM mine m)
            SELECT a.ledger, (SELECT t FROM at),
                   coalesce(sum(e.pending) FILTER (WHERE e.debit), 0)::bigint, coalesce(sum(e.posted) FILTER (WHERE e.debit), 0)::bigint,
                   coalesce(sum(e.pending) FILTER (WHERE NOT e.debit), 0)::bigint, coalesce(sum(e.posted) FILTER (WHERE NOT e.debit), 0)::bigint
            FROM accounts a LEFT JOIN effects e ON true
            WHERE a.id = $1
            GROUP BY a.ledger
            """, connection);
        select.Parameters.Add(new() { Value = accountId });
        select.Parameters.Add(new() { Value = asOf is { } t ? t.UtcDateTime : DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new BalanceResponse(accountId, reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1),
                reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5))
            : null;
    }

    /// <summary>Holds whose timeout has passed and that nothing resolved yet, oldest timeout first.</summary>
    public async Task<IReadOnlyList<string>> DueHoldsAsync(int limit, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var select = new NpgsqlCommand("""
            SELECT t.id FROM transfers t
            WHERE t.kind = 'pending' AND t.timeout_at <= now()
              AND NOT EXISTS (SELECT 1 FROM transfers r WHERE r.pending_id = t.id)
            ORDER BY t.timeout_at LIMIT $1
            """, connection);
        select.Parameters.Add(new() { Value = limit });
        var ids = new List<string>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetString(0));
        }
        return ids;
    }

    private static async Task<bool> AccountExistsAsync(NpgsqlConnection connection, string accountId, CancellationToken cancellationToken)
    {
        await using var exists = new NpgsqlCommand("SELECT 1 FROM accounts WHERE id = $1", connection);
        exists.Parameters.Add(new() { Value = accountId });
        return await exists.ExecuteScalarAsync(cancellationToken) is not null;
    }

    private static async Task<(DateTimeOffset Now, List<AccountRecord> Accounts)> LockAccountsAsync(NpgsqlConnection connection, string[] ids, CancellationToken cancellationToken)
    {
        // now() is the transaction's timestamp: the created_at of every transfer of this batch.
        await using var batch = new NpgsqlBatch(connection)
        {
            // Waiting here is waiting for the groups ahead that share an account to commit: behind a few
            // maximum-size groups on a busy machine, that can outlast Npgsql's 30 s default.
            Timeout = LockTimeoutSeconds,
            BatchCommands =
            {
                new NpgsqlBatchCommand($"SELECT {AccountRecord.Columns} FROM accounts WHERE id = ANY($1) ORDER BY id FOR UPDATE") { Parameters = { new() { Value = ids } } },
                new NpgsqlBatchCommand("SELECT now()"),
            },
        };
        var accounts = new List<AccountRecord>(ids.Length);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            accounts.Add(AccountRecord.Read(reader));
        }
        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetFieldValue<DateTimeOffset>(0), accounts);
    }

    private static async Task<List<TransferRecord>> ReadTransfersAsync(NpgsqlConnection connection, string where, object[] parameters, CancellationToken cancellationToken)
    {
        await using var select = new NpgsqlCommand($"SELECT {TransferRecord.Columns} FROM transfers WHERE {where}", connection);
        foreach (var parameter in parameters)
        {
            select.Parameters.Add(new() { Value = parameter });
        }
        var rows = new List<TransferRecord>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(TransferRecord.Read(reader));
        }
        return rows;
    }

    /// <summary>One INSERT for the whole batch, in batch order (so <c>seq</c> follows it); returns each id's seq.</summary>
    private static async Task<Dictionary<string, long>> InsertAsync(NpgsqlConnection connection, IReadOnlyList<TransferRecord> created, CancellationToken cancellationToken)
    {
        await using var insert = new NpgsqlCommand("""
            INSERT INTO transfers (id, debit_account_id, credit_account_id, amount, ledger, kind, pending_id, timeout_seconds, timeout_at, linked)
            SELECT id, debit_account_id, credit_account_id, amount, ledger, kind, pending_id, timeout_seconds, timeout_at, linked
            FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[], $8::integer[], $9::timestamptz[], $10::boolean[])
                WITH ORDINALITY AS u(id, debit_account_id, credit_account_id, amount, ledger, kind, pending_id, timeout_seconds, timeout_at, linked, ord)
            ORDER BY ord
            RETURNING id, seq
            """, connection);
        insert.Parameters.Add(new() { Value = created.Select(t => t.Id).ToArray() });
        insert.Parameters.Add(new() { Value = created.Select(t => t.DebitAccountId).ToArray() });
        insert.Parameters.Add(new() { Value = created.Select(t => t.CreditAccountId).ToArray() });
        insert.Parameters.Add(new() { Value = created.Select(t => t.Amount).ToArray() });
        insert.Parameters.Add(new() { Value = created.Select(t => t.Ledger).ToArray() });
        insert.Parameters.Add(new() { Value = created.Select(t => t.Kind).ToArray() });
        insert.Parameters.Add(new() { Value = created.Select(t => t.PendingId).ToArray() });
        insert.Parameters.Add(new() { Value = created.Select(t => t.TimeoutSeconds).ToArray() });
        // Typed explicitly: with a null first, Npgsql would take the array for timestamp without time zone.
        insert.Parameters.Add(new() { Value = created.Select(t => t.TimeoutAt?.UtcDateTime).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        insert.Parameters.Add(new() { Value = created.Select(t => t.Linked).ToArray() });
        var seqs = new Dictionary<string, long>(created.Count, StringComparer.Ordinal);
        await using var reader = await insert.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            seqs[reader.GetString(0)] = reader.GetInt64(1);
        }
        return seqs;
    }

    private static async Task UpdateBalancesAsync(NpgsqlConnection connection, BatchPlan.Balance[] changed, CancellationToken cancellationToken)
    {
        await using var update = new NpgsqlCommand("""
            UPDATE accounts a SET
                debits_pending = a.debits_pending + u.dpn, debits_posted = a.debits_posted + u.dps,
                credits_pending = a.credits_pending + u.cpn, credits_posted = a.credits_posted + u.cps,
                updated_at = now()
            FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[]) AS u(id, dpn, dps, cpn, cps)
            WHERE a.id = u.id
            """, connection);
        update.Parameters.Add(new() { Value = changed.Select(b => b.Account.Id).ToArray() });
        update.Parameters.Add(new() { Value = changed.Select(b => b.DebitsPending - b.Account.DebitsPending).ToArray() });
        update.Parameters.Add(new() { Value = changed.Select(b => b.DebitsPosted - b.Account.DebitsPosted).ToArray() });
        update.Parameters.Add(new() { Value = changed.Select(b => b.CreditsPending - b.Account.CreditsPending).ToArray() });
        update.Parameters.Add(new() { Value = changed.Select(b => b.CreditsPosted - b.Account.CreditsPosted).ToArray() });
        await update.ExecuteNonQueryAsync(cancellationToken);
    }

    private sealed class StaleLocksException : Exception;
}
