using System.Net;
using Polly;
using Polly.Timeout;

namespace PaymentPlatform.ServiceDefaults.Resilience;

/// <summary>What the standard pipeline treats as transient, and what it may retry.</summary>
internal static class HttpTransience
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <summary>5xx, 408, 429, <see cref="HttpRequestException"/> and an attempt that timed out.</summary>
    public static bool IsTransient(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException or TimeoutRejectedException } => true,
        { Exception: null, Result: { } response } => IsTransient(response.StatusCode),
        _ => false,
    };

    public static bool IsTransient(HttpStatusCode status) =>
        (int)status >= 500 || status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;

    /// <summary>
    /// Unsafe, non-idempotent methods (POST, PATCH, CONNECT) are retried only when the
    /// request carries an <c>Idempotency-Key</c>, so a retry can never apply a change twice.
    /// </summary>
    public static bool MayRetry(HttpRequestMessage request)
    {
        var method = request.Method;
        var idempotent = method != HttpMethod.Post && method != HttpMethod.Patch && method != HttpMethod.Connect;
        return idempotent || request.Headers.Contains(IdempotencyKeyHeader);
    }

    /// <summary>The server's <c>Retry-After</c> (seconds or a date), if it sent one.</summary>
    public static TimeSpan? RetryAfter(Outcome<HttpResponseMessage> outcome, TimeProvider time)
    {
        if (outcome.Result?.Headers.RetryAfter is not { } retryAfter)
        {
            return null;
        }

        if (retryAfter.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (retryAfter.Date is { } date)
        {
            var wait = date - time.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }

    /// <summary>A short, secret-free description of an outcome for logs and metric tags.</summary>
    public static string Describe(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: TimeoutRejectedException } => "timeout",
        { Exception: { } exception } => exception.GetType().Name,
        { Result: { } response } => ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => "unknown",
    };
}
