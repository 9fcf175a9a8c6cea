namespace PaymentPlatform.ServiceDefaults;

/// <summary>
/// The standard resilience pipeline of one internal client, bound from
/// <c>InternalClients:{service}:Resilience</c> (e.g. env
/// <c>InternalClients__ledger__Resilience__AttemptTimeout=00:00:00.250</c>). Defaults are
/// Aspire's standard resilience handler numbers.
/// </summary>
public sealed class InternalClientResilienceOptions
{
    /// <summary>The configuration section that holds every internal client's settings.</summary>
    public const string ClientsSectionName = "InternalClients";

    /// <summary>Outermost: at most this many requests in flight per client.</summary>
    public RateLimiterOptions RateLimiter { get; set; } = new();

    /// <summary>The budget for the whole call, retries and their delays included.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries of transient failures.</summary>
    public RetryOptions Retry { get; set; } = new();

    /// <summary>Stops calling a failing dependency for a while.</summary>
    public CircuitBreakerOptions CircuitBreaker { get; set; } = new();

    /// <summary>Innermost: the budget for one attempt.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The section for one client's options: <c>InternalClients:{service}:Resilience</c>.</summary>
    public static string SectionFor(string serviceName) => $"{ClientsSectionName}:{serviceName}:Resilience";

    /// <summary>Concurrency limiter settings.</summary>
    public sealed class RateLimiterOptions
    {
        /// <summary>Requests allowed in flight at once (default 1000).</summary>
        public int PermitLimit { get; set; } = 1000;

        /// <summary>Requests allowed to wait for a permit (default 0: reject at once).</summary>
        public int QueueLimit { get; set; }
    }

    /// <summary>Retry settings.</summary>
    public sealed class RetryOptions
    {
        /// <summary>Retries after the first attempt (default 3; 0 turns retries off).</summary>
        public int MaxRetryAttempts { get; set; } = 3;

        /// <summary>The first backoff delay, doubled on each retry (default 2 s).</summary>
        public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(2);

        /// <summary>Whether delays are jittered (default true).</summary>
        public bool UseJitter { get; set; } = true;
    }

    /// <summary>Circuit breaker settings.</summary>
    public sealed class CircuitBreakerOptions
    {
        /// <summary>Share of failed calls in the sampling window that opens the circuit (default 0.1).</summary>
        public double FailureRatio { get; set; } = 0.1;

        /// <summary>Calls needed in the window before the ratio counts (default 100).</summary>
        public int MinimumThroughput { get; set; } = 100;

        /// <summary>The sampling window (default 30 s).</summary>
        public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

        /// <summary>How long the circuit stays open before a trial call (default 5 s).</summary>
        public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(5);
    }
}
