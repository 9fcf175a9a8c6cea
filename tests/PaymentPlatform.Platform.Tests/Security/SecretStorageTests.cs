using System.Net;
using System.Security.Cryptography;
using System.Text;
using PaymentPlatform.Hosting.Testing;
using PaymentPlatform.Platform.Tests.Gateway;

namespace PaymentPlatform.Platform.Tests.Security;

/// <summary>
/// Issue 16, "Security checks": API keys are stored only hashed and webhook secrets only encrypted. Every way a
/// secret is made (a merchant's first key, a key the admin adds, a rolled key; an endpoint's secret, a rolled one
/// and the previous one kept for the overlap) is read back from the databases afterwards: the rows hold no secret
/// in clear, as hex or as base64, and each key's row holds its SHA-256.
/// </summary>
[Collection(PlatformCollection.Name)]
public class SecretStorageTests(PlatformFixture fixture)
{
    [Fact]
    public async Task EveryApiKeyIsStoredAsItsSha256AndNothingElseOfIt()
    {
        using var merchant = await fixture.App.CreateMerchantAsync();
        using var admin = await fixture.App.CreateAdminClientAsync();
        var added = (await (await admin.PostAsync($"/v1/merchants/{merchant.Id}/api_keys", null)).ExpectAsync(HttpStatusCode.Created));
        var rolled = await (await merchant.Client.PostAsync("/v1/api_keys/roll", new { expires_in_seconds = 3600 })).ExpectAsync(HttpStatusCode.Created);
        string[] secrets = [merchant.SecretKey, SecretOf(added), rolled.GetProperty("new_key").GetProperty("secret").GetString()!];
        Assert.All(secrets, s => Assert.StartsWith("sk_test_", s, StringComparison.Ordinal));
        Assert.Equal(secrets.Length, secrets.Distinct().Count());

        var paymentsDb = (await fixture.App.GetConnectionStringAsync("paymentsdb"))!;
        var rows = await Probes.QueryAsync(paymentsDb, "SELECT secret_hash, t::text FROM api_keys t WHERE merchant_id = $1", merchant.Id);
        Assert.Equal(secrets.Length, rows.Count);
        var hashes = rows.Select(r => Convert.ToHexString((byte[])r[0]!)).ToHashSet();
        foreach (var secret in secrets)
        {
            Assert.Contains(Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(secret))), hashes);
            foreach (var row in rows)
            {
                AssertHoldsNoFormOf(secret, (string)row[1]!, "api_keys");
            }
        }
    }

    [Fact]
    public async Task EveryWebhookSecretIsStoredEncryptedIncludingTheRolledAndThePreviousOne()
    {
        using var merchant = await fixture.App.CreateMerchantAsync();
        var created = await (await merchant.Client.PostAsync("/v1/webhook_endpoints", new { url = "http://127.0.0.1:9/hook", enabled_events = new[] { "refund.succeeded" } }))
            .ExpectAsync(HttpStatusCode.Created);
        var endpointId = created.GetProperty("id").GetString()!;
        var first = created.GetProperty("secret").GetString()!;
        var second = (await (await merchant.Client.PostAsync($"/v1/webhook_endpoints/{endpointId}/roll_secret", new { expires_in = 3600 })).ExpectAsync(HttpStatusCode.OK))
            .GetProperty("secret").GetString()!;

        var notifyDb = (await fixture.App.GetConnectionStringAsync("notifydb"))!;
        var row = Assert.Single(await Probes.QueryAsync(notifyDb,
            "SELECT secret_ciphertext, previous_secret_ciphertext, t::text FROM endpoints t WHERE id = $1", endpointId));
        var (current, previous) = ((byte[])row[0]!, (byte[])row[1]!);
        Assert.NotEqual(current, previous);
        foreach (var secret in new[] { first, second })
        {
            Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
            var key = Convert.FromBase64String(secret["whsec_".Length..]);
            AssertHoldsNoFormOf(secret, (string)row[2]!, "endpoints");
            foreach (var stored in new[] { current, previous })
            {
                // AES-GCM: version, nonce, tag, then as many bytes as the secret; none of them the key itself.
                Assert.True(stored.AsSpan().IndexOf(key) < 0, $"the stored secret of {endpointId} holds a webhook key's bytes");
                Assert.True(stored.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret)) < 0, $"the stored secret of {endpointId} holds a webhook secret's text");
                Assert.True(stored.Length >= 1 + 12 + 16 + key.Length, $"the stored secret of {endpointId} is too short ({stored.Length} bytes) to be AES-GCM of the key");
            }
        }
        await (await merchant.Client.DeleteAsync(new Uri($"/v1/webhook_endpoints/{endpointId}", UriKind.Relative))).ExpectAsync(HttpStatusCode.OK);
    }

    private static string SecretOf(System.Text.Json.JsonElement key) =>
        key.TryGetProperty("secret", out var secret) ? secret.GetString()! : key.GetProperty("secret_key").GetString()!;

    /// <summary>The secret in clear, its text without the prefix, and its UTF-8 as hex and base64 are all absent from <paramref name="text"/>.</summary>
    private static void AssertHoldsNoFormOf(string secret, string text, string table)
    {
        var body = secret[(secret.IndexOf('_', secret.IndexOf('_', StringComparison.Ordinal) + 1) + 1)..];
        var bytes = Encoding.UTF8.GetBytes(secret);
        foreach (var form in new[] { secret, body, Convert.ToHexStringLower(bytes), Convert.ToBase64String(bytes) })
        {
            Assert.False(text.Contains(form, StringComparison.OrdinalIgnoreCase), $"a row of {table} holds a secret ({form[..6]}...): {text}");
        }
    }
}
