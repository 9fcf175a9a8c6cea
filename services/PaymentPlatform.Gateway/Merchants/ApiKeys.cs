using System.Security.Cryptography;
using System.Text;

namespace PaymentPlatform.Gateway.Merchants;

/// <summary>
/// Secret API keys: <c>sk_test_</c> or <c>sk_live_</c> and 32 base-62 characters (190 random bits).
/// Only the SHA-256 of a key is stored; the key itself is shown once, when it is created.
/// </summary>
internal static class ApiKeys
{
    public const string TestPrefix = "sk_test_";
    public const string LivePrefix = "sk_live_";
    private const int SecretLength = 32;
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    public static string NewSecret(bool livemode) =>
        (livemode ? LivePrefix : TestPrefix) + RandomNumberGenerator.GetString(Alphabet, SecretLength);

    /// <summary>Whether <paramref name="secret"/> has a key's shape; anything else is refused before any lookup.</summary>
    public static bool LooksLikeKey(string secret) =>
        (secret.StartsWith(TestPrefix, StringComparison.Ordinal) || secret.StartsWith(LivePrefix, StringComparison.Ordinal))
        && secret.Length is > 8 and <= 128
        && secret.AsSpan(TestPrefix.Length).IndexOfAnyExcept(Alphabet) < 0;

    public static bool IsLive(string secret) => secret.StartsWith(LivePrefix, StringComparison.Ordinal);

    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    /// <summary>What may be shown of a key: its prefix and last four characters.</summary>
    public static string Redact(string secret) => $"{secret[..TestPrefix.Length]}...{secret[^4..]}";
}
