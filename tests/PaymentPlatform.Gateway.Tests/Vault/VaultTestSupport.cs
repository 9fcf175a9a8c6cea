using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Npgsql;
using PaymentPlatform.Gateway.Vault;

namespace PaymentPlatform.Gateway.Tests.Vault;

/// <summary>
/// Each test makes its own key ids and card numbers, so tests share the database but no data: a key
/// id's recorded check value and a card's fingerprint are never another test's.
/// </summary>
internal static class VaultTestSupport
{
    public static string NewKeyId() => "t" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    public static string NewSecret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>A random Luhn-valid PAN starting with <paramref name="prefix"/>.</summary>
    public static string NewPan(string prefix = "4", int length = 16)
    {
        var digits = new char[length];
        prefix.CopyTo(0, digits, 0, prefix.Length);
        for (var i = prefix.Length; i < length - 1; i++)
        {
            digits[i] = (char)('0' + RandomNumberGenerator.GetInt32(10));
        }
        for (var check = 0; check < 10; check++)
        {
            digits[^1] = (char)('0' + check);
            if (CardNumber.PassesLuhn(digits))
            {
                break;
            }
        }
        return new string(digits);
    }

    public static CardVault CreateVault(NpgsqlDataSource dataSource, IReadOnlyDictionary<string, string> keys, string activeKeyId, string? fingerprintKeyId = null) =>
        new(dataSource, Options.Create(new VaultOptions
        {
            Keys = new Dictionary<string, string>(keys, StringComparer.Ordinal),
            ActiveKeyId = activeKeyId,
            FingerprintKeyId = fingerprintKeyId,
        }));

    public static CardVault CreateVault(NpgsqlDataSource dataSource, out string keyId)
    {
        keyId = NewKeyId();
        return CreateVault(dataSource, new Dictionary<string, string> { [keyId] = NewSecret() }, keyId);
    }
}
