using System.Text.Json;

namespace PaymentPlatform.Directory;

public static class DirectoryServiceCollectionExtensions
{
    /// <summary>The directory's JSON conventions (snake_case, as every internal API). It keeps no state.</summary>
    public static IServiceCollection AddDirectoryServices(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.ConfigureHttpJsonOptions(options => options.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower);
        return services;
    }
}
