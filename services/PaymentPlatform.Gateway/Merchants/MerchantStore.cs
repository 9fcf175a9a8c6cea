using Npgsql;
using PaymentPlatform.Gateway.Infrastructure;
using PaymentPlatform.Gateway.Payments;

namespace PaymentPlatform.Gateway.Merchants;

/// <summary>A merchant as the admin API shows it.</summary>
internal sealed record Merchant(string Id, string Name, FeeRule FeeRule, RateLimitSettings RateLimit, DateTimeOffset CreatedAt);

/// <summary>An API key as stored: its id, never its secret.</summary>
internal sealed record ApiKey(string Id, string MerchantId, bool Livemode, string Redacted, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt);

/// <summary>The key a lookup found, with its merchant's settings, as plain values for the cache.</summary>
internal sealed record ResolvedKey(MerchantContext Merchant, DateTimeOffset? ExpiresAt);

/// <summary>The <c>merchants</c> and <c>api_keys</c> tables.</summary>
internal sealed class MerchantStore(NpgsqlDataSource dataSource)
{
    private const string MerchantColumns = "id, name, fee_basis_points, fee_fixed, rate_limit_per_second, rate_limit_burst, created_at";
    private const string KeyColumns = "id, merchant_id, livemode, redacted, created_at, expires_at";

    /// <summary>Creates a merchant (or, for a fixed id such as the demo merchant, keeps the existing one) in one transaction with its first key.</summary>
    public async Task<(Merchant Merchant, ApiKey Key)> CreateAsync(
        string id, string name, FeeRule fee, RateLimitSettings rateLimit, string secret, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        Merchant merchant;
        await using (var insert = new NpgsqlCommand(
            $"""
            INSERT INTO merchants (id, name, fee_basis_points, fee_fixed, rate_limit_per_second, rate_limit_burst)
            VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (id) DO UPDATE SET name = merchants.name
            RETURNING {MerchantColumns}
            """, connection, transaction))
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = id });
            insert.Parameters.Add(new NpgsqlParameter { Value = name });
            insert.Parameters.Add(new NpgsqlParameter { Value = fee.BasisPoints });
            insert.Parameters.Add(new NpgsqlParameter { Value = fee.FixedMinorUnits });
            insert.Parameters.Add(new NpgsqlParameter { Value = rateLimit.RequestsPerSecond });
            insert.Parameters.Add(new NpgsqlParameter { Value = rateLimit.Burst });
            await using var reader = await insert.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            merchant = ReadMerchant(reader);
        }
        var key = await InsertKeyAsync(connection, transaction, merchant.Id, secret, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (merchant, key);
    }

    public async Task<Merchant?> FindAsync(string id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {MerchantColumns} FROM merchants WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadMerchant(reader) : null;
    }

    /// <summary>Changes a merchant's fee rule and rate limit; keys resolved before see the change within the key cache's lifetime.</summary>
    public async Task<Merchant?> UpdateAsync(string id, FeeRule? fee, RateLimitSettings? rateLimit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"""
            UPDATE merchants SET
                fee_basis_points = COALESCE($2, fee_basis_points), fee_fixed = COALESCE($3, fee_fixed),
                rate_limit_per_second = COALESCE($4, rate_limit_per_second), rate_limit_burst = COALESCE($5, rate_limit_burst)
            WHERE id = $1
            RETURNING {MerchantColumns}
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter<int?> { TypedValue = fee?.BasisPoints });
        command.Parameters.Add(new NpgsqlParameter<long?> { TypedValue = fee?.FixedMinorUnits });
        command.Parameters.Add(new NpgsqlParameter<int?> { TypedValue = rateLimit?.RequestsPerSecond });
        command.Parameters.Add(new NpgsqlParameter<int?> { TypedValue = rateLimit?.Burst });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadMerchant(reader) : null;
    }

    /// <summary>The key with this hash and its merchant's settings, expired or not (the caller checks the expiry).</summary>
    public async Task<ResolvedKey?> ResolveAsync(byte[] secretHash, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            SELECT k.id, k.merchant_id, k.livemode, k.expires_at, m.fee_basis_points, m.fee_fixed, m.rate_limit_per_second, m.rate_limit_burst
            FROM api_keys k JOIN merchants m ON m.id = k.merchant_id
            WHERE k.secret_hash = $1
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = secretHash });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }
        var context = new MerchantContext(
            MerchantId: reader.GetString(1),
            Livemode: reader.GetBoolean(2),
            KeyId: reader.GetString(0),
            RateLimit: new RateLimitSettings(reader.GetInt32(6), reader.GetInt32(7)),
            FeeRule: new FeeRule(reader.GetInt32(4), reader.GetInt64(5)));
        return new ResolvedKey(context, reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3));
    }

    public async Task<ApiKey> AddKeyAsync(string merchantId, string secret, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await InsertKeyAsync(connection, null, merchantId, secret, cancellationToken);
    }

    /// <summary>
    /// A new key for the merchant, and <paramref name="currentKeyId"/> expiring after <paramref name="overlap"/>
    /// (never later than it would have anyway), in one transaction.
    /// </summary>
    public async Task<(ApiKey NewKey, ApiKey OldKey)> RollAsync(string merchantId, string currentKeyId, string secret, TimeSpan overlap, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var newKey = await InsertKeyAsync(connection, transaction, merchantId, secret, cancellationToken);
        ApiKey oldKey;
        await using (var expire = new NpgsqlCommand(
            $"""
            UPDATE api_keys SET expires_at = LEAST(COALESCE(expires_at, 'infinity'), now() + $3)
            WHERE id = $1 AND merchant_id = $2
            RETURNING {KeyColumns}
            """, connection, transaction))
        {
            expire.Parameters.Add(new NpgsqlParameter { Value = currentKeyId });
            expire.Parameters.Add(new NpgsqlParameter { Value = merchantId });
            expire.Parameters.Add(new NpgsqlParameter { Value = overlap });
            await using var reader = await expire.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            oldKey = ReadKey(reader);
        }
        await transaction.CommitAsync(cancellationToken);
        return (newKey, oldKey);
    }

    /// <summary>Revokes a key of the merchant now; null when the merchant has no such key.</summary>
    public async Task<ApiKey?> RevokeAsync(string merchantId, string keyId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"""
            UPDATE api_keys SET expires_at = LEAST(COALESCE(expires_at, 'infinity'), now())
            WHERE id = $1 AND merchant_id = $2
            RETURNING {KeyColumns}
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = keyId });
        command.Parameters.Add(new NpgsqlParameter { Value = merchantId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadKey(reader) : null;
    }

    public async Task<IReadOnlyList<ApiKey>> ListKeysAsync(string merchantId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {KeyColumns} FROM api_keys WHERE merchant_id = $1 ORDER BY created_at DESC, id");
        command.Parameters.Add(new NpgsqlParameter { Value = merchantId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var keys = new List<ApiKey>();
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(ReadKey(reader));
        }
        return keys;
    }

    private static async Task<ApiKey> InsertKeyAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string merchantId, string secret, CancellationToken cancellationToken)
    {
        // ON CONFLICT: the demo merchant's key is derived, so every start inserts the same one.
        await using var insert = new NpgsqlCommand(
            $"""
            INSERT INTO api_keys (id, merchant_id, secret_hash, livemode, redacted) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (secret_hash) DO UPDATE SET redacted = api_keys.redacted
            RETURNING {KeyColumns}
            """, connection, transaction);
        insert.Parameters.Add(new NpgsqlParameter { Value = Ids.New("key") });
        insert.Parameters.Add(new NpgsqlParameter { Value = merchantId });
        insert.Parameters.Add(new NpgsqlParameter { Value = ApiKeys.Hash(secret) });
        insert.Parameters.Add(new NpgsqlParameter { Value = ApiKeys.IsLive(secret) });
        insert.Parameters.Add(new NpgsqlParameter { Value = ApiKeys.Redact(secret) });
        await using var reader = await insert.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return ReadKey(reader);
    }

    private static Merchant ReadMerchant(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        new FeeRule(reader.GetInt32(2), reader.GetInt64(3)),
        new RateLimitSettings(reader.GetInt32(4), reader.GetInt32(5)),
        reader.GetFieldValue<DateTimeOffset>(6));

    private static ApiKey ReadKey(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetBoolean(2),
        reader.GetString(3),
        reader.GetFieldValue<DateTimeOffset>(4),
        reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5));
}
