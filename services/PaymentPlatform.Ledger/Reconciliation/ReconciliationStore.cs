using System.Data;
using Npgsql;

namespace PaymentPlatform.Ledger.Reconciliation;

/// <summary>
/// One reconciliation run, incremental from the checkpoint the last run left, in one REPEATABLE READ snapshot
/// (a transfer and its balance update commit together, so the snapshot never shows one without the other):
/// <list type="number">
/// <item>the transfers new since the checkpoint's snapshot (by the writing transaction, see migration 0003) give
/// each touched account's change; its balances must equal the sums kept at the checkpoint plus that change;</item>
/// <item>accounts found mismatched before are checked again, until they match;</item>
/// <item>per ledger, the sums of all balances (one pass over the accounts, not the transfers) must show debits equal
/// to credits and equal to the running sums of all postings: this catches a balance changed without a posting in
/// an account no new transfer touched;</item>
/// <item>no new resolution names a hold that another transfer resolved too; no expected pending sum is negative.</item>
/// </list>
/// The cost follows the new transfers and the number of accounts, never the length of the history.
/// </summary>
internal sealed class ReconciliationStore(NpgsqlDataSource dataSource)
{
    // One run at a time across replicas: a session-level lock taken before the snapshot, so the run that waited
    // sees the checkpoint the other one committed.
    private const long LockKey = 0x4c65_6467_6572_5263;

    /// <summary>Runs a check; with <paramref name="wait"/> false, returns null when another run is in progress.</summary>
    public async Task<ReconciliationResponse?> RunAsync(bool wait, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (!await LockAsync(connection, wait, cancellationToken))
        {
            return null;
        }
        try
        {
            await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
            var checkpoint = await ReadCheckpointAsync(connection, cancellationToken);
            var found = await ReadAsync(connection, checkpoint.Snapshot, cancellationToken);
            var result = Evaluate(found, checkpoint.TransfersChecked);
            await WriteCheckpointAsync(connection, found, result, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return result;
        }
        finally
        {
            if (connection.State == ConnectionState.Open)
            {
                await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock($1)", connection) { Parameters = { new() { Value = LockKey } } };
                await unlock.ExecuteNonQueryAsync(CancellationToken.None);
            }
        }
    }

    private static async Task<bool> LockAsync(NpgsqlConnection connection, bool wait, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(wait ? "SELECT pg_advisory_lock($1), true" : "SELECT 1, pg_try_advisory_lock($1)", connection);
        command.Parameters.Add(new() { Value = LockKey });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return reader.GetBoolean(1);
    }

    private static async Task<(string? Snapshot, long TransfersChecked)> ReadCheckpointAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var select = new NpgsqlCommand("SELECT snapshot::text, transfers_checked FROM reconciliation_checkpoint WHERE id = 1", connection);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetString(0), reader.GetInt64(1)) : (null, 0);
    }

    private static async Task<Found> ReadAsync(NpgsqlConnection connection, string? since, CancellationToken cancellationToken)
    {
        // The first run has no checkpoint: everything is new.
        var isNew = since is null ? "true"
            : "t.xact >= pg_snapshot_xmin($1::text::pg_snapshot)::text::bigint AND NOT pg_visible_in_snapshot(t.xact::text::xid8, $1::text::pg_snapshot)";
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("SELECT pg_current_snapshot()::text, now()"),
                new NpgsqlBatchCommand(ReconciliationSql.TouchedAccounts(isNew)),
                new NpgsqlBatchCommand(ReconciliationSql.HoldsResolvedTwice(isNew)),
                new NpgsqlBatchCommand(ReconciliationSql.BalancesByLedger),
                new NpgsqlBatchCommand(ReconciliationSql.PostingsByLedger),
            },
        };
        if (since is not null)
        {
            batch.BatchCommands[1].Parameters.Add(new() { Value = since });
            batch.BatchCommands[2].Parameters.Add(new() { Value = since });
        }
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var found = new Found(reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1));
        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            found.Accounts.Add(new AccountCheck(reader.GetString(0), reader.GetString(1), Sums.Read(reader, 2), Sums.Read(reader, 6), Sums.Read(reader, 10)));
            found.NewTransfers = reader.GetInt64(14);
        }
        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            found.HoldsResolvedTwice.Add(reader.GetString(0));
        }
        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            found.Balances[reader.GetString(0)] = Sums.Read(reader, 1);
        }
        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            found.Postings[reader.GetString(0)] = Sums.Read(reader, 1);
        }
        return found;
    }

    private static ReconciliationResponse Evaluate(Found found, long checkedBefore)
    {
        foreach (var account in found.Accounts)
        {
            found.Postings[account.Ledger] = found.Postings.GetValueOrDefault(account.Ledger) + account.Change;
        }
        var ledgers = found.Balances.Keys.Union(found.Postings.Keys).Order(StringComparer.Ordinal).Select(ledger =>
        {
            var balances = found.Balances.GetValueOrDefault(ledger);
            var balanced = balances.DebitsPending == balances.CreditsPending && balances.DebitsPosted == balances.CreditsPosted
                && balances == found.Postings.GetValueOrDefault(ledger);
            return new LedgerTotals(ledger, balances.DebitsPending, balances.DebitsPosted, balances.CreditsPending, balances.CreditsPosted, balanced);
        }).ToList();
        var mismatched = found.Accounts.Where(a => a.Mismatched).Select(a => a.Id).Order(StringComparer.Ordinal).ToList();
        var negative = found.Accounts.Where(a => a.Expected.DebitsPending < 0 || a.Expected.CreditsPending < 0).Select(a => a.Id).ToList();
        return new ReconciliationResponse(
            ledgers.All(l => l.Balanced) && mismatched.Count == 0 && negative.Count == 0 && found.HoldsResolvedTwice.Count == 0,
            ledgers, found.Accounts.Count, mismatched, found.NewTransfers, checkedBefore + found.NewTransfers, found.HoldsResolvedTwice, negative, found.Now);
    }

    private static async Task WriteCheckpointAsync(NpgsqlConnection connection, Found found, ReconciliationResponse result, CancellationToken cancellationToken)
    {
        var accounts = found.Accounts;
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand(ReconciliationSql.SaveAccounts)
                {
                    Parameters =
                    {
                        new() { Value = accounts.Select(a => a.Id).ToArray() },
                        new() { Value = accounts.Select(a => a.Expected.DebitsPending).ToArray() },
                        new() { Value = accounts.Select(a => a.Expected.DebitsPosted).ToArray() },
                        new() { Value = accounts.Select(a => a.Expected.CreditsPending).ToArray() },
                        new() { Value = accounts.Select(a => a.Expected.CreditsPosted).ToArray() },
                        new() { Value = accounts.Select(a => a.Mismatched).ToArray() },
                    },
                },
                new NpgsqlBatchCommand(ReconciliationSql.SaveLedgers)
                {
                    Parameters =
                    {
                        new() { Value = found.Postings.Keys.ToArray() },
                        new() { Value = found.Postings.Values.Select(s => s.DebitsPending).ToArray() },
                        new() { Value = found.Postings.Values.Select(s => s.DebitsPosted).ToArray() },
                        new() { Value = found.Postings.Values.Select(s => s.CreditsPending).ToArray() },
                        new() { Value = found.Postings.Values.Select(s => s.CreditsPosted).ToArray() },
                    },
                },
                new NpgsqlBatchCommand(ReconciliationSql.SaveCheckpoint)
                {
                    Parameters = { new() { Value = found.Snapshot }, new() { Value = result.TransfersCheckedInTotal } },
                },
            },
        };
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    private sealed class Found(string snapshot, DateTimeOffset now)
    {
        public string Snapshot { get; } = snapshot;
        public DateTimeOffset Now { get; } = now;
        public long NewTransfers { get; set; }
        public List<AccountCheck> Accounts { get; } = [];
        public List<string> HoldsResolvedTwice { get; } = [];
        public Dictionary<string, Sums> Balances { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, Sums> Postings { get; } = new(StringComparer.Ordinal);
    }

    /// <summary>An account to check: its postings' sums at the checkpoint, their change since, and its balances now.</summary>
    private sealed record AccountCheck(string Id, string Ledger, Sums AtCheckpoint, Sums Change, Sums Balances)
    {
        public Sums Expected => AtCheckpoint + Change;

        public bool Mismatched => Expected != Balances;
    }
}

/// <summary>The four balances (or sums of postings) of an account or a ledger.</summary>
internal readonly record struct Sums(long DebitsPending, long DebitsPosted, long CreditsPending, long CreditsPosted)
{
    public static Sums Read(NpgsqlDataReader reader, int offset) =>
        new(reader.GetInt64(offset), reader.GetInt64(offset + 1), reader.GetInt64(offset + 2), reader.GetInt64(offset + 3));

    public static Sums operator +(Sums a, Sums b) =>
        new(a.DebitsPending + b.DebitsPending, a.DebitsPosted + b.DebitsPosted, a.CreditsPending + b.CreditsPending, a.CreditsPosted + b.CreditsPosted);
}
