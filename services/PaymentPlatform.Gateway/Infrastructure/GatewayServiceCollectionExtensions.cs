using Microsoft.Extensions.DependencyInjection.Extensions;
using PaymentPlatform.Gateway.Downstream;
using PaymentPlatform.Gateway.Events;
using PaymentPlatform.Gateway.Infrastructure;
using PaymentPlatform.Gateway.Payments;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>The gateway's registrations, in one place.</summary>
public static class GatewayServiceCollectionExtensions
{
    public static IServiceCollection AddGatewayServices(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.ConfigureHttpJsonOptions(options => Json.Configure(options.SerializerOptions));
        services.TryAddSingleton(TimeProvider.System);

        // Resilience numbers for the payment hot path: appsettings.json, InternalClients:*; the README says why.
        services.AddInternalClient<RiskClient>("risk");
        services.AddInternalClient<LedgerClient>("ledger");
        services.AddSingleton<LedgerAccountCache>();

        services.AddSingleton<PaymentStore>();
        services.AddSingleton<RelaySignal>();
        services.AddOptions<RelayOptions>()
            .BindConfiguration(RelayOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddHostedService<OutboxRelay>();
        return services;
    }
}
