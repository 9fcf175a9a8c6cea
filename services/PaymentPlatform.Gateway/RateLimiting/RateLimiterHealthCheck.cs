using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using PaymentPlatform.Redis;

namespace PaymentPlatform.Gateway.RateLimiting;

/// <summary>
/// Degraded, not Unhealthy, when the limiter's Redis calls fail: the gateway keeps answering under
/// its Redis-down policy and should stay in rotation. A PING that answers closes the gap at once,
/// so health recovers with Redis even when no request comes.
/// </summary>
internal sealed class RateLimiterHealthCheck(RedisClient redis, MerchantRateLimiter limiter, IOptionsMonitor<RateLimitingOptions> options) : IHealthCheck
{
    public const string Name = "rate-limiter";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var settings = options.CurrentValue;
        if (!settings.Enabled)
        {
            return HealthCheckResult.Healthy("Rate limiting is disabled (Gateway:RateLimiting:Enabled).");
        }
        var recentFailure = !limiter.Available || limiter.LastCallFailed;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(1));
            await redis.PingAsync(timeout.Token);
        }
        catch (Exception ex) when (ex is RedisException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            limiter.RecordFailure(ex);
            return HealthCheckResult.Degraded(Unavailable(settings), ex);
        }
        if (!recentFailure)
        {
            return HealthCheckResult.Healthy();
        }
        // Redis answers PING again: let requests use it now rather than after the next probe.
        limiter.RecordSuccess();
        return HealthCheckResult.Degraded("The rate limiter's recent Redis calls failed; Redis answers PING again.");
    }

    private static string Unavailable(RateLimitingOptions settings) =>
        $"Redis is unavailable for rate limits: requests are decided by policy {settings.WhenRedisUnavailable}.";
}
