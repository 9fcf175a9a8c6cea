using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace PaymentPlatform.ServiceDefaults.InternalApi;

internal static class InternalApiServiceCollectionExtensions
{
    public static IServiceCollection AddInternalApiOptions(this IServiceCollection services)
    {
        services.AddOptions<InternalApiOptions>().BindConfiguration(InternalApiOptions.SectionName);
        return services;
    }

    /// <summary>Internal clients need the token to call anything: check it at start.</summary>
    public static IServiceCollection RequireInternalApiToken(this IServiceCollection services)
    {
        services.AddInternalApiOptions();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<InternalApiOptions>, InternalApiOptionsValidator>());
        services.AddOptions<InternalApiOptions>().ValidateOnStart();
        return services;
    }

    /// <summary>
    /// Fails start when endpoints require the internal token and none is configured. Runs
    /// once the pipeline is built, when every endpoint data source is known.
    /// </summary>
    public static void VerifyInternalTokenConfigured(IServiceProvider services)
    {
        var token = services.GetService<IOptions<InternalApiOptions>>()?.Value.Token;
        if (!string.IsNullOrWhiteSpace(token))
        {
            return;
        }

        var endpoints = services.GetService<EndpointDataSource>()?.Endpoints ?? [];
        if (endpoints.Any(endpoint => endpoint.Metadata.GetMetadata<InternalTokenRequiredMetadata>() is not null))
        {
            throw new InvalidOperationException(InternalApiOptions.MissingTokenMessage);
        }
    }

    private sealed class InternalApiOptionsValidator : IValidateOptions<InternalApiOptions>
    {
        public ValidateOptionsResult Validate(string? name, InternalApiOptions options) =>
            string.IsNullOrWhiteSpace(options.Token)
                ? ValidateOptionsResult.Fail(InternalApiOptions.MissingTokenMessage)
                : ValidateOptionsResult.Success;
    }
}
