using System.Collections.Concurrent;
using Npgsql;

namespace PaymentPlatform.Ledger.Accounts;

internal sealed record AccountRecord(
    string Id, string Ledger, string Code, bool DebitsMustNotExceedCredits, bool CreditsMustNotExceedDebits,
    long DebitsPending, long DebitsPosted, long CreditsPending, long CreditsPosted, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public const string Columns = "id, ledger, code, debits_must_not_exceed_credits, credits_must_not_exceed_debits, debits_pending, debits_posted, credits_pending, credits_posted, created_at, updated_at";

    public static AccountRecord Read(NpgsqlDataReader reader, int offset = 0) => new(
        reader.GetString(offset), reader.GetString(offset + 1), reader.GetString(offset + 2), reader.GetBoolean(offset + 3), reader.GetBoolean(offset + 4),
        reader.GetInt64(offset + 5), reader.GetInt64(offset + 6), reader.GetInt64(offset + 7), reader.GetInt64(offset + 8),
        reader.GetFieldValue<DateTimeOffset>(offset + 9), reader.GetFieldValue<DateTimeOffset>(offset + 10));

    public AccountResponse ToResponse(string? result = null) => new(
        Id, Ledger, Code, new AccountFlags(DebitsMustNotExceedCredits, CreditsMustNotExceedDebits),
        DebitsPending, DebitsPosted, CreditsPending, CreditsPosted, CreatedAt, UpdatedAt, result);
}

internal sealed class AccountStore(NpgsqlDataSource dataSource)
{
    // Accounts are never deleted, so an id once seen to exist needs no further round trip.
    private readonly ConcurrentDictionary<string, bool> _known = new(StringComparer.Ordinal);

    /// <summary>
    /// Makes sure the account exists, as <see cref="CreateAsync"/> does, asking PostgreSQL only the first time
    /// this process needs the id (a capture's fees account, on every capture, cost two statements).
    /// </summary>
    public async Task EnsureAsync(string id, string ledger, string code, AccountFlags flags, CancellationToken cancellationToken)
    {
        if (_known.ContainsKey(id))
        {
            return;
        }
        await CreateAsync(id, ledger, code, flags, cancellationToken);
        _known.TryAdd(id, true);
    }

    /// <summary>Creates the account, or finds the one with that id; <c>Created</c> says which.</summary>
    public async Task<(AccountRecord Account, bool Created)> CreateAsync(string id, string ledger, string code, AccountFlags flags, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var insert = new NpgsqlCommand($"""
            INSERT INTO accounts (id, ledger, code, debits_must_not_exceed_credits, credits_must_not_exceed_debits)
            VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (id) DO NOTHING
            RETURNING {AccountRecord.Columns}
            """, connection))
        {
            insert.Parameters.Add(new() { Value = id });
            insert.Parameters.Add(new() { Value = ledger });
            insert.Parameters.Add(new() { Value = code });
            insert.Parameters.Add(new() { Value = flags.DebitsMustNotExceedCredits });
            insert.Parameters.Add(new() { Value = flags.CreditsMustNotExceedDebits });
            await using var reader = await insert.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                return (AccountRecord.Read(reader), true);
            }
        }
        // ON CONFLICT waited for a concurrent insert of the same id to commit, so it is visible now.
        var existing = await FindAsync(connection, id, cancellationToken)
            ?? throw new InvalidOperationException($"Account {id} conflicted on insert but cannot be read.");
        return (existing, false);
    }

    public async Task<AccountRecord?> FindAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await FindAsync(connection, id, cancellationToken);
    }

    private static async Task<AccountRecord?> FindAsync(NpgsqlConnection connection, string id, CancellationToken cancellationToken)
    {
        await using var select = new NpgsqlCommand($"SELECT {AccountRecord.Columns} FROM accounts WHERE id = $1", connection);
        select.Parameters.Add(new() { Value = id });
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? AccountRecord.Read(reader) : null;
    }
}
