using System.Text.Json;
using PaymentPlatform.Ledger.Accounts;
using PaymentPlatform.Ledger.Reconciliation;
using PaymentPlatform.Ledger.Telemetry;
using PaymentPlatform.Ledger.Transfers;

namespace PaymentPlatform.Ledger;

public static class LedgerServiceCollectionExtensions
{
    /// <summary>The ledger's stores, group commit, hold expirer, reconciliation (worker and health check) and JSON conventions (snake_case, as every internal API).</summary>
    public static IServiceCollection AddLedgerServices(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.ConfigureHttpJsonOptions(options => options.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower);
        services.AddOptions<HoldExpiryOptions>().BindConfiguration(HoldExpiryOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<GroupCommitOptions>().BindConfiguration(GroupCommitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<LedgerMetrics>();
        services.AddSingleton<AccountStore>();
        services.AddSingleton<TransferStore>();
        services.AddHostedService<HoldExpirer>();
        services.AddOptions<ReconciliationOptions>().BindConfiguration(ReconciliationOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ReconciliationStore>();
        services.AddSingleton<Reconciler>();
        services.AddHostedService<ReconciliationWorker>();
        services.AddHealthChecks().AddCheck<Reconciler>("reconciliation");
        return services;
    }
}
