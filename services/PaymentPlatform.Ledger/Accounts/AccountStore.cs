using Npgsql;

namespace PaymentPlatform.Ledger.Accounts;

internal sealed record AccountRecord(
    string Id, string Ledger, string Code, bool DebitsMustNotExceedCredits, bool CreditsMustNotExceedDebits,
    long DebitsPending, long DebitsPosted, long CreditsPending, long CreditsPosted, DateTimeOffset CreatedAt)
{
    public const string Columns = "id, ledger, code, debits_must_not_exceed_credits, credits_must_not_exceed_debits, debits_pending, debits_posted, credits_pending, credits_posted, created_at";

    public static AccountRecord Read(NpgsqlDataReader reader) => new(
        reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetBoolean(3), reader.GetBoolean(4),
        reader.GetInt64(5), reader.GetInt64(6), reader.GetInt64(7), reader.GetInt64(8), reader.GetFieldValue<DateTimeOffset>(9));

    public AccountResponse ToResponse(string? result = null) => new(
        Id, Ledger, Code, new AccountFlags(DebitsMustNotExceedCredits, CreditsMustNotExceedDebits),
        DebitsPending, DebitsPosted, CreditsPending, CreditsPosted, CreatedAt, result);
}

internal sealed class AccountStore(NpgsqlDataSource dataSource)
{
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
