using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PaymentPlatform.ServiceDefaults.Errors;

namespace PaymentPlatform.ServiceDefaults.InternalApi;

/// <summary>Marks an endpoint that requires the internal token.</summary>
internal sealed class InternalTokenRequiredMetadata
{
    public static readonly InternalTokenRequiredMetadata Instance = new();
}

/// <summary>
/// Wraps an endpoint's request delegate, so the token is checked before anything else
/// (before the body is bound), and answers 401 problem+json otherwise. The token is never
/// logged or echoed.
/// </summary>
internal static class InternalTokenGate
{
    public static RequestDelegate Wrap(RequestDelegate next) => context =>
    {
        var options = context.RequestServices.GetService<IOptionsMonitor<InternalApiOptions>>()?.CurrentValue;
        return InternalTokenVerifier.IsAuthorized(context.Request.Headers.Authorization, options?.Token)
            ? next(context)
            : WriteUnauthorizedAsync(context);
    };

    private static Task WriteUnauthorizedAsync(HttpContext context)
    {
        context.Response.Headers.WWWAuthenticate = "Bearer";
        var problem = Problems.Create(
            StatusCodes.Status401Unauthorized,
            "unauthorized",
            "Unauthorized",
            "This internal endpoint requires the platform's internal token.");
        PlatformProblemDetails.Apply(problem, context);
        return TypedResults.Problem(problem).ExecuteAsync(context);
    }
}
