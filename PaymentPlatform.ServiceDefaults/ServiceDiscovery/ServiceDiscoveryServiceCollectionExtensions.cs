using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace PaymentPlatform.ServiceDefaults.ServiceDiscovery;

internal static class ServiceDiscoveryServiceCollectionExtensions
{
    public static IServiceCollection AddServiceDiscoveryCore(this IServiceCollection services)
    {
        services.TryAddSingleton<ServiceEndpointResolver>();
        return services;
    }
}
