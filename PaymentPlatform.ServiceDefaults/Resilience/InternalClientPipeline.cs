using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace PaymentPlatform.ServiceDefaults.Resilience;

/// <summary>
/// Builds the standard pipeline of one internal client, outer to inner: rate limiter,
/// total timeout, retry, circuit breaker, attempt timeout.
/// </summary>
internal static class InternalClientPipeline
{
    internal static readonly ResiliencePropertyKey<bool> RetryAllowedKey = new("PaymentPlatform.RetryAllowed");
    internal static readonly ResiliencePropertyKey<HttpRequestMessage> RequestKey = new("PaymentPlatform.Request");

    public static ResiliencePipeline<HttpResponseMessage> Build(
        string client,
        InternalClientResilienceOptions options,
        RateLimiter limiter,
        ILogger logger,
        ResilienceTelemetry telemetry,
        TimeProvider time)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage>
        {
            Name = client,
            TimeProvider = time,
        };

        builder.AddStrategy(
            _ => new ConcurrencyLimiterStrategy(limiter, () =>
            {
                ResilienceLog.Rejected(logger, client);
                telemetry.Rejected(client, "concurrency_limit");
            }),
            new ConcurrencyLimiterStrategyOptions());

        builder.AddTimeout(new TimeoutStrategyOptions { Name = "TotalTimeout", Timeout = options.TotalTimeout });

        if (options.Retry.MaxRetryAttempts > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                Name = "Retry",
                MaxRetryAttempts = options.Retry.MaxRetryAttempts,
                Delay = options.Retry.BaseDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = options.Retry.UseJitter,
                ShouldHandle = args => ValueTask.FromResult(
                    HttpTransience.IsTransient(args.Outcome)
                    && args.Context.Properties.GetValue(RetryAllowedKey, true)),
                DelayGenerator = args => ValueTask.FromResult(HttpTransience.RetryAfter(args.Outcome, time)),
                OnRetry = args =>
                {
                    var outcome = HttpTransience.Describe(args.Outcome);
                    args.Context.Properties.TryGetValue(RequestKey, out var request);
                    ResilienceLog.Retrying(
                        logger,
                        client,
                        request?.Method.Method ?? "?",
                        request?.RequestUri?.AbsolutePath,
                        outcome,
                        args.AttemptNumber + 1,
                        args.RetryDelay.TotalMilliseconds);
                    telemetry.Retried(client, outcome);
                    return default;
                },
            });
        }

        builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
        {
            Name = "CircuitBreaker",
            FailureRatio = options.CircuitBreaker.FailureRatio,
            MinimumThroughput = options.CircuitBreaker.MinimumThroughput,
            SamplingDuration = options.CircuitBreaker.SamplingDuration,
            BreakDuration = options.CircuitBreaker.BreakDuration,
            ShouldHandle = args => ValueTask.FromResult(HttpTransience.IsTransient(args.Outcome)),
            OnOpened = args =>
            {
                ResilienceLog.CircuitOpened(logger, client, args.BreakDuration.TotalMilliseconds, HttpTransience.Describe(args.Outcome));
                telemetry.CircuitStateChanged(client, "open");
                return default;
            },
            OnHalfOpened = _ =>
            {
                ResilienceLog.CircuitHalfOpened(logger, client);
                telemetry.CircuitStateChanged(client, "half_open");
                return default;
            },
            OnClosed = _ =>
            {
                ResilienceLog.CircuitClosed(logger, client);
                telemetry.CircuitStateChanged(client, "closed");
                return default;
            },
        });

        builder.AddTimeout(new TimeoutStrategyOptions { Name = "AttemptTimeout", Timeout = options.AttemptTimeout });

        return builder.Build();
    }
}
