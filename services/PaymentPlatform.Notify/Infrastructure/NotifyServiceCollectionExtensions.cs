using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using PaymentPlatform.Notify.Delivery;
using PaymentPlatform.Notify.Endpoints;
using PaymentPlatform.Notify.Events;
using PaymentPlatform.Notify.Infrastructure;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Notify's registrations, in one place.</summary>
public static class NotifyServiceCollectionExtensions
{
    public static IServiceCollection AddNotifyServices(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.ConfigureHttpJsonOptions(options => Json.Configure(options.SerializerOptions));
        services.TryAddSingleton(TimeProvider.System);

        services.AddSingleton<WebhookEndpointStore>();
        services.AddSingleton<SecretProtector>();

        services.AddSingleton<ReceivedEventStore>();
        services.AddOptions<ConsumerOptions>()
            .BindConfiguration(ConsumerOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddHostedService<EventConsumer>();

        services.AddOptions<DeliveryOptions>()
            .BindConfiguration(DeliveryOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton(sp => NetworkPolicy.From(sp.GetRequiredService<IOptions<DeliveryOptions>>().Value, sp.GetRequiredService<IHostEnvironment>().IsDevelopment()));
        services.AddSingleton<DeliverySignal>();
        services.AddSingleton<DeliveryStore>();
        services.AddSingleton<DeliveryMetrics>();
        services.AddHostedService<DeliveryDispatcher>();
        return services;
    }
}
