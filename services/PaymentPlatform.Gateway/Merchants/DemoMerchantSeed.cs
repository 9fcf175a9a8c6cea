using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using PaymentPlatform.Gateway.Payments;

namespace PaymentPlatform.Gateway.Merchants;

/// <summary>
/// In Development, makes sure the demo merchant <c>mer_demo</c> exists and prints its test key, so a
/// newcomer can make a payment right after <c>./run.sh</c>. The key is derived from the admin key
/// (HMAC), so it is the same on every start and on every replica without being stored anywhere but as a hash.
/// </summary>
internal sealed class DemoMerchantSeed(
    MerchantStore store, IOptions<AdminOptions> admin, IHostEnvironment environment, IConfiguration configuration, ILogger<DemoMerchantSeed> logger)
    : IHostedService
{
    public const string MerchantId = "mer_demo";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!environment.IsDevelopment() || !configuration.GetValue("Gateway:DemoMerchant:Enabled", true) || string.IsNullOrEmpty(admin.Value.AdminKey))
        {
            return;
        }
        var secret = DemoKey(admin.Value.AdminKey);
        await store.CreateAsync(MerchantId, "Demo merchant", FeeRule.Default, RateLimitSettings.Default, secret, cancellationToken);
        // A test-mode key of a development-only merchant: printing it is the point (issue 10).
        logger.LogInformation("Demo merchant {MerchantId} is ready. Try: curl -H 'Authorization: Bearer {DemoKey}' ... /v1/payments", MerchantId, secret);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    internal static string DemoKey(string adminKey)
    {
        const string alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(adminKey), "paymentplatform demo merchant key"u8);
        var chars = new char[32];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = alphabet[mac[i] % alphabet.Length];
        }
        return ApiKeys.TestPrefix + new string(chars);
    }
}
