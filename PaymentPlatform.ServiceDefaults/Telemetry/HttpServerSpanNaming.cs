using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace PaymentPlatform.ServiceDefaults.Telemetry;

/// <summary>
/// Gives each HTTP server span the semantic-convention name and attributes
/// (<c>POST /v1/payments/{id}/capture</c>, <c>http.request.method</c>, <c>http.route</c>,
/// <c>url.path</c>, <c>http.response.status_code</c>). ASP.NET Core's own activity carries
/// none of them, and OpenTelemetry.Instrumentation.AspNetCore, which adds them, cannot be
/// restored here. The route template, never the raw path, names the span, so names stay few.
/// </summary>
internal static class HttpServerSpanNaming
{
    public static IApplicationBuilder UseHttpServerSpanNaming(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            finally
            {
                if (context.Features.Get<IHttpActivityFeature>()?.Activity is { IsAllDataRequested: true } activity)
                {
                    var method = context.Request.Method;
                    var route = Normalize((context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText);
                    activity.DisplayName = route is null ? method : $"{method} {route}";
                    activity.SetTag("http.request.method", method);
                    activity.SetTag("url.path", context.Request.Path.Value);
                    activity.SetTag("url.scheme", context.Request.Scheme);
                    activity.SetTag("http.response.status_code", context.Response.StatusCode);
                    if (route is not null)
                    {
                        activity.SetTag("http.route", route);
                    }
                }
            }
        });

    /// <summary>A group's "/" leaves a trailing slash in the template (<c>/v1/payments/</c>); the route is <c>/v1/payments</c>.</summary>
    private static string? Normalize(string? template)
    {
        return template is null ? null : "/" + template.Trim('/');
    }
}
