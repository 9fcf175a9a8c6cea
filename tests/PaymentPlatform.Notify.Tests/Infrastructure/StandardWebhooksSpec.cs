using System.Security.Cryptography;
using System.Text;

namespace PaymentPlatform.Notify.Tests.Infrastructure;

/// <summary>
/// An independent receiver-side implementation of Standard Webhooks 1.0, written from the
/// specification (not from notify's code): the secret is the base64 after <c>whsec_</c>; the
/// signed content is <c>msg_id.timestamp.payload</c>; the signature is HMAC-SHA256, base64,
/// prefixed <c>v1,</c>; the header is a space-delimited list; timestamps outside the tolerance fail.
/// </summary>
public static class StandardWebhooksSpec
{
    public static bool Verify(string secret, string msgId, string timestamp, string signatureHeader, byte[] payload, DateTimeOffset now,
        TimeSpan? tolerance = null)
    {
        var allowed = tolerance ?? TimeSpan.FromMinutes(5);
        var sent = DateTimeOffset.FromUnixTimeSeconds(long.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture));
        if ((now - sent).Duration() > allowed)
        {
            return false;
        }
        var expected = Sign(secret, msgId, timestamp, payload);
        return signatureHeader.Split(' ').Any(passed =>
            CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(passed), Encoding.ASCII.GetBytes(expected)));
    }

    public static string Sign(string secret, string msgId, string timestamp, byte[] payload)
    {
        var key = Convert.FromBase64String(secret.Split('_', 2)[1]);
        using var hmac = new HMACSHA256(key);
        var toSign = Encoding.UTF8.GetBytes($"{msgId}.{timestamp}.").Concat(payload).ToArray();
        return "v1," + Convert.ToBase64String(hmac.ComputeHash(toSign));
    }
}
