namespace PaymentPlatform.Gateway.RateLimiting;

/// <summary>Section <c>Gateway:RateLimiting</c>: the per-merchant limits themselves come with each merchant (<c>MerchantContext.RateLimit</c>).</summary>
public sealed class RateLimitingOptions
{
    public const string SectionName = "Gateway:RateLimiting";

    /// <summary>False turns the limiter off for every merchant.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>What a request gets when Redis cannot decide in time.</summary>
    public RedisUnavailablePolicy WhenRedisUnavailable { get; set; } = RedisUnavailablePolicy.FailOpen;

    /// <summary>The Redis call's budget; past it the policy decides, so a slow Redis never slows the API.</summary>
    public TimeSpan RedisTimeout { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Failed calls in a row after which requests stop waiting for Redis until a probe succeeds.</summary>
    public int FailuresToOpen { get; set; } = 3;

    /// <summary>While Redis is considered down, one request every interval tries it again.</summary>
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromMilliseconds(500);
}

/// <summary>The answer when Redis cannot be asked.</summary>
public enum RedisUnavailablePolicy
{
    /// <summary>Allow the request and count it in <c>gateway.rate_limit.redis_unavailable</c>.</summary>
    FailOpen,

    /// <summary>Answer 503 <c>rate_limiter_unavailable</c>.</summary>
    FailClosed,
}
