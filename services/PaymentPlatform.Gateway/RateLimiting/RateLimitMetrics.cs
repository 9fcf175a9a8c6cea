using System.Diagnostics.Metrics;

namespace PaymentPlatform.Gateway.RateLimiting;

/// <summary>The rate limiter's instruments, on the gateway's meter <c>PaymentPlatform.Gateway</c>.</summary>
internal sealed class RateLimitMetrics
{
    public const string MeterName = "PaymentPlatform.Gateway";

    private readonly Counter<long> _limited;
    private readonly Counter<long> _redisUnavailable;

    public RateLimitMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _limited = meter.CreateCounter<long>("gateway.rate_limit.limited", "{request}", "Requests refused with 429 because their merchant's rate limit was exceeded.");
        _redisUnavailable = meter.CreateCounter<long>("gateway.rate_limit.redis_unavailable", "{request}",
            "Requests decided without Redis (down, slow or skipped while down), by policy: fail_open (allowed) or fail_closed (503).");
    }

    public void Limited() => _limited.Add(1);

    public void RedisUnavailable(RedisUnavailablePolicy policy) =>
        _redisUnavailable.Add(1, new KeyValuePair<string, object?>("policy", policy == RedisUnavailablePolicy.FailClosed ? "fail_closed" : "fail_open"));
}
