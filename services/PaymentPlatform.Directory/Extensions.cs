using System.Text.Json;
using PaymentPlatform.Directory.Simulation;

namespace PaymentPlatform.Directory;

public static class DirectoryServiceCollectionExtensions
{
    /// <summary>
    /// The directory's JSON conventions (snake_case, as every internal API), its simulated route conditions
    /// (<c>Directory:Routes:{validate|status|collect}:LatencyMs|ErrorRate</c>, reloadable) and the collects it remembers
    /// by key, its only state.
    /// </summary>
    public static IServiceCollection AddDirectoryServices(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.ConfigureHttpJsonOptions(options => options.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower);
        services.AddOptions<DirectoryRoutesOptions>()
            .BindConfiguration(DirectoryRoutesOptions.SectionName)
            .Validate(o => Valid(o.Validate) && Valid(o.Status) && Valid(o.Collect),
                "Directory:Routes:*:LatencyMs is 0 to 600000 and ErrorRate 0 to 1.")
            .ValidateOnStart();
        services.AddSingleton<CollectLedger>();
        return services;
    }

    private static bool Valid(RouteConditions c) => c.LatencyMs is >= 0 and <= 600_000 && c.ErrorRate is >= 0 and <= 1;
}
