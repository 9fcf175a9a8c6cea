using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PaymentPlatform.Gateway.Vault;

namespace PaymentPlatform.Gateway.Tests.Vault;

[Collection(GatewayStoresCollection.Name)]
public sealed class VaultOptionsTests(GatewayStores stores)
{
    private static readonly string Secret = VaultTestSupport.NewSecret();

    public static TheoryData<Dictionary<string, string?>, string> BadConfigurations => new()
    {
        { new() { ["Gateway:Vault:ActiveKeyId"] = "k1" }, "Gateway:Vault:Keys is empty" },
        { new() { ["Gateway:Vault:Keys:k1"] = Secret }, "Gateway:Vault:ActiveKeyId is missing" },
        { new() { ["Gateway:Vault:Keys:k1"] = Secret, ["Gateway:Vault:ActiveKeyId"] = "k2" }, "Gateway:Vault:Keys:k2 is not configured" },
        { new() { ["Gateway:Vault:Keys:k1"] = "too-short", ["Gateway:Vault:ActiveKeyId"] = "k1" }, "Gateway:Vault:Keys:k1 is too short" },
        { new() { ["Gateway:Vault:Keys:k1"] = "", ["Gateway:Vault:ActiveKeyId"] = "k1" }, "Gateway:Vault:Keys:k1 is empty" },
        { new() { ["Gateway:Vault:Keys:k.1"] = Secret, ["Gateway:Vault:ActiveKeyId"] = "k.1" }, "Gateway:Vault:Keys:k.1: a key id is" },
        { new() { ["Gateway:Vault:Keys:k1"] = Secret, ["Gateway:Vault:Keys:k2"] = Secret, ["Gateway:Vault:ActiveKeyId"] = "k2" }, "Gateway:Vault:FingerprintKeyId is missing" },
        { new() { ["Gateway:Vault:Keys:k1"] = Secret, ["Gateway:Vault:ActiveKeyId"] = "k1", ["Gateway:Vault:FingerprintKeyId"] = "k0" }, "Gateway:Vault:Keys:k0 is not configured" },
    };

    [Theory]
    [MemberData(nameof(BadConfigurations))]
    public async Task AMissingOrWrongSettingStopsTheStartNamingTheKey(Dictionary<string, string?> settings, string expected)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSingleton(stores.DataSource);
        builder.Services.AddCardVault();
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARegeneratedSecretUnderAKnownKeyIdStopsTheStart()
    {
        var keyId = VaultTestSupport.NewKeyId();
        using (var first = BuildHost(keyId, VaultTestSupport.NewSecret()))
        {
            await first.StartAsync();
            await first.StopAsync();
        }
        using var regenerated = BuildHost(keyId, VaultTestSupport.NewSecret());

        var error = await Assert.ThrowsAnyAsync<System.Security.Cryptography.CryptographicException>(() => regenerated.StartAsync());

        Assert.Contains($"Gateway:Vault:Keys:{keyId}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AVaultBuiltWithoutTheContainerValidatesToo()
    {
        var error = Assert.Throws<OptionsValidationException>(() => new CardVault(stores.DataSource, Options.Create(new VaultOptions())));

        Assert.Contains("Gateway:Vault:Keys is empty", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheAppHostsEnvironmentShapeBindsAndStoresCards()
    {
        // As the AppHost hands it over: Gateway__Vault__Keys__k1 (the vault-key parameter) and
        // Gateway__Vault__ActiveKeyId=k1; a fresh key id here so no other test's check value applies.
        var keyId = VaultTestSupport.NewKeyId();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"Gateway:Vault:Keys:{keyId}"] = "a generated parameter value, 32+ chars long",
            ["Gateway:Vault:ActiveKeyId"] = keyId,
        }).Build());
        services.AddSingleton(stores.DataSource);
        services.AddCardVault();
        await using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<VaultOptions>>().Value;
        var vault = provider.GetRequiredService<CardVault>();
        var card = await vault.StoreAsync("4242 4242 4242 4242", 12, 2034, CancellationToken.None);

        Assert.Equal(keyId, options.EffectiveFingerprintKeyId);
        Assert.Equal(keyId, vault.ActiveKeyId);
        Assert.Equal("4242424242424242", await vault.RevealPanAsync(card.Token, CancellationToken.None));
    }

    private IHost BuildHost(string keyId, string secret)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"Gateway:Vault:Keys:{keyId}"] = secret,
            ["Gateway:Vault:ActiveKeyId"] = keyId,
        });
        builder.Services.AddSingleton(stores.DataSource);
        builder.Services.AddCardVault();
        return builder.Build();
    }
}
