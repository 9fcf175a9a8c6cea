using System.Text.Json;
using PaymentPlatform.Risk.Blocklist;

namespace PaymentPlatform.Risk;

public static class RiskServiceCollectionExtensions
{
    /// <summary>Risk's stores and its JSON conventions (snake_case, as every internal API).</summary>
    public static IServiceCollection AddRiskServices(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.ConfigureHttpJsonOptions(options => options.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower);
        services.AddSingleton<BlocklistStore>();
        return services;
    }
}
