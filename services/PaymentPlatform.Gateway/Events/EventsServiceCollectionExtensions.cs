using PaymentPlatform.Gateway.Downstream;
using PaymentPlatform.Gateway.Events;
using PaymentPlatform.ServiceDefaults;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>The events API's retention job and the webhook-endpoint proxy's notify client.</summary>
public static class EventsServiceCollectionExtensions
{
    /// <summary>
    /// Registers the events retention job (<c>Gateway:Events</c>, validated at start) and the notify client. Notify's
    /// pipeline defaults suit a merchant waiting on the answer (5 s in all, 2 s an attempt); <c>InternalClients:notify:Resilience</c>
    /// overrides them.
    /// </summary>
    public static IServiceCollection AddGatewayEvents(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<EventRetentionOptions>()
            .BindConfiguration(EventRetentionOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddHostedService<EventRetention>();

        // Registered before AddInternalClient binds configuration, so configuration wins over these defaults.
        services.AddOptions<InternalClientResilienceOptions>("notify").Configure(options =>
        {
            options.TotalTimeout = TimeSpan.FromSeconds(5);
            options.AttemptTimeout = TimeSpan.FromSeconds(2);
            options.Retry.MaxRetryAttempts = 2;
            options.Retry.BaseDelay = TimeSpan.FromMilliseconds(100);
        });
        services.AddInternalClient<NotifyClient>("notify");
        return services;
    }
}
