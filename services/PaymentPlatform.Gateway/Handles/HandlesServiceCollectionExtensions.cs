using PaymentPlatform.Gateway.Downstream;
using PaymentPlatform.Gateway.Handles;
using PaymentPlatform.ServiceDefaults;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Payment-handle validation and what UPI payments need of it.</summary>
public static class HandlesServiceCollectionExtensions
{
    /// <summary>
    /// Registers the validation (options <c>Gateway:Handles</c>, checked at start), the PSP reference data and its
    /// refresher, and the directory's client. The directory's resilience defaults fit inside the 250 ms budget: one
    /// attempt of up to 200 ms, and one quick retry only for a quick failure (a refused connection, a 503);
    /// <c>InternalClients:directory:Resilience</c> overrides them.
    /// </summary>
    public static IServiceCollection AddPaymentHandles(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<HandleOptions>()
            .BindConfiguration(HandleOptions.SectionName)
            .Validate(o => o.Budget > TimeSpan.Zero, "Gateway:Handles:Budget must be positive.")
            .Validate(o => o.ReferenceDataTtl >= TimeSpan.FromSeconds(1), "Gateway:Handles:ReferenceDataTtl is at least a second.")
            .ValidateOnStart();

        // Registered before the client binds its section, so configuration still wins.
        services.AddOptions<InternalClientResilienceOptions>("directory").Configure(o =>
        {
            o.TotalTimeout = TimeSpan.FromMilliseconds(240);
            o.AttemptTimeout = TimeSpan.FromMilliseconds(200);
            o.Retry.MaxRetryAttempts = 1;
            o.Retry.BaseDelay = TimeSpan.FromMilliseconds(10);
            o.CircuitBreaker.FailureRatio = 0.6;
            o.CircuitBreaker.MinimumThroughput = 20;
            o.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(10);
            o.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(5);
        });
        services.AddInternalClient<DirectoryClient>("directory");
        services.AddSingleton<PspReferenceData>();
        services.AddHostedService<PspReferenceRefresh>();
        services.AddSingleton<HandleValidator>();
        services.AddSingleton<UpiPaymentHandles>();
        return services;
    }
}
