using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using PaymentPlatform.ServiceDefaults;
using PaymentPlatform.ServiceDefaults.InternalApi;
using PaymentPlatform.ServiceDefaults.InternalClients;
using PaymentPlatform.ServiceDefaults.Resilience;
using PaymentPlatform.ServiceDefaults.ServiceDiscovery;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Clients for calls between the platform's services.</summary>
public static class InternalClientServiceCollectionExtensions
{
    /// <summary>
    /// Registers a typed client for an internal service in one line, e.g.
    /// <c>builder.Services.AddInternalClient&lt;LedgerClient&gt;("ledger")</c>. The client gets,
    /// outer to inner: the internal token (<c>InternalApi:Token</c>), the standard resilience
    /// pipeline (options <c>InternalClients:{serviceName}:Resilience</c>, validated at start)
    /// and service discovery (<c>Services:{serviceName}:{scheme}</c>, DNS when absent).
    /// </summary>
    /// <typeparam name="TClient">The typed client; its constructor takes an <see cref="HttpClient"/>.</typeparam>
    /// <param name="services">The service collection.</param>
    /// <param name="serviceName">The AppHost resource name of the service called, e.g. <c>ledger</c>.</param>
    /// <param name="baseAddress">
    /// The client's base address; defaults to <c>http://{serviceName}/</c>. Use
    /// <c>https+http://{serviceName}/</c> to prefer HTTPS endpoints when they exist.
    /// </param>
    /// <returns>The client's builder, for further configuration.</returns>
    public static IHttpClientBuilder AddInternalClient<TClient>(this IServiceCollection services, string serviceName, string? baseAddress = null)
        where TClient : class
    {
        services.AddInternalClient(serviceName, baseAddress);
        return services.AddHttpClient<TClient>(serviceName);
    }

    /// <summary>
    /// Registers the named client <paramref name="serviceName"/> for an internal service
    /// (resolve it with <c>IHttpClientFactory.CreateClient(serviceName)</c>); see
    /// <see cref="AddInternalClient{TClient}(IServiceCollection, string, string?)"/>.
    /// </summary>
    public static IHttpClientBuilder AddInternalClient(this IServiceCollection services, string serviceName, string? baseAddress = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceName);
        var address = new Uri(baseAddress ?? $"http://{serviceName}/", UriKind.Absolute);

        var builder = services.AddHttpClient(serviceName);
        if (services.Any(d => d.IsKeyedService && d.ServiceType == typeof(InternalClientMarker) && Equals(d.ServiceKey, serviceName)))
        {
            // Already set up (a second typed client for the same service): only an explicit
            // base address changes anything.
            if (baseAddress is not null)
            {
                builder.ConfigureHttpClient(client => client.BaseAddress = address);
            }

            return builder;
        }

        services.AddKeyedSingleton(serviceName, new InternalClientMarker());
        services.AddServiceDiscoveryCore();
        services.RequireInternalApiToken();
        services.AddMetrics();
        services.TryAddSingleton<ResilienceTelemetry>();
        services.TryAddSingleton(sp => new InternalClientPipelines(
            sp.GetRequiredService<IOptionsMonitor<InternalClientResilienceOptions>>(),
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>(),
            sp.GetRequiredService<ResilienceTelemetry>(),
            sp.GetService<TimeProvider>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<InternalClientResilienceOptions>, InternalClientResilienceOptionsValidator>());
        services.AddOptions<InternalClientResilienceOptions>(serviceName)
            .BindConfiguration(InternalClientResilienceOptions.SectionFor(serviceName))
            .ValidateOnStart();

        builder.ConfigureHttpClient(client =>
        {
            client.BaseAddress = address;
            // The pipeline's total timeout is the one budget; HttpClient's own 100 s would only confuse it.
            client.Timeout = Timeout.InfiniteTimeSpan;
        });
        // The client handler's Trace-level header logs would carry the internal token: their message is redacted, but
        // their structured state (what OTLP exports as attributes) holds the raw values, so they are not written at all.
        // Above Debug the configured level stands (services quiet System.Net.Http.HttpClient on their hot path).
        builder.RedactLoggedHeaders([HeaderNames.Authorization]);
        services.AddOptions<LoggerFilterOptions>().PostConfigure(filters => NeverBelowDebug(filters, $"System.Net.Http.HttpClient.{serviceName}.ClientHandler"));
        builder.AddHttpMessageHandler(sp => new InternalTokenHandler(sp.GetRequiredService<IOptionsMonitor<InternalApiOptions>>()));
        builder.AddHttpMessageHandler(sp => new ResilienceHandler(sp.GetRequiredService<InternalClientPipelines>().Get(serviceName)));
        builder.AddHttpMessageHandler(sp => new ServiceDiscoveryHandler(sp.GetRequiredService<ServiceEndpointResolver>()));
        return builder;
    }

    /// <summary>
    /// Adds a rule for <paramref name="category"/> at the level the configuration gives it (its longest matching
    /// provider-independent rule, else the minimum level), raised to Debug if it is below.
    /// </summary>
    internal static void NeverBelowDebug(LoggerFilterOptions filters, string category)
    {
        var configured = filters.Rules
            .Where(r => r.ProviderName is null && r.Filter is null && r.LogLevel is not null
                && (r.CategoryName is null || category.StartsWith(r.CategoryName, StringComparison.OrdinalIgnoreCase)))
            .OrderBy(r => r.CategoryName?.Length ?? 0)
            .LastOrDefault()?.LogLevel ?? filters.MinLevel;
        filters.AddFilter(category, configured > LogLevel.Debug ? configured : LogLevel.Debug);
    }

    private sealed class InternalClientMarker;
}
