using Microsoft.Extensions.DependencyInjection.Extensions;
using PaymentPlatform.Gateway.Downstream;
using PaymentPlatform.Gateway.Events;
using PaymentPlatform.Gateway.Idempotency;
using PaymentPlatform.Gateway.Infrastructure;
using PaymentPlatform.Gateway.Merchants;
using PaymentPlatform.Gateway.Payments;
using PaymentPlatform.Gateway.Processing;
using PaymentPlatform.Gateway.RateLimiting;
using PaymentPlatform.Gateway.Vault;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>The gateway's registrations, in one place.</summary>
public static class GatewayServiceCollectionExtensions
{
    public static IServiceCollection AddGatewayServices(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.ConfigureHttpJsonOptions(options => Json.Configure(options.SerializerOptions));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<GatewayMetrics>();
        services.AddGatewayOpenApi();

        // Resilience numbers for the payment hot path: appsettings.json, InternalClients:*; the README says why.
        services.AddInternalClient<RiskClient>("risk");
        services.AddInternalClient<LedgerClient>("ledger");
        services.AddSingleton<LedgerAccountCache>();
        services.AddPaymentHandles();

        // Merchants, keys, and who may call what.
        services.AddOptions<AdminOptions>().BindConfiguration(AdminOptions.SectionName);
        services.AddOptions<ApiKeyCacheOptions>().BindConfiguration(ApiKeyCacheOptions.SectionName);
        services.AddSingleton<MerchantStore>();
        services.AddSingleton<ApiKeyResolver>();
        services.AddSingleton<ApiKeyInvalidation>();
        services.AddHostedService(sp => sp.GetRequiredService<ApiKeyInvalidation>());
        services.AddHostedService<DemoMerchantSeed>();
        services.AddMerchantRateLimiting();

        // Idempotency keys.
        services.AddOptions<IdempotencyOptions>()
            .BindConfiguration(IdempotencyOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => o.Retention >= TimeSpan.FromHours(24), "Gateway:Idempotency:Retention is at least 24 hours (issue 10).")
            .Validate(o => o.LockLease > TimeSpan.Zero, "Gateway:Idempotency:LockLease must be positive.")
            .ValidateOnStart();
        services.AddSingleton<IdempotencyStore>();
        services.AddSingleton<IdempotencyLock>();
        services.AddSingleton<RequestFingerprint>();
        services.AddSingleton<KeyedRequests>();

        // Payments.
        services.AddCardVault();
        services.AddSingleton<IPaymentProcessor, SimulatedProcessor>();
        services.AddOptions<PaymentOptions>().BindConfiguration(PaymentOptions.SectionName);
        services.AddOptions<CompleterOptions>().BindConfiguration(CompleterOptions.SectionName);
        services.AddSingleton<PaymentStore>();
        services.AddSingleton<PaymentFlow>();
        services.AddHostedService<Completer>();

        // Events.
        services.AddSingleton<RelaySignal>();
        services.AddOptions<RelayOptions>()
            .BindConfiguration(RelayOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddHostedService<OutboxRelay>();
        services.AddGatewayEvents();
        return services;
    }
}
