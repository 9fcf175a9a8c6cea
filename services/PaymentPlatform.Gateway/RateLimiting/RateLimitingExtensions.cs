using System.Globalization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using PaymentPlatform.Gateway.Merchants;
using PaymentPlatform.Redis;
using PaymentPlatform.ServiceDefaults;

namespace PaymentPlatform.Gateway.RateLimiting;

/// <summary>Per-merchant rate limiting: registration and the endpoint filter.</summary>
public static class RateLimitingExtensions
{
    /// <summary>
    /// Registers the limiter (options from <c>Gateway:RateLimiting</c>, checked at start), its
    /// metrics, a health check named <c>rate-limiter</c> (tagged <c>ready</c>; Degraded while Redis
    /// fails) and a start-up step that loads the script. Needs a <see cref="RedisClient"/>
    /// (<c>builder.AddRedisClient("cache")</c>).
    /// </summary>
    public static IServiceCollection AddMerchantRateLimiting(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<RateLimitingOptions>()
            .BindConfiguration(RateLimitingOptions.SectionName)
            .Validate(o => o.RedisTimeout > TimeSpan.Zero, "Gateway:RateLimiting:RedisTimeout must be positive.")
            .Validate(o => o.ProbeInterval > TimeSpan.Zero, "Gateway:RateLimiting:ProbeInterval must be positive.")
            .Validate(o => o.FailuresToOpen >= 1, "Gateway:RateLimiting:FailuresToOpen must be at least 1.")
            .Validate(o => Enum.IsDefined(o.WhenRedisUnavailable), "Gateway:RateLimiting:WhenRedisUnavailable must be FailOpen or FailClosed.")
            .ValidateOnStart();
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<RateLimitMetrics>();
        services.TryAddSingleton<MerchantRateLimiter>();
        services.AddHostedService<RateLimiterStartup>();
        services.AddHealthChecks().AddCheck<RateLimiterHealthCheck>(RateLimiterHealthCheck.Name, tags: [Microsoft.Extensions.Hosting.Extensions.ReadyTag]);
        return services;
    }

    /// <summary>
    /// Limits each merchant's requests to its <see cref="MerchantContext.RateLimit"/>: over it, 429
    /// <c>rate_limited</c> with <c>Retry-After</c>; when Redis cannot decide and the policy is
    /// FailClosed, 503 <c>rate_limiter_unavailable</c>. Allowed requests carry <c>RateLimit-Limit</c>
    /// and <c>RateLimit-Remaining</c>. Requests without a merchant (put there by authentication,
    /// which must come first) pass untouched.
    /// </summary>
    public static TBuilder RequireMerchantRateLimit<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddEndpointFilter(static async (context, next) =>
        {
            var http = context.HttpContext;
            if (http.Features.Get<MerchantContext>() is not { } merchant
                || !http.RequestServices.GetRequiredService<IOptionsMonitor<RateLimitingOptions>>().CurrentValue.Enabled)
            {
                return await next(context);
            }
            var limit = merchant.RateLimit;
            var decision = await http.RequestServices.GetRequiredService<MerchantRateLimiter>()
                .AcquireAsync(merchant.MerchantId, limit, http.RequestAborted);
            var headers = http.Response.Headers;
            if (!decision.Degraded)
            {
                headers["RateLimit-Limit"] = Math.Max(limit.Burst, 1).ToString(CultureInfo.InvariantCulture);
                headers["RateLimit-Remaining"] = decision.Remaining.ToString(CultureInfo.InvariantCulture);
            }
            if (decision.Allowed)
            {
                return await next(context);
            }
            var seconds = RetryAfterSeconds(decision.RetryAfter);
            headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            return decision.Degraded
                ? Problems.ServiceUnavailable("rate_limiter_unavailable",
                    $"The rate limiter cannot decide right now and this gateway is configured to refuse requests until it can; retry after {seconds} s.")
                : Problems.Result(StatusCodes.Status429TooManyRequests, "rate_limited", "Too many requests.",
                    $"This merchant's limit is {limit.RequestsPerSecond} requests per second with bursts of {Math.Max(limit.Burst, 1)}; retry after {seconds} s.");
        });
        return builder;
    }

    /// <summary>Whole seconds, rounded up, at least 1 (Retry-After has no fractions, and 0 invites an immediate retry).</summary>
    internal static long RetryAfterSeconds(TimeSpan retryAfter) => Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds));
}

/// <summary>
/// Before the gateway listens: connects to Redis and loads the script, so the first request does not
/// pay for either within its 50 ms budget. Redis being down does not stop the start: the policy
/// decides until it answers.
/// </summary>
internal sealed class RateLimiterStartup(RedisClient redis, MerchantRateLimiter limiter, IOptionsMonitor<RateLimitingOptions> options) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.CurrentValue.Enabled)
        {
            return;
        }
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            await redis.ScriptLoadAsync(RateLimitScript.Script, timeout.Token);
        }
        catch (Exception ex) when (ex is RedisException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            limiter.RecordFailure(ex);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
