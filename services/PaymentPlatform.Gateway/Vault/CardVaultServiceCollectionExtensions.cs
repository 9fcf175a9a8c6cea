using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using PaymentPlatform.Gateway.Vault;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>The card vault's registrations.</summary>
public static class CardVaultServiceCollectionExtensions
{
    /// <summary>
    /// Registers the card vault: <see cref="VaultOptions"/> bound from <c>Gateway:Vault</c> and validated
    /// at start (a missing key or key id stops the service with a message naming it), and the vault
    /// itself as a singleton over the service's <c>NpgsqlDataSource</c> (<c>AddPostgresDatabase</c>), and a
    /// start-up check that each configured key id still has the secret it was first used with. Call it
    /// after <c>AddPostgresDatabase</c>, so the migrations have run when the check does.
    /// </summary>
    public static IServiceCollection AddCardVault(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<VaultOptions>()
            .BindConfiguration(VaultOptions.SectionName)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<VaultOptions>, VaultOptionsValidator>());
        services.TryAddSingleton<CardVault>();
        services.AddHostedService<CardVaultKeyCheck>();
        return services;
    }
}
