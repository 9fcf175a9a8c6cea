using System.Threading.RateLimiting;
using Polly;

namespace PaymentPlatform.ServiceDefaults.Resilience;

/// <summary>
/// The pipeline's outermost stage, written on System.Threading.RateLimiting because
/// Polly.RateLimiting is not in the registry these machines reach.
/// </summary>
internal sealed class ConcurrencyLimiterStrategy(RateLimiter limiter, Action onRejected) : ResilienceStrategy
{
    protected override async ValueTask<Outcome<TResult>> ExecuteCore<TResult, TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<TResult>>> callback,
        ResilienceContext context,
        TState state)
    {
        RateLimitLease lease;
        try
        {
            lease = await limiter.AcquireAsync(1, context.CancellationToken).ConfigureAwait(context.ContinueOnCapturedContext);
        }
        catch (OperationCanceledException e)
        {
            return Outcome.FromException<TResult>(e);
        }

        using (lease)
        {
            if (!lease.IsAcquired)
            {
                onRejected();
                return Outcome.FromException<TResult>(new RateLimiterRejectedException());
            }

            return await callback(context, state).ConfigureAwait(context.ContinueOnCapturedContext);
        }
    }
}

internal sealed class ConcurrencyLimiterStrategyOptions : ResilienceStrategyOptions
{
    public ConcurrencyLimiterStrategyOptions() => Name = "RateLimiter";
}
