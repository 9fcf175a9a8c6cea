using Microsoft.Extensions.Options;
using Npgsql;
using PaymentPlatform.Gateway.Idempotency;

namespace PaymentPlatform.Gateway.Tests.Idempotency;

/// <summary>The idempotency record's rules against the real paymentsdb schema.</summary>
[Collection(GatewayStoresCollection.Name)]
public class IdempotencyStoreTests(GatewayStores stores)
{
    private static readonly IOptions<IdempotencyOptions> Options = Microsoft.Extensions.Options.Options.Create(
        new IdempotencyOptions { FingerprintKey = "a-test-fingerprint-key", LockLease = TimeSpan.FromMinutes(5) });

    private IdempotencyStore Store(TimeSpan? lease = null) => new(stores.DataSource, lease is null
        ? Options
        : Microsoft.Extensions.Options.Options.Create(new IdempotencyOptions { FingerprintKey = "a-test-fingerprint-key", LockLease = lease.Value }));

    [Fact]
    public async Task AFirstRequestInsertsItsKeyAndASecondFindsItInFlight()
    {
        var key = NewKey();
        Assert.True(await InsertAsync(Store(), key));
        Assert.False(await InsertAsync(Store(), key));
        Assert.IsType<KeyLookup.InFlight>(await Store().LookupAsync(key, default));
    }

    [Fact]
    public async Task AFinishedKeyReplaysItsAnswerAndTheFirstAnswerStays()
    {
        var key = NewKey();
        await InsertAsync(Store(), key);
        await Store().FinishAsync(key.MerchantId, key.Key, new StoredResponse(201, "{\"id\":\"pay_1\"}"), default);
        await Store().FinishAsync(key.MerchantId, key.Key, new StoredResponse(500, "{}"), default);

        var replay = Assert.IsType<KeyLookup.Replay>(await Store().LookupAsync(key, default));
        Assert.Equal(new StoredResponse(201, "{\"id\":\"pay_1\"}"), replay.Response);
    }

    [Fact]
    public async Task AnotherFingerprintOrOperationIsAMismatch()
    {
        var key = NewKey();
        await InsertAsync(Store(), key);
        Assert.IsType<KeyLookup.Mismatch>(await Store().LookupAsync(key with { Fingerprint = [9, 9, 9] }, default));
        Assert.IsType<KeyLookup.Mismatch>(await Store().LookupAsync(key with { Operation = "POST /v1/refunds" }, default));
    }

    [Fact]
    public async Task AnAbandonedKeyIsTakenOverOnceItsLeaseLapsesOrItWasReleased()
    {
        var key = NewKey();
        Assert.True(await InsertAsync(Store(TimeSpan.FromMilliseconds(1)), key));
        await Probes.EventuallyAsync(async () => await Store().LookupAsync(key, default) is KeyLookup.Resume, "the 1 ms lease to lapse");
        // Taking it over renewed the lease (5 minutes): a third request finds it in flight.
        Assert.IsType<KeyLookup.InFlight>(await Store().LookupAsync(key, default));

        await Store().ReleaseAsync(key.MerchantId, key.Key, default);
        var resumed = Assert.IsType<KeyLookup.Resume>(await Store().LookupAsync(key, default));
        Assert.Equal("pay_resource", resumed.ResourceId);
        Assert.Equal("started", resumed.RecoveryPoint);
    }

    [Fact]
    public async Task AMissingKeySaysSo() => Assert.IsType<KeyLookup.Missing>(await Store().LookupAsync(NewKey(), default));

    [Fact]
    public async Task FinishedKeysOlderThanTheRetentionArePurgedAndOthersStay()
    {
        var old = NewKey();
        var unfinishedOld = NewKey();
        var recent = NewKey();
        foreach (var key in new[] { old, unfinishedOld, recent })
        {
            await InsertAsync(Store(), key);
        }
        await Store().FinishAsync(old.MerchantId, old.Key, new StoredResponse(201, "{}"), default);
        await Store().FinishAsync(recent.MerchantId, recent.Key, new StoredResponse(201, "{}"), default);
        await using (var age = stores.DataSource.CreateCommand("UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE merchant_id = ANY($1)"))
        {
            age.Parameters.Add(new NpgsqlParameter { Value = new[] { old.MerchantId, unfinishedOld.MerchantId } });
            await age.ExecuteNonQueryAsync();
        }

        Assert.True(await Store().PurgeAsync(10_000, default) >= 1);

        Assert.IsType<KeyLookup.Missing>(await Store().LookupAsync(old, default));
        Assert.IsNotType<KeyLookup.Missing>(await Store().LookupAsync(unfinishedOld, default));   // still owed an answer
        Assert.IsType<KeyLookup.Replay>(await Store().LookupAsync(recent, default));
    }

    [Fact]
    public void FingerprintsAreKeyedAndLengthPrefixed()
    {
        var fingerprint = new RequestFingerprint(Options);
        var other = new RequestFingerprint(Microsoft.Extensions.Options.Options.Create(new IdempotencyOptions { FingerprintKey = "another-fingerprint-key" }));
        Assert.Equal(fingerprint.Compute("POST /v1/payments", "1000", "usd"), fingerprint.Compute("POST /v1/payments", "1000", "usd"));
        Assert.NotEqual(fingerprint.Compute("POST /v1/payments", "1000", "usd"), other.Compute("POST /v1/payments", "1000", "usd"));
        Assert.NotEqual(fingerprint.Compute("op", "ab", "c"), fingerprint.Compute("op", "a", "bc"));
        Assert.NotEqual(fingerprint.Compute("op", null, "x"), fingerprint.Compute("op", "", "x"));
    }

    private static IdempotencyKey NewKey() => new($"mer_{Guid.NewGuid():N}", $"key-{Guid.NewGuid():N}", "POST /v1/payments", [1, 2, 3]);

    private async Task<bool> InsertAsync(IdempotencyStore store, IdempotencyKey key)
    {
        await using var connection = await stores.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var inserted = await store.TryInsertAsync(connection, transaction, key, "pay_resource", default);
        await transaction.CommitAsync();
        return inserted;
    }
}
