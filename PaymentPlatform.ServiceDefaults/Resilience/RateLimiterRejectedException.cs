using Polly;

namespace PaymentPlatform.ServiceDefaults;

/// <summary>
/// Thrown by an internal client when its concurrency limit is reached and its queue is
/// full. Like Polly's <c>BrokenCircuitException</c> and <c>TimeoutRejectedException</c>,
/// it derives from <see cref="ExecutionRejectedException"/>, so callers can catch every
/// rejection of the pipeline in one place.
/// </summary>
public sealed class RateLimiterRejectedException : ExecutionRejectedException
{
    /// <summary>Creates the exception.</summary>
    public RateLimiterRejectedException()
        : base("The internal client's concurrency limit was reached.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public RateLimiterRejectedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public RateLimiterRejectedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
