using System.ComponentModel.DataAnnotations;

namespace PaymentPlatform.Gateway.Idempotency;

/// <summary>Idempotency keys (<c>Gateway:Idempotency</c>).</summary>
public sealed class IdempotencyOptions
{
    public const string SectionName = "Gateway:Idempotency";

    /// <summary>
    /// The key of the request fingerprint's HMAC (the AppHost's <c>gateway-hmac-key</c> parameter). Keyed, so a
    /// stored fingerprint says nothing about the request it came from.
    /// </summary>
    [Required(ErrorMessage = "Gateway:Idempotency:FingerprintKey is required: the AppHost passes its gateway-hmac-key parameter (env Gateway__Idempotency__FingerprintKey).")]
    [MinLength(16)]
    public string? FingerprintKey { get; set; }

    /// <summary>
    /// How long a request holds its key. A second request with the key meanwhile is 409; once the lease lapses
    /// (the first request's process died), a retry takes the key over and resumes the work.
    /// </summary>
    public TimeSpan LockLease { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long keys are kept (at least 24 hours), then purged.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The Redis lock's budget: past it, the request goes to the database alone.</summary>
    public TimeSpan RedisTimeout { get; set; } = TimeSpan.FromMilliseconds(50);
}
