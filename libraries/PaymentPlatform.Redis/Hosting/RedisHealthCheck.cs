using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace PaymentPlatform.Redis;

/// <summary>Healthy when the server answers PING over the shared connection.</summary>
internal sealed class RedisHealthCheck(RedisClient client) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            TimeSpan roundTrip = await client.PingAsync(cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy(string.Create(
                CultureInfo.InvariantCulture, $"PING to {client.EndPoint} took {roundTrip.TotalMilliseconds:0.###} ms."));
        }
        catch (RedisException ex)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"PING to {client.EndPoint} failed.", ex);
        }
    }
}
