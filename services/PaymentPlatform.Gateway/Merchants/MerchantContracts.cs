namespace PaymentPlatform.Gateway.Merchants;

/// <summary><c>POST /v1/merchants</c> (admin): a name, and optionally the fee rule and rate limit.</summary>
public sealed record CreateMerchantRequest(string? Name, FeeRuleData? FeeRule, RateLimitData? RateLimit);

/// <summary><c>POST /v1/merchants/{id}</c> (admin): changes the fee rule or the rate limit.</summary>
public sealed record UpdateMerchantRequest(FeeRuleData? FeeRule, RateLimitData? RateLimit);

public sealed record FeeRuleData(int? BasisPoints, long? Fixed);

public sealed record RateLimitData(int? RequestsPerSecond, int? Burst);

/// <summary><c>POST /v1/api_keys/roll</c>: how long the current key keeps working (default 24 h, at most 7 days).</summary>
public sealed record RollKeyRequest(long? ExpiresInSeconds);

/// <summary>The merchant object; <c>secret_key</c> only in the answer that created it.</summary>
public sealed record MerchantResponse(
    string Id,
    string Object,
    string Name,
    FeeRuleData FeeRule,
    RateLimitData RateLimit,
    long Created,
    string? SecretKey = null);

/// <summary>An API key; <c>secret</c> only in the answer that created it.</summary>
public sealed record ApiKeyResponse(string Id, string Object, bool Livemode, string Redacted, long Created, long? ExpiresAt, string? Secret = null);

/// <summary>The answer to a roll: the new key (with its secret) and the old one with its expiry.</summary>
public sealed record RollKeyResponse(string Object, ApiKeyResponse NewKey, ApiKeyResponse PreviousKey);

internal static class MerchantMapping
{
    public static MerchantResponse ToResponse(this Merchant merchant, string? secretKey = null) => new(
        merchant.Id, "merchant", merchant.Name,
        new FeeRuleData(merchant.FeeRule.BasisPoints, merchant.FeeRule.FixedMinorUnits),
        new RateLimitData(merchant.RateLimit.RequestsPerSecond, merchant.RateLimit.Burst),
        merchant.CreatedAt.ToUnixTimeSeconds(), secretKey);

    public static ApiKeyResponse ToResponse(this ApiKey key, string? secret = null) =>
        new(key.Id, "api_key", key.Livemode, key.Redacted, key.CreatedAt.ToUnixTimeSeconds(), key.ExpiresAt?.ToUnixTimeSeconds(), secret);
}
