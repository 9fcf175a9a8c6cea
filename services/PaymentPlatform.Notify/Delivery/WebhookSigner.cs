using System.Security.Cryptography;
using System.Text;

namespace PaymentPlatform.Notify.Delivery;

/// <summary>
/// Standard Webhooks 1.0 signing: <c>v1,</c> + base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}")),
/// where the key is the base64 after <c>whsec_</c>. Several signatures are space-separated.
/// </summary>
public static class WebhookSigner
{
    public const string SecretPrefix = "whsec_";

    /// <summary>A new secret: <c>whsec_</c> + base64 of 32 random bytes (the spec allows 24 to 64).</summary>
    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public static byte[] KeyOf(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var key = Convert.FromBase64String(secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? secret[SecretPrefix.Length..] : secret);
        if (key.Length is < 24 or > 64)
        {
            throw new ArgumentException("A webhook secret is 24 to 64 bytes.", nameof(secret));
        }
        return key;
    }

    /// <summary>One <c>v1,...</c> signature per key, space-separated, in the order given.</summary>
    public static string Sign(string webhookId, long timestamp, ReadOnlySpan<byte> body, IReadOnlyList<byte[]> keys)
    {
        ArgumentNullException.ThrowIfNull(webhookId);
        ArgumentNullException.ThrowIfNull(keys);
        var prefix = Encoding.UTF8.GetBytes($"{webhookId}.{timestamp}.");
        var content = new byte[prefix.Length + body.Length];
        prefix.CopyTo(content, 0);
        body.CopyTo(content.AsSpan(prefix.Length));
        var signatures = new StringBuilder();
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        foreach (var key in keys)
        {
            HMACSHA256.HashData(key, content, mac);
            if (signatures.Length > 0)
            {
                signatures.Append(' ');
            }
            signatures.Append("v1,").Append(Convert.ToBase64String(mac));
        }
        return signatures.ToString();
    }
}
