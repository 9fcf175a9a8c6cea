using System.Security.Cryptography;
using System.Text;

namespace PaymentPlatform.Notify.Endpoints;

/// <summary>
/// Encrypts webhook signing secrets at rest with AES-GCM (contracts.md: notify owns the
/// secrets, encrypted). The key comes from <c>Notify:SecretsKey</c> (base64, 32 bytes) when
/// set; until the AppHost hands notify a key of its own, it is derived (HKDF) from the internal
/// token, which only the platform's services hold. Rotating that token would then make stored
/// secrets unreadable, which is why the notify issue gives the key its own secret.
/// </summary>
internal sealed class SecretProtector
{
    private const byte Version = 1;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly byte[] _key;

    public SecretProtector(IConfiguration configuration)
    {
        if (configuration["Notify:SecretsKey"] is { Length: > 0 } configured)
        {
            _key = Convert.FromBase64String(configured);
            if (_key.Length != 32)
            {
                throw new InvalidOperationException("Notify:SecretsKey must be 32 bytes, base64-encoded.");
            }
            return;
        }
        var token = configuration["InternalApi:Token"];
        if (string.IsNullOrEmpty(token))
        {
            throw new InvalidOperationException("Notify needs Notify:SecretsKey or InternalApi:Token to encrypt webhook secrets.");
        }
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
}
