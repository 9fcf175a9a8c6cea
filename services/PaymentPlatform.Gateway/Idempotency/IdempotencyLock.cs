using Microsoft.Extensions.Options;
using PaymentPlatform.Gateway.Infrastructure;
using PaymentPlatform.Redis;

namespace PaymentPlatform.Gateway.Idempotency;

/// <summary>
/// The fast path in front of <see cref="IdempotencyStore"/>: a Redis lock (SET NX PX, for the lease) taken
/// before a keyed request writes anything. A second request with the key finds it held and goes straight to the
/// database's answer (replay, 409 or 422) without contending for the insert. The database stays the truth:
/// when Redis is down or slow, requests go to the database alone and a metric counts them.
/// </summary>
internal sealed class IdempotencyLock(RedisClient redis, IOptions<IdempotencyOptions> options, GatewayMetrics metrics, ILogger<IdempotencyLock> logger)
{
    /// <summary>False when another request holds the key; true when this one took it or Redis could not say.</summary>
    public async ValueTask<bool> TryTakeAsync(IdempotencyKey key, CancellationToken cancellationToken)
    {
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(options.Value.RedisTimeout);
        try
        {
            return await redis.SetAsync(RedisKey(key), "1", options.Value.LockLease, SetCondition.NotExists, budget.Token);
        }
        catch (Exception ex) when (ex is RedisException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            metrics.IdempotencyRedisUnavailable();
            logger.LogDebug(ex, "The idempotency lock could not be had from Redis; the database decides alone.");
            return true;
        }
    }

    /// <summary>Lets go of a lock this request took and did not use (it wrote nothing under the key).</summary>
    public async ValueTask ReleaseAsync(IdempotencyKey key, CancellationToken cancellationToken)
    {
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(options.Value.RedisTimeout);
        try
        {
            await redis.DeleteAsync(RedisKey(key), budget.Token);
        }
        catch (Exception ex) when (ex is RedisException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // It expires with its lease; until then a retry with the key is told 409 and retries.
            logger.LogDebug(ex, "The idempotency lock could not be let go in Redis; it expires with its lease.");
        }
    }

    private static string RedisKey(IdempotencyKey key) => $"idempotency:{key.MerchantId}:{key.Key}";
}
