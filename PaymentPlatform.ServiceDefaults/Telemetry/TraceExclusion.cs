using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Features;

namespace PaymentPlatform.ServiceDefaults.Telemetry;

internal static class TraceExclusion
{
    /// <summary>
    /// Keeps an endpoint's requests out of traces. .NET 10's server activity carries no
    /// request path when it is created, so a sampler cannot see it; instead the request's
    /// activity is marked not recorded before the endpoint runs, which makes every tracer
    /// provider skip it and children (a health check's SELECT 1) sample out with it.
    /// </summary>
    public static TBuilder ExcludeFromTraces<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint =>
        {
            if (endpoint.RequestDelegate is not { } next)
            {
                return;
            }

            endpoint.RequestDelegate = context =>
            {
                if (context.Features.Get<IHttpActivityFeature>()?.Activity is { } activity)
                {
                    activity.IsAllDataRequested = false;
                    activity.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
                }

                return next(context);
            };
        });
        return builder;
    }
}
