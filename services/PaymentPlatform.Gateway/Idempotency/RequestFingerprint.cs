using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace PaymentPlatform.Gateway.Idempotency;

/// <summary>
/// The fingerprint that tells a true retry from another request under the same key: an HMAC-SHA256, under the
/// gateway's fingerprint key, of the operation and a canonical form of the validated request. The body itself is
/// never stored; the card's CVC is not part of the canonical form.
/// </summary>
internal sealed class RequestFingerprint(IOptions<IdempotencyOptions> options)
{
    private readonly byte[] _key = Encoding.UTF8.GetBytes(options.Value.FingerprintKey ?? "");

    /// <param name="operation">The route, e.g. <c>POST /v1/payments</c>.</param>
    /// <param name="canonicalParts">The request's meaningful values in a fixed order.</param>
    public byte[] Compute(string operation, params ReadOnlySpan<string?> canonicalParts)
    {
        var text = new StringBuilder(operation);
        foreach (var part in canonicalParts)
        {
            // Length-prefixed, so ("ab", "c") and ("a", "bc") differ.
            text.Append('\n').Append(part?.Length ?? -1).Append(':').Append(part);
        }
        return HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(text.ToString()));
    }
}
