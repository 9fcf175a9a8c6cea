using System.Security.Cryptography;
using System.Text;

namespace PaymentPlatform.Gateway.Infrastructure;

/// <summary>Object ids in Stripe's shape: a type prefix and 24 lowercase hex characters.</summary>
internal static class Ids
{
    public static string New(string prefix) =>
        $"{prefix}_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12))}";

    /// <summary>
    /// An id derived from its parts, so a retried request (same merchant, same Idempotency-Key)
    /// names the same payment, the same ledger hold and the same risk score.
    /// </summary>
    public static string Derived(string prefix, params ReadOnlySpan<string> parts)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', parts.ToArray())));
        return $"{prefix}_{Convert.ToHexStringLower(hash.AsSpan(0, 12))}";
    }
}
