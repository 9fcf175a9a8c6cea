using Microsoft.Extensions.Hosting;

namespace PaymentPlatform.Gateway.Vault;

/// <summary>
/// Checks the vault's keys against <c>card_vault_keys</c> at start, so a regenerated or mistyped key
/// stops the gateway before it serves a payment. Registered after the migrations (which run first).
/// </summary>
internal sealed class CardVaultKeyCheck(CardVault vault) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => vault.CheckKeysAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
