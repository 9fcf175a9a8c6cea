using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace PaymentPlatform.Gateway.Vault;

/// <summary>
/// The card vault's keys (<c>Gateway:Vault</c>). The AppHost hands the first key over as
/// <c>Gateway__Vault__Keys__k1</c> (its secret parameter <c>vault-key</c>) with
/// <c>Gateway__Vault__ActiveKeyId=k1</c>.
/// </summary>
public sealed class VaultOptions
{
    public const string SectionName = "Gateway:Vault";

    /// <summary>
    /// Key id -> secret: base64 of at least 32 random bytes, or any high-entropy string of at least
    /// 20 characters. The AES-256 and fingerprint keys are derived from it with HKDF-SHA256. Keep every
    /// key that still encrypts rows, and the fingerprint key, for as long as the vault holds cards.
    /// </summary>
    public Dictionary<string, string> Keys { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The key that encrypts new cards. Rows keep the id of the key that encrypted them.</summary>
    public string? ActiveKeyId { get; set; }

    /// <summary>
    /// The key whose HMAC makes <c>card_fingerprint</c>. Defaults to <see cref="ActiveKeyId"/> while only
    /// one key is configured; must be set once there are several, because fingerprints (risk's
    /// velocity counters and block lists, and the vault's one row per card) change with this key.
    /// </summary>
    public string? FingerprintKeyId { get; set; }

    /// <summary>The fingerprint key id in effect.</summary>
    public string EffectiveFingerprintKeyId => string.IsNullOrEmpty(FingerprintKeyId) ? ActiveKeyId ?? string.Empty : FingerprintKeyId;
}

/// <summary>Checks <see cref="VaultOptions"/> at start, naming the configuration key that is wrong.</summary>
internal sealed partial class VaultOptionsValidator : IValidateOptions<VaultOptions>
{
    public const int MinSecretLength = 20;

    public ValidateOptionsResult Validate(string? name, VaultOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        const string Section = VaultOptions.SectionName;
        if (options.Keys.Count == 0)
        {
            failures.Add($"{Section}:Keys is empty: the card vault needs at least one key, e.g. {Section}:Keys:k1 " +
                "(environment Gateway__Vault__Keys__k1, from the AppHost's secret parameter vault-key).");
        }
        foreach (var (keyId, secret) in options.Keys)
        {
            if (!KeyIdPattern().IsMatch(keyId))
            {
                failures.Add($"{Section}:Keys:{keyId}: a key id is 1-32 characters of A-Z, a-z, 0-9, '_' and '-'.");
            }
            else if (string.IsNullOrEmpty(secret))
            {
                failures.Add($"{Section}:Keys:{keyId} is empty.");
            }
            else if (secret.Length < MinSecretLength)
            {
                failures.Add($"{Section}:Keys:{keyId} is too short: use base64 of 32 random bytes, or a random string of at least {MinSecretLength} characters.");
            }
        }
        if (string.IsNullOrEmpty(options.ActiveKeyId))
        {
            failures.Add($"{Section}:ActiveKeyId is missing (environment Gateway__Vault__ActiveKeyId): it names the key in {Section}:Keys that encrypts new cards.");
        }
        else if (!options.Keys.ContainsKey(options.ActiveKeyId))
        {
            failures.Add($"{Section}:ActiveKeyId is '{options.ActiveKeyId}' but {Section}:Keys:{options.ActiveKeyId} is not configured.");
        }
        if (string.IsNullOrEmpty(options.FingerprintKeyId))
        {
            if (options.Keys.Count > 1)
            {
                failures.Add($"{Section}:FingerprintKeyId is missing: with more than one key configured it must name the key that made the " +
                    "existing card fingerprints (normally the first key, e.g. k1), or rotating the active key would change every fingerprint.");
            }
        }
        else if (!options.Keys.ContainsKey(options.FingerprintKeyId))
        {
            failures.Add($"{Section}:FingerprintKeyId is '{options.FingerprintKeyId}' but {Section}:Keys:{options.FingerprintKeyId} is not configured; " +
                "the fingerprint key must be kept for as long as the vault holds cards.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,32}$")]
    private static partial Regex KeyIdPattern();
}
