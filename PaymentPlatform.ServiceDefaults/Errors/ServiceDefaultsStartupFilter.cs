using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using PaymentPlatform.ServiceDefaults.InternalApi;
using PaymentPlatform.ServiceDefaults.Telemetry;

namespace PaymentPlatform.ServiceDefaults.Errors;

/// <summary>
/// Puts the exception handler and problem+json status-code pages in front of the
/// service's pipeline, then checks, once every endpoint is known, that a service with
/// internal routes has its token.
/// </summary>
internal sealed class ServiceDefaultsStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.UseHttpServerSpanNaming();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        next(app);
        InternalApiServiceCollectionExtensions.VerifyInternalTokenConfigured(app.ApplicationServices);
    };
}
