using PaymentPlatform.Gateway.Payments;

namespace PaymentPlatform.Gateway.Merchants;

/// <summary>
/// The merchant a request acts for, resolved from its API key: plain values only (never a live
/// database entity), so the key cache can hold it safely and share it between requests.
/// </summary>
/// <param name="MerchantId">The merchant (<c>mer_...</c>); every object the request may see belongs to it.</param>
/// <param name="Livemode">False for <c>sk_test_</c> keys: test-mode risk rules apply.</param>
/// <param name="KeyId">The API key's id (<c>key_...</c>), never its secret.</param>
/// <param name="RateLimit">The merchant's request rate limit.</param>
/// <param name="FeeRule">The fee charged on each capture.</param>
public sealed record MerchantContext(string MerchantId, bool Livemode, string KeyId, RateLimitSettings RateLimit, FeeRule FeeRule);

/// <summary>A merchant's request rate: a sustained rate and a burst above it.</summary>
public sealed record RateLimitSettings(int RequestsPerSecond, int Burst)
{
    /// <summary>What a new merchant gets unless the admin API says otherwise.</summary>
    public static readonly RateLimitSettings Default = new(100, 200);
}
