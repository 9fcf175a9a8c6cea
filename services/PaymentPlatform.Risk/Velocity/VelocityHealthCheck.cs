using Microsoft.Extensions.Diagnostics.HealthChecks;
using PaymentPlatform.Redis;

namespace PaymentPlatform.Risk.Velocity;

/// <summary>
/// Redis for the velocity counters: Degraded, not Unhealthy, when it is unreachable, because
/// risk keeps scoring under its Redis-down policy and should stay in rotation.
/// </summary>
internal sealed class VelocityHealthCheck(RedisClient redis, VelocityCounter counter) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!counter.Available)
        {
            return HealthCheckResult.Degraded("Redis is unavailable: scoring runs without velocity counters under the configured policy.");
        }
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(1));
            await redis.PingAsync(timeout.Token);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is RedisException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            counter.Open(ex);
            return HealthCheckResult.Degraded("Redis did not answer PING: scoring runs without velocity counters under the configured policy.", ex);
        }
    }
}
