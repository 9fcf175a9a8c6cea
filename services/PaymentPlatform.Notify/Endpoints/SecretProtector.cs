using System.Security.Cryptography;
using System.Text;

namespace PaymentPlatform.Notify.Endpoints;

/// <summary>
/// Encrypts webhook signing secrets at rest with AES-GCM (contracts.md: notify owns the
/// secrets, encrypted). The AES key is derived (HKDF-SHA256) from <c>Notify:SecretsKey</c>, a
/// secret of at least 20 characters (environment <c>Notify__SecretsKey</c>, from the AppHost's
/// generated secret parameter <c>notify-secrets-key</c>).
/// Without it the key is derived (HKDF) from the internal token, with a warning: rotating that
/// token would then make every stored secret unreadable.
/// </summary>
internal sealed partial class SecretProtector
{
    private const byte Version = 1;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly byte[] _key;

    public SecretProtector(IConfiguration configuration, ILogger<SecretProtector> logger)
    {
        if (configuration["Notify:SecretsKey"] is { Length: > 0 } configured)
        {
            if (configured.Length < 20)
            {
                throw new InvalidOperationException("Notify:SecretsKey must be a secret of at least 20 characters.");
            }
            _key = HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(configured), 32, info: "notify webhook endpoint secrets v1"u8.ToArray());
            return;
        }
        var token = configuration["InternalApi:Token"];
        if (string.IsNullOrEmpty(token))
        {
            throw new InvalidOperationException("Notify needs Notify:SecretsKey or InternalApi:Token to encrypt webhook secrets.");
        }
        LogDerivedKey(logger);
        _key = HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(token), 32, info: "notify webhook endpoint secrets v1"u8.ToArray());
    }

    public byte[] Protect(string secret)
    {
        var plain = Encoding.UTF8.GetBytes(secret);
        var output = new byte[1 + NonceSize + TagSize + plain.Length];
        output[0] = Version;
        var nonce = output.AsSpan(1, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, plain, output.AsSpan(1 + NonceSize + TagSize), output.AsSpan(1 + NonceSize, TagSize));
        return output;
    }

    public string Unprotect(byte[] protectedSecret)
    {
        ArgumentNullException.ThrowIfNull(protectedSecret);
        if (protectedSecret.Length < 1 + NonceSize + TagSize || protectedSecret[0] != Version)
        {
            throw new CryptographicException("Unknown webhook secret format.");
        }
        var plain = new byte[protectedSecret.Length - 1 - NonceSize - TagSize];
        using var aes = new AesGcm(_key, TagSize);
        aes.Decrypt(protectedSecret.AsSpan(1, NonceSize), protectedSecret.AsSpan(1 + NonceSize + TagSize), protectedSecret.AsSpan(1 + NonceSize, TagSize), plain);
        return Encoding.UTF8.GetString(plain);
    }

    [LoggerMessage(EventId = 30, EventName = "SecretsKeyDerived", Level = LogLevel.Warning,
        Message = "Notify:SecretsKey is not set; webhook secrets are encrypted with a key derived from the internal token, so rotating that token makes them unreadable. Give notify its own key (environment Notify__SecretsKey, base64 of 32 bytes).")]
    private static partial void LogDerivedKey(ILogger logger);
}
