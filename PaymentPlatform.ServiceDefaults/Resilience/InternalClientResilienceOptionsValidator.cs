using Microsoft.Extensions.Options;

namespace PaymentPlatform.ServiceDefaults.Resilience;

/// <summary>
/// Checks each client's options at start: the relations the standard pipeline depends on,
/// and the ranges Polly itself accepts (so a bad value fails at start, not on first call).
/// </summary>
internal sealed class InternalClientResilienceOptionsValidator : IValidateOptions<InternalClientResilienceOptions>
{
    private static readonly TimeSpan MinTimeout = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan MaxTimeout = TimeSpan.FromDays(1);
    private static readonly TimeSpan MinCircuitDuration = TimeSpan.FromMilliseconds(500);

    public ValidateOptionsResult Validate(string? name, InternalClientResilienceOptions options)
    {
        var section = InternalClientResilienceOptions.SectionFor(name ?? "?");
        var failures = new List<string>();
        void Fail(string message) => failures.Add($"{section}: {message}");

        if (options.RateLimiter.PermitLimit < 1)
        {
            Fail($"RateLimiter:PermitLimit must be at least 1 (is {options.RateLimiter.PermitLimit}).");
        }

        if (options.RateLimiter.QueueLimit < 0)
        {
            Fail($"RateLimiter:QueueLimit must not be negative (is {options.RateLimiter.QueueLimit}).");
        }

        if (options.TotalTimeout < MinTimeout || options.TotalTimeout > MaxTimeout)
        {
            Fail($"TotalTimeout must be between {MinTimeout} and {MaxTimeout} (is {options.TotalTimeout}).");
        }

        if (options.AttemptTimeout < MinTimeout || options.AttemptTimeout > MaxTimeout)
        {
            Fail($"AttemptTimeout must be between {MinTimeout} and {MaxTimeout} (is {options.AttemptTimeout}).");
        }

        if (options.AttemptTimeout > options.TotalTimeout)
        {
            Fail($"AttemptTimeout ({options.AttemptTimeout}) must not exceed TotalTimeout ({options.TotalTimeout}).");
        }

        if (options.Retry.MaxRetryAttempts < 0)
        {
            Fail($"Retry:MaxRetryAttempts must not be negative (is {options.Retry.MaxRetryAttempts}).");
        }

        if (options.Retry.BaseDelay < TimeSpan.Zero || options.Retry.BaseDelay > MaxTimeout)
        {
            Fail($"Retry:BaseDelay must be between 0 and {MaxTimeout} (is {options.Retry.BaseDelay}).");
        }

        var breaker = options.CircuitBreaker;
        if (breaker.FailureRatio is <= 0 or > 1)
        {
            Fail($"CircuitBreaker:FailureRatio must be above 0 and at most 1 (is {breaker.FailureRatio}).");
        }

        if (breaker.MinimumThroughput < 2)
        {
            Fail($"CircuitBreaker:MinimumThroughput must be at least 2 (is {breaker.MinimumThroughput}).");
        }

        if (breaker.SamplingDuration < MinCircuitDuration || breaker.SamplingDuration > MaxTimeout)
        {
            Fail($"CircuitBreaker:SamplingDuration must be between {MinCircuitDuration} and {MaxTimeout} (is {breaker.SamplingDuration}).");
        }

        if (breaker.SamplingDuration < 2 * options.AttemptTimeout)
        {
            Fail($"CircuitBreaker:SamplingDuration ({breaker.SamplingDuration}) must be at least twice AttemptTimeout ({options.AttemptTimeout}).");
        }

        if (breaker.BreakDuration < MinCircuitDuration || breaker.BreakDuration > MaxTimeout)
        {
            Fail($"CircuitBreaker:BreakDuration must be between {MinCircuitDuration} and {MaxTimeout} (is {breaker.BreakDuration}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
