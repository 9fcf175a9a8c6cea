using System.Security.Cryptography;
using System.Text;

namespace PaymentPlatform.Notify.Signing;

/// <summary>
/// Verifies a webhook the way a merchant's receiver should (Standard Webhooks 1.0). Self-contained
/// (only the base class library), so a merchant can copy this file into their own code:
/// <code>
/// if (!WebhookVerifier.Verify(secret, Request.Headers["webhook-id"], Request.Headers["webhook-timestamp"],
///         Request.Headers["webhook-signature"], rawBody, DateTimeOffset.UtcNow, out var error)) return 400;
/// // then deduplicate on webhook-id: every retry of one event carries the same id.
/// </code>
/// </summary>
public static class WebhookVerifier
{
    /// <summary>The usual tolerance for the signed timestamp, against replays.</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    /// <summary>
    /// True when one of the <c>v1</c> signatures in <paramref name="signatureHeader"/> matches the body
    /// under <paramref name="secret"/> (<c>whsec_...</c>) and the timestamp is within the tolerance of now.
    /// </summary>
    public static bool Verify(string secret, string? id, string? timestamp, string? signatureHeader, ReadOnlySpan<byte> body,
        DateTimeOffset now, out string? error, TimeSpan? tolerance = null)
    {
        ArgumentNullException.ThrowIfNull(secret);
        if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signatureHeader))
        {
            error = "webhook-id, webhook-timestamp and webhook-signature are required";
            return false;
        }
        if (!long.TryParse(timestamp, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds))
        {
            error = "webhook-timestamp is not an integer";
            return false;
        }
        var age = now - DateTimeOffset.FromUnixTimeSeconds(seconds);
        var limit = tolerance ?? DefaultTolerance;
        if (age > limit || age < -limit)
        {
            error = "webhook-timestamp is outside the tolerance";
            return false;
        }
        byte[] key;
        try
        {
            key = Convert.FromBase64String(secret.StartsWith("whsec_", StringComparison.Ordinal) ? secret[6..] : secret);
        }
        catch (FormatException)
        {
            error = "the secret is not base64";
            return false;
        }
        var signed = Encoding.UTF8.GetBytes($"{id}.{timestamp}.");
        var content = new byte[signed.Length + body.Length];
        signed.CopyTo(content, 0);
        body.CopyTo(content.AsSpan(signed.Length));
        var expected = HMACSHA256.HashData(key, content);
        foreach (var candidate in signatureHeader.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var comma = candidate.IndexOf(',', StringComparison.Ordinal);
            if (comma < 0 || candidate[..comma] != "v1")
            {
                continue;
            }
            var actual = new byte[expected.Length];
            if (Convert.TryFromBase64String(candidate[(comma + 1)..], actual, out var written) && written == expected.Length
                && CryptographicOperations.FixedTimeEquals(actual, expected))
            {
                error = null;
                return true;
            }
        }
        error = "no signature matches";
        return false;
    }
}
