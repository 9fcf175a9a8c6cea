using PaymentPlatform.Redis;

namespace PaymentPlatform.Gateway.Merchants;

/// <summary>
/// Makes a key change (revoke, roll, a merchant's new limits) reach every gateway replica at once: the replica
/// that made it clears its key cache and publishes on the Redis channel <c>gateway:api-keys</c>; every replica
/// clears its cache when told. Pub/sub is best effort (a message published while a replica is disconnected is
/// lost), so the cache's TTL (<see cref="ApiKeyCacheOptions.CacheTtl"/>) stays the bound either way.
/// </summary>
internal sealed partial class ApiKeyInvalidation(ApiKeyResolver resolver, RedisClient redis, ILogger<ApiKeyInvalidation> logger) : BackgroundService
{
    public const string Channel = "gateway:api-keys";
    private static readonly TimeSpan RedisTimeout = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ResubscribeInterval = TimeSpan.FromSeconds(10);

    /// <summary>Clears this replica's cache and tells the others to clear theirs.</summary>
    public async Task KeysChangedAsync(CancellationToken cancellationToken)
    {
        resolver.Clear();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(RedisTimeout);
            await redis.PublishAsync(Channel, "changed", timeout.Token);
        }
        catch (Exception ex) when (ex is RedisException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            LogPublishFailed(logger, ex.GetType().Name);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        RedisSubscription? subscription = null;
        try
        {
            while (subscription is null && !stoppingToken.IsCancellationRequested)
            {
                try
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                    timeout.CancelAfter(RedisTimeout * 2);
                    // Runs on the subscriber's read loop: clearing a MemoryCache is quick.
                    subscription = await redis.SubscribeAsync(Channel, _ => resolver.Clear(), timeout.Token);
                }
                catch (Exception ex) when (ex is RedisException || (ex is OperationCanceledException && !stoppingToken.IsCancellationRequested))
                {
                    LogSubscribeFailed(logger, ex.GetType().Name);
                    await Task.Delay(ResubscribeInterval, stoppingToken);
                }
            }
            // The client subscribes again by itself after a reconnect.
            await Task.Delay(Timeout.Infinite, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            if (subscription is not null)
            {
                await subscription.DisposeAsync();
            }
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Could not publish an API key change ({Reason}); other replicas see it within the key cache's TTL.")]
    private static partial void LogPublishFailed(ILogger logger, string reason);

    [LoggerMessage(2, LogLevel.Warning, "Could not subscribe to API key changes ({Reason}); retrying, and until then changes reach this replica within the key cache's TTL.")]
    private static partial void LogSubscribeFailed(ILogger logger, string reason);
}
