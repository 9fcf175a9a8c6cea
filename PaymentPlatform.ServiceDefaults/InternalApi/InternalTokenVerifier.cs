using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Primitives;

namespace PaymentPlatform.ServiceDefaults.InternalApi;

internal static class InternalTokenVerifier
{
    private const string Scheme = "Bearer ";

    /// <summary>
    /// True when the one Authorization header is <c>Bearer &lt;expected&gt;</c>. Both tokens
    /// are hashed first, so the fixed-time comparison reveals neither content nor length.
    /// </summary>
    public static bool IsAuthorized(StringValues authorization, string? expectedToken)
    {
        if (string.IsNullOrEmpty(expectedToken) || authorization.Count != 1 || authorization[0] is not { } header)
        {
            return false;
        }

        if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var presented = header.AsSpan(Scheme.Length).Trim();
        Span<byte> presentedHash = stackalloc byte[SHA256.HashSizeInBytes];
        Span<byte> expectedHash = stackalloc byte[SHA256.HashSizeInBytes];
        Hash(presented, presentedHash);
        Hash(expectedToken, expectedHash);
        return CryptographicOperations.FixedTimeEquals(presentedHash, expectedHash);
    }

    private static void Hash(ReadOnlySpan<char> value, Span<byte> destination)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(value)];
        Encoding.UTF8.GetBytes(value, bytes);
        try
        {
            SHA256.HashData(bytes, destination);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }
}
