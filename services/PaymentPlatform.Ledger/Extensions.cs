using System.Text.Json;
using PaymentPlatform.Ledger.Accounts;
using PaymentPlatform.Ledger.Transfers;

namespace PaymentPlatform.Ledger;

public static class LedgerServiceCollectionExtensions
{
    /// <summary>The ledger's stores, its hold expirer and its JSON conventions (snake_case, as every internal API).</summary>
    public static IServiceCollection AddLedgerServices(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.ConfigureHttpJsonOptions(options => options.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower);
        services.AddOptions<HoldExpiryOptions>().BindConfiguration(HoldExpiryOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<AccountStore>();
        services.AddSingleton<TransferStore>();
        services.AddHostedService<HoldExpirer>();
        return services;
    }
}
