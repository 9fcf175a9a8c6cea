using System.Globalization;
using Microsoft.Extensions.Options;
using PaymentPlatform.Gateway.Merchants;
using PaymentPlatform.Redis;

namespace PaymentPlatform.Gateway.RateLimiting;

/// <summary>What the limiter decided for one request.</summary>
/// <param name="Allowed">Whether the request may proceed.</param>
/// <param name="RetryAfter">When refused: how long until a request would be allowed.</param>
/// <param name="Remaining">Requests still allowed right now; -1 when Redis could not say (<paramref name="Degraded"/>).</param>
/// <param name="Degraded">True when Redis could not decide and the configured policy did.</param>
public sealed record RateLimitDecision(bool Allowed, TimeSpan RetryAfter, long Remaining, bool Degraded);

/// <summary>
/// Per-merchant request rates, one budget per merchant shared by every gateway replica: one Lua
/// script call (<see cref="RateLimitScript"/>) per request, on Redis's clock. A call that fails or
/// takes longer than <see cref="RateLimitingOptions.RedisTimeout"/> is decided by
/// <see cref="RateLimitingOptions.WhenRedisUnavailable"/>. After
/// <see cref="RateLimitingOptions.FailuresToOpen"/> such calls in a row, requests stop waiting for
/// Redis and are decided by the policy at once; one request per
/// <see cref="RateLimitingOptions.ProbeInterval"/> tries Redis again, and its success closes the gap.
/// </summary>
internal sealed partial class MerchantRateLimiter(
    RedisClient redis,
    IOptionsMonitor<RateLimitingOptions> options,
    RateLimitMetrics metrics,
    TimeProvider time,
    ILogger<MerchantRateLimiter> logger)
{
    internal const string KeyPrefix = "gateway:rate_limit:";

    private int _failures;
    private int _open;
    private long _probeAt;
    private int _probing;

    /// <summary>False while Redis is considered down (requests are decided without it).</summary>
    public bool Available => Volatile.Read(ref _open) == 0;

    /// <summary>Whether the last call to Redis failed.</summary>
    public bool LastCallFailed => Volatile.Read(ref _failures) > 0;

    /// <summary>Takes one request from the merchant's budget.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The limit allows less than one request per second.</exception>
    public ValueTask<RateLimitDecision> AcquireAsync(string merchantId, RateLimitSettings limit, CancellationToken cancellationToken) =>
        AcquireAsync(merchantId, limit, nowMicroseconds: null, cancellationToken);

    /// <summary>As the public overload; tests pass <paramref name="nowMicroseconds"/> to replace Redis TIME (never reachable from a request).</summary>
    internal async ValueTask<RateLimitDecision> AcquireAsync(string merchantId, RateLimitSettings limit, long? nowMicroseconds, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(merchantId);
        ArgumentNullException.ThrowIfNull(limit);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit.RequestsPerSecond, 1, nameof(limit));
        var settings = options.CurrentValue;
        var probe = false;
        if (!Available)
        {
            if (time.GetTimestamp() < Volatile.Read(ref _probeAt) || Interlocked.CompareExchange(ref _probing, 1, 0) != 0)
            {
                return Unavailable(settings);
            }
            probe = true;
        }
        try
        {
            using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            budget.CancelAfter(settings.RedisTimeout);
            var reply = await redis.EvaluateAsync(RateLimitScript.Script, [KeyPrefix + merchantId],
                [IntervalMicroseconds(limit), Math.Max(limit.Burst, 1), nowMicroseconds?.ToString(CultureInfo.InvariantCulture) ?? string.Empty],
                budget.Token);
            Succeeded();
            var allowed = (long)reply[0] == 1;
            if (!allowed)
            {
                metrics.Limited();
            }
            return new RateLimitDecision(allowed, TimeSpan.FromMicroseconds((long)reply[1]), (long)reply[2], Degraded: false);
        }
        catch (Exception ex) when (ex is RedisException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            Failed(ex, settings, probe);
            return Unavailable(settings);
        }
        finally
        {
            if (probe)
            {
                Volatile.Write(ref _probing, 0);
            }
        }
    }

    /// <summary>Records a failed call outside a request (the health check's PING, the start-up script load).</summary>
    internal void RecordFailure(Exception reason) => Failed(reason, options.CurrentValue, open: true);

    /// <summary>Records a successful call outside a request.</summary>
    internal void RecordSuccess() => Succeeded();

    /// <summary>Microseconds between requests at the sustained rate, rounded up so the rate is never exceeded.</summary>
    internal static long IntervalMicroseconds(RateLimitSettings limit) => (1_000_000L + limit.RequestsPerSecond - 1) / limit.RequestsPerSecond;

    private RateLimitDecision Unavailable(RateLimitingOptions settings)
    {
        metrics.RedisUnavailable(settings.WhenRedisUnavailable);
        return settings.WhenRedisUnavailable == RedisUnavailablePolicy.FailClosed
            ? new RateLimitDecision(false, settings.ProbeInterval, 0, Degraded: true)
            : new RateLimitDecision(true, TimeSpan.Zero, -1, Degraded: true);
    }

    private void Succeeded()
    {
        Volatile.Write(ref _failures, 0);
        if (Interlocked.Exchange(ref _open, 0) == 1)
        {
            LogAvailable(logger);
        }
    }

    private void Failed(Exception reason, RateLimitingOptions settings, bool open)
    {
        if (Interlocked.Increment(ref _failures) < settings.FailuresToOpen && !open)
        {
            return;
        }
        Volatile.Write(ref _probeAt, time.GetTimestamp() + (long)(settings.ProbeInterval.TotalSeconds * time.TimestampFrequency));
        if (Interlocked.Exchange(ref _open, 1) == 0)
        {
            LogUnavailable(logger, reason, settings.WhenRedisUnavailable);
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Redis is unavailable for rate limiting; requests are decided by policy {Policy} until it answers again.")]
    private static partial void LogUnavailable(ILogger logger, Exception reason, RedisUnavailablePolicy policy);

    [LoggerMessage(2, LogLevel.Information, "Redis answers again; rate limits are enforced again.")]
    private static partial void LogAvailable(ILogger logger);
}
