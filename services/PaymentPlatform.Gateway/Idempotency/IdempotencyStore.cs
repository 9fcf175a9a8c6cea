using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace PaymentPlatform.Gateway.Idempotency;

/// <summary>A request's key: the merchant's Idempotency-Key, the operation, and the request's fingerprint.</summary>
internal sealed record IdempotencyKey(string MerchantId, string Key, string Operation, byte[] Fingerprint);

/// <summary>A finished request's answer, replayed to every retry: the status and the JSON body.</summary>
internal sealed record StoredResponse(int Status, string Body);

/// <summary>What a request finds when its key exists already.</summary>
internal abstract record KeyLookup
{
    /// <summary>The first request finished: replay its answer.</summary>
    public sealed record Replay(StoredResponse Response) : KeyLookup;

    /// <summary>The first request is still working on it: 409.</summary>
    public sealed record InFlight : KeyLookup;

    /// <summary>The key was used for another operation or another request: 422.</summary>
    public sealed record Mismatch : KeyLookup;

    /// <summary>The first request was abandoned (its lease lapsed): this one took the key over and resumes at the recovery point.</summary>
    public sealed record Resume(string? ResourceId, string RecoveryPoint) : KeyLookup;

    /// <summary>No such key (purged meanwhile): start afresh.</summary>
    public sealed record Missing : KeyLookup;
}

/// <summary>
/// The <c>idempotency_keys</c> table: the durable truth of keyed requests. A key is inserted in the same
/// transaction as the request's first state change, so the primary key is what makes the request happen once.
/// </summary>
internal sealed class IdempotencyStore(NpgsqlDataSource dataSource, IOptions<IdempotencyOptions> options)
{
    /// <summary>
    /// In the caller's transaction: inserts the key, locked for the lease, naming the resource the request works
    /// on. False, writing nothing, when the key exists (the caller rolls back and looks it up).
    /// </summary>
    public async Task<bool> TryInsertAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IdempotencyKey key, string resourceId, CancellationToken cancellationToken)
    {
        await using var insert = new NpgsqlCommand(
            """
            INSERT INTO idempotency_keys (merchant_id, key, operation, fingerprint, resource_id, locked_until)
            VALUES ($1, $2, $3, $4, $5, now() + $6)
            ON CONFLICT (merchant_id, key) DO NOTHING
            """, connection, transaction);
        insert.Parameters.Add(new NpgsqlParameter { Value = key.MerchantId });
        insert.Parameters.Add(new NpgsqlParameter { Value = key.Key });
        insert.Parameters.Add(new NpgsqlParameter { Value = key.Operation });
        insert.Parameters.Add(new NpgsqlParameter { Value = key.Fingerprint });
        insert.Parameters.Add(new NpgsqlParameter { Value = resourceId });
        insert.Parameters.Add(new NpgsqlParameter { Value = options.Value.LockLease });
        return await insert.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>
    /// What a request with an existing key gets: the stored answer, 409 while another request holds the key,
    /// 422 for a different request, or the key itself (locked anew) when its first request was abandoned.
    /// </summary>
    public async Task<KeyLookup> LookupAsync(IdempotencyKey key, CancellationToken cancellationToken)
    {
        // One statement: take the lock if it lapsed and the request matches, and read the row either way.
        await using var command = dataSource.CreateCommand(
            """
            WITH taken AS (
                UPDATE idempotency_keys SET locked_until = now() + $5
                WHERE merchant_id = $1 AND key = $2 AND operation = $3 AND fingerprint = $4
                  AND finished_at IS NULL AND (locked_until IS NULL OR locked_until < now())
                RETURNING true AS taken)
            SELECT operation, fingerprint, resource_id, recovery_point, finished_at IS NOT NULL, response_status, response_body,
                   EXISTS (SELECT FROM taken)
            FROM idempotency_keys WHERE merchant_id = $1 AND key = $2
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = key.MerchantId });
        command.Parameters.Add(new NpgsqlParameter { Value = key.Key });
        command.Parameters.Add(new NpgsqlParameter { Value = key.Operation });
        command.Parameters.Add(new NpgsqlParameter { Value = key.Fingerprint });
        command.Parameters.Add(new NpgsqlParameter { Value = options.Value.LockLease });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return new KeyLookup.Missing();
        }
        if (reader.GetString(0) != key.Operation || !reader.GetFieldValue<byte[]>(1).AsSpan().SequenceEqual(key.Fingerprint))
        {
            return new KeyLookup.Mismatch();
        }
        if (reader.GetBoolean(4))
        {
            return new KeyLookup.Replay(new StoredResponse(reader.GetInt32(5), reader.GetString(6)));
        }
        return reader.GetBoolean(7)
            ? new KeyLookup.Resume(reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetString(3))
            : new KeyLookup.InFlight();
    }

    /// <summary>Records the answer (in the caller's transaction when given); a key finished already keeps its first answer.</summary>
    public async Task FinishAsync(
        string merchantId, string key, StoredResponse response, CancellationToken cancellationToken,
        NpgsqlConnection? connection = null, NpgsqlTransaction? transaction = null)
    {
        await using var own = connection is null ? await dataSource.OpenConnectionAsync(cancellationToken) : null;
        await using var finish = new NpgsqlCommand(
            """
            UPDATE idempotency_keys SET recovery_point = 'finished', response_status = $3, response_body = $4, finished_at = now(), locked_until = NULL
            WHERE merchant_id = $1 AND key = $2 AND finished_at IS NULL
            """, connection ?? own, transaction);
        finish.Parameters.Add(new NpgsqlParameter { Value = merchantId });
        finish.Parameters.Add(new NpgsqlParameter { Value = key });
        finish.Parameters.Add(new NpgsqlParameter { Value = response.Status });
        finish.Parameters.Add(new NpgsqlParameter { Value = response.Body, NpgsqlDbType = NpgsqlDbType.Text });
        await finish.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Moves an unfinished key to a recovery point, in the caller's transaction (with the state change it records).</summary>
    public static async Task SetRecoveryPointAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string merchantId, string key, string recoveryPoint, CancellationToken cancellationToken)
    {
        await using var update = new NpgsqlCommand(
            "UPDATE idempotency_keys SET recovery_point = $3 WHERE merchant_id = $1 AND key = $2 AND finished_at IS NULL", connection, transaction);
        update.Parameters.Add(new NpgsqlParameter { Value = merchantId });
        update.Parameters.Add(new NpgsqlParameter { Value = key });
        update.Parameters.Add(new NpgsqlParameter { Value = recoveryPoint });
        await update.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Lets go of an unfinished key (the request stopped without an answer to keep), so a retry resumes at once.</summary>
    public async Task ReleaseAsync(string merchantId, string key, CancellationToken cancellationToken)
    {
        await using var release = dataSource.CreateCommand(
            "UPDATE idempotency_keys SET locked_until = NULL WHERE merchant_id = $1 AND key = $2 AND finished_at IS NULL");
        release.Parameters.Add(new NpgsqlParameter { Value = merchantId });
        release.Parameters.Add(new NpgsqlParameter { Value = key });
        await release.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Deletes finished keys older than the retention, a bounded batch at a time; returns how many went.</summary>
    public async Task<int> PurgeAsync(int batchSize, CancellationToken cancellationToken)
    {
        await using var purge = dataSource.CreateCommand(
            """
            DELETE FROM idempotency_keys WHERE ctid IN (
                SELECT ctid FROM idempotency_keys
                WHERE created_at < now() - $1 AND finished_at IS NOT NULL
                LIMIT $2)
            """);
        purge.Parameters.Add(new NpgsqlParameter { Value = options.Value.Retention });
        purge.Parameters.Add(new NpgsqlParameter { Value = batchSize });
        return await purge.ExecuteNonQueryAsync(cancellationToken);
    }
}
