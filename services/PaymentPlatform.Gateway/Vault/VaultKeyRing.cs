using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace PaymentPlatform.Gateway.Vault;

/// <summary>
/// The vault's derived keys: per key id an AES-256-GCM key, and an HMAC key for fingerprints, each
/// derived from the configured secret with HKDF-SHA256 under its own label, so one secret never
/// serves two purposes directly. The secrets themselves are not kept.
/// </summary>
internal sealed class VaultKeyRing
{
    public const int NonceSize = 12;
    public const int TagSize = 16;
    public const int CheckValueSize = 16;

    private static readonly byte[] EncryptionInfo = "paymentplatform card vault aes-256-gcm v1"u8.ToArray();
    private static readonly byte[] FingerprintInfo = "paymentplatform card vault fingerprint v1"u8.ToArray();
    private static readonly byte[] CheckInfo = "paymentplatform card vault key check v1"u8.ToArray();

    private readonly Dictionary<string, byte[]> _encryptionKeys = new(StringComparer.Ordinal);
    private readonly byte[] _fingerprintKey;

    private VaultKeyRing(VaultOptions options)
    {
        foreach (var (keyId, secret) in options.Keys)
        {
            var material = KeyMaterial(secret);
            _encryptionKeys[keyId] = HKDF.DeriveKey(HashAlgorithmName.SHA256, material, 32, info: EncryptionInfo);
            CheckValues[keyId] = HKDF.DeriveKey(HashAlgorithmName.SHA256, material, CheckValueSize, info: CheckInfo);
            CryptographicOperations.ZeroMemory(material);
        }
        ActiveKeyId = options.ActiveKeyId!;
        FingerprintKeyId = options.EffectiveFingerprintKeyId;
        var fingerprintMaterial = KeyMaterial(options.Keys[FingerprintKeyId]);
        _fingerprintKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, fingerprintMaterial, 32, info: FingerprintInfo);
        CryptographicOperations.ZeroMemory(fingerprintMaterial);
    }

    public string ActiveKeyId { get; }

    public string FingerprintKeyId { get; }

    public IReadOnlyCollection<string> KeyIds => _encryptionKeys.Keys;

    /// <summary>Key id -> a one-way check value of its secret, recorded in <c>card_vault_keys</c>.</summary>
    public Dictionary<string, byte[]> CheckValues { get; } = new(StringComparer.Ordinal);

    /// <summary>Validates (as at start) and derives; throws <see cref="OptionsValidationException"/> naming the bad key.</summary>
    public static VaultKeyRing Create(VaultOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var result = new VaultOptionsValidator().Validate(Options.DefaultName, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(VaultOptions), result.Failures);
        }
        return new VaultKeyRing(options);
    }

    public bool HasKey(string keyId) => _encryptionKeys.ContainsKey(keyId);

    /// <summary>HMAC-SHA256 of the normalised PAN under the fingerprint key: 32 lowercase hex characters.</summary>
    public string Fingerprint(string normalizedPan)
    {
        Span<byte> pan = stackalloc byte[CardNumber.MaxLength];
        var length = Encoding.ASCII.GetBytes(normalizedPan, pan);
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(_fingerprintKey, pan[..length], mac);
        CryptographicOperations.ZeroMemory(pan);
        return Convert.ToHexStringLower(mac[..16]);
    }

    /// <summary>Encrypts under the active key; the AAD binds the ciphertext to its token and key id.</summary>
    public SealedPan Seal(string token, string normalizedPan)
    {
        var plain = Encoding.ASCII.GetBytes(normalizedPan);
        try
        {
            var nonce = RandomNumberGenerator.GetBytes(NonceSize);
            var ciphertext = new byte[plain.Length];
            var tag = new byte[TagSize];
            using var aes = new AesGcm(_encryptionKeys[ActiveKeyId], TagSize);
            aes.Encrypt(nonce, plain, ciphertext, tag, AssociatedData(token, ActiveKeyId));
            return new SealedPan(ActiveKeyId, nonce, ciphertext, tag);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    /// <summary>
    /// Decrypts a row. A tampered ciphertext, nonce or tag, a row moved to another token, or the
    /// wrong key throws (<see cref="AuthenticationTagMismatchException"/>); it never answers wrong digits.
    /// </summary>
    public string Open(string token, SealedPan sealedPan)
    {
        ArgumentNullException.ThrowIfNull(sealedPan);
        if (!_encryptionKeys.TryGetValue(sealedPan.KeyId, out var key))
        {
            throw new CryptographicException(
                $"Card {token} is encrypted under key id '{sealedPan.KeyId}', which is not configured: " +
                $"add {VaultOptions.SectionName}:Keys:{sealedPan.KeyId} back (keys are needed for as long as rows use them).");
        }
        if (sealedPan.Nonce.Length != NonceSize || sealedPan.Tag.Length != TagSize)
        {
            throw new CryptographicException($"Card {token} has a malformed nonce or tag.");
        }
        var plain = new byte[sealedPan.Ciphertext.Length];
        try
        {
            using var aes = new AesGcm(key, TagSize);
            aes.Decrypt(sealedPan.Nonce, sealedPan.Ciphertext, sealedPan.Tag, plain, AssociatedData(token, sealedPan.KeyId));
            return Encoding.ASCII.GetString(plain);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    private static byte[] AssociatedData(string token, string keyId) =>
        Encoding.ASCII.GetBytes($"card_vault v1\n{token}\n{keyId}");

    // Base64 of at least 32 bytes is used as bytes (the recommended form); anything else is a
    // passphrase-like secret whose UTF-8 bytes go into HKDF as they are.
    private static byte[] KeyMaterial(string secret)
    {
        var trimmed = secret.Trim();
        if (trimmed.Length >= 44 && Base64.IsValid(trimmed, out var decodedLength) && decodedLength >= 32)
        {
            return Convert.FromBase64String(trimmed);
        }
        return Encoding.UTF8.GetBytes(secret);
    }
}

/// <summary>One encrypted PAN as stored: the key id, the 12-byte nonce, the ciphertext and the 16-byte tag.</summary>
internal sealed record SealedPan(string KeyId, byte[] Nonce, byte[] Ciphertext, byte[] Tag);
