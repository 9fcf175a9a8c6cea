using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using PaymentPlatform.Gateway.Infrastructure;

namespace PaymentPlatform.Gateway.Vault;

/// <summary>
/// Stores PANs encrypted (AES-256-GCM, PCI DSS 3.5.1) in <c>card_vault</c> and hands out tokens.
/// One row per card: the same PAN (same fingerprint) stored again answers the same token, the
/// latest expiry winning, so the table grows with distinct cards, not with payments. The CVC is
/// not a parameter: it is never stored. Nothing here logs a PAN.
/// </summary>
internal sealed class CardVault
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly VaultKeyRing _keys;
    private readonly SemaphoreSlim _checkLock = new(1, 1);
    private volatile bool _keysChecked;

    public CardVault(NpgsqlDataSource dataSource, IOptions<VaultOptions> options)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(options);
        _dataSource = dataSource;
        _keys = VaultKeyRing.Create(options.Value);
    }

    /// <summary>The key id new cards are encrypted under.</summary>
    public string ActiveKeyId => _keys.ActiveKeyId;

    /// <summary>
    /// Validates the PAN (8-19 digits after removing spaces and dashes, Luhn) and the expiry, and
    /// stores the card. An invalid PAN is an <see cref="ArgumentException"/> whose message names the
    /// problem, never the digits.
    /// </summary>
    public async Task<VaultedCard> StoreAsync(string pan, int expMonth, int expYear, CancellationToken cancellationToken)
    {
        var error = CardNumber.Validate(pan, out var normalized);
        if (error != CardNumberError.None)
        {
            throw new ArgumentException($"The card number is not valid ({error}).", nameof(pan));
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(expMonth, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(expMonth, 12);
        ArgumentOutOfRangeException.ThrowIfLessThan(expYear, 2000);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(expYear, 2199);
        await EnsureKeysCheckedAsync(cancellationToken);

        var fingerprint = _keys.Fingerprint(normalized);
        var brand = CardNumber.Brand(normalized);
        var bin = CardNumber.Bin(normalized);
        var last4 = CardNumber.Last4(normalized);

        // The hot path (a card seen before, same expiry) is one indexed read and takes no row lock.
        await using (var find = _dataSource.CreateCommand(
            "SELECT token, exp_month, exp_year FROM card_vault WHERE fingerprint = $1"))
        {
            find.Parameters.Add(new NpgsqlParameter<string> { TypedValue = fingerprint });
            await using var reader = await find.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken) && reader.GetInt16(1) == expMonth && reader.GetInt16(2) == expYear)
            {
                return new VaultedCard(reader.GetString(0), brand, bin, last4, expMonth, expYear, fingerprint);
            }
        }

        var token = Ids.New("card");
        var sealedPan = _keys.Seal(token, normalized);
        // A concurrent store of the same card, or a new expiry, meets the unique fingerprint: the
        // existing row (its token and ciphertext) stays, only the expiry follows the latest store.
        await using var insert = _dataSource.CreateCommand("""
            INSERT INTO card_vault (token, key_id, nonce, ciphertext, tag, fingerprint, brand, bin, last4, exp_month, exp_year)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
            ON CONFLICT (fingerprint) DO UPDATE SET exp_month = EXCLUDED.exp_month, exp_year = EXCLUDED.exp_year
            RETURNING token
            """);
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = token });
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = sealedPan.KeyId });
        insert.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = sealedPan.Nonce });
        insert.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = sealedPan.Ciphertext });
        insert.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = sealedPan.Tag });
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = fingerprint });
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = brand });
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = bin });
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = last4 });
        insert.Parameters.Add(new NpgsqlParameter<short> { TypedValue = (short)expMonth });
        insert.Parameters.Add(new NpgsqlParameter<short> { TypedValue = (short)expYear });
        var stored = (string)(await insert.ExecuteScalarAsync(cancellationToken))!;
        return new VaultedCard(stored, brand, bin, last4, expMonth, expYear, fingerprint);
    }

    /// <summary>
    /// The PAN behind a token, for the in-process processor simulator only; null for an unknown
    /// token. A row that does not decrypt (tampered, moved to another token, key missing or changed)
    /// throws <see cref="CryptographicException"/>: never wrong digits.
    /// </summary>
    public async Task<string?> RevealPanAsync(string token, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        await EnsureKeysCheckedAsync(cancellationToken);
        await using var command = _dataSource.CreateCommand("SELECT key_id, nonce, ciphertext, tag FROM card_vault WHERE token = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = token });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }
        var sealedPan = new SealedPan(reader.GetString(0), reader.GetFieldValue<byte[]>(1), reader.GetFieldValue<byte[]>(2), reader.GetFieldValue<byte[]>(3));
        return _keys.Open(token, sealedPan);
    }

    /// <summary>
    /// Re-encrypts, under the active key, up to <paramref name="batchSize"/> rows of the other
    /// configured keys (rows of keys not configured here are left alone), each under a new nonce.
    /// Returns how many rows moved; call until it answers 0, then the old key may be removed from
    /// configuration, unless it is also the fingerprint key. Safe to run on several replicas at once.
    /// </summary>
    public async Task<int> ReencryptAsync(int batchSize, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        await EnsureKeysCheckedAsync(cancellationToken);
        var retired = _keys.KeyIds.Where(id => id != _keys.ActiveKeyId).ToArray();
        if (retired.Length == 0)
        {
            return 0;
        }
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var rows = new List<(string Token, SealedPan Sealed)>();
        await using (var claim = new NpgsqlCommand(
            "SELECT token, key_id, nonce, ciphertext, tag FROM card_vault WHERE key_id = ANY($1) LIMIT $2 FOR UPDATE SKIP LOCKED", connection, transaction))
        {
            claim.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = retired });
            claim.Parameters.Add(new NpgsqlParameter<int> { TypedValue = batchSize });
            await using var reader = await claim.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add((reader.GetString(0), new SealedPan(reader.GetString(1), reader.GetFieldValue<byte[]>(2), reader.GetFieldValue<byte[]>(3), reader.GetFieldValue<byte[]>(4))));
            }
        }
        if (rows.Count == 0)
        {
            return 0;
        }
        var batch = new NpgsqlBatch(connection, transaction);
        await using (batch)
        {
            foreach (var (token, old) in rows)
            {
                var resealed = _keys.Seal(token, _keys.Open(token, old));
                var update = new NpgsqlBatchCommand("UPDATE card_vault SET key_id = $2, nonce = $3, ciphertext = $4, tag = $5 WHERE token = $1");
                update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = token });
                update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = resealed.KeyId });
                update.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = resealed.Nonce });
                update.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = resealed.Ciphertext });
                update.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = resealed.Tag });
                batch.BatchCommands.Add(update);
            }
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return rows.Count;
    }

    /// <summary>
    /// Records each configured key's check value on first sight and refuses (with
    /// <see cref="CryptographicException"/>) a key id whose secret differs from the one recorded, before
    /// anything is encrypted or fingerprinted with it. Runs at start and, once per process, before
    /// first use; a failure (database down) is not remembered, the next call checks again.
    /// </summary>
    public Task CheckKeysAsync(CancellationToken cancellationToken) => EnsureKeysCheckedAsync(cancellationToken);

    private async Task EnsureKeysCheckedAsync(CancellationToken cancellationToken)
    {
        if (_keysChecked)
        {
            return;
        }
        await _checkLock.WaitAsync(cancellationToken);
        try
        {
            if (_keysChecked)
            {
                return;
            }
            var ids = _keys.CheckValues.Keys.ToArray();
            var values = ids.Select(id => _keys.CheckValues[id]).ToArray();
            await using var command = _dataSource.CreateCommand("""
                WITH configured AS (SELECT * FROM unnest($1::text[], $2::bytea[]) AS c(key_id, check_value)),
                inserted AS (
                    INSERT INTO card_vault_keys (key_id, check_value) SELECT key_id, check_value FROM configured
                    ON CONFLICT (key_id) DO NOTHING RETURNING key_id)
                SELECT k.key_id FROM card_vault_keys k JOIN configured c USING (key_id) WHERE k.check_value <> c.check_value
                """);
            command.Parameters.Add(new NpgsqlParameter { Value = ids, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter { Value = values, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
            var mismatched = new List<string>();
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    mismatched.Add(reader.GetString(0));
                }
            }
            if (mismatched.Count > 0)
            {
                throw new CryptographicException(
                    $"The card vault's key(s) {string.Join(", ", mismatched.Select(id => $"{VaultOptions.SectionName}:Keys:{id}"))} differ from the " +
                    "secret first used under the same id: stored cards would not decrypt and fingerprints would change. Restore the original " +
                    "secret, or give a new secret a new key id and make it the ActiveKeyId.");
            }
            _keysChecked = true;
        }
        finally
        {
            _checkLock.Release();
        }
    }
}
