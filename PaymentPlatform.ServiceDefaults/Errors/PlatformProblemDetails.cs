using Microsoft.AspNetCore.Diagnostics;
using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace PaymentPlatform.ServiceDefaults.Errors;

internal static class PlatformProblemDetails
{
    public static IServiceCollection AddPlatformProblemDetails(this IServiceCollection services)
    {
        services.AddProblemDetails(options =>
        {
            var previous = options.CustomizeProblemDetails;
            options.CustomizeProblemDetails = context =>
            {
                previous?.Invoke(context);
                Apply(context.ProblemDetails, context.HttpContext);
            };
        });
        services.AddExceptionHandler<PlatformExceptionHandler>();
        services.AddSingleton<IDeveloperPageExceptionFilter, PlatformDeveloperPageFilter>();
        return services;
    }

    /// <summary>
    /// Gives a problem the platform's stable type (replacing the framework's RFC links, which
    /// say nothing about the error), a <c>code</c>, and the trace id to find it in the dashboard.
    /// </summary>
    public static void Apply(ProblemDetails problem, HttpContext context)
    {
        var status = problem.Status ?? context.Response.StatusCode;
        problem.Status = status;

        var code = problem.Extensions.TryGetValue("code", out var value) && value is string existing ? existing : null;
        if (problem.Type is null or "about:blank" || problem.Type.StartsWith("https://tools.ietf.org/", StringComparison.Ordinal))
        {
            code ??= Problems.CodeForStatus(status);
            problem.Type = Problems.TypeFor(code);
        }
        else if (code is null && problem.Type.StartsWith(Problems.TypeBase, StringComparison.Ordinal))
        {
            code = problem.Type[Problems.TypeBase.Length..];
        }

        if (code is not null)
        {
            problem.Extensions["code"] = code;
        }

        // The framework adds its own trace id (the whole traceparent) under the service's JSON
        // naming policy ("trace_id" with snake_case); keep one field, the plain 32-hex trace id
        // the dashboard searches by.
        var namingPolicy = context.RequestServices?.GetService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>()?.Value.SerializerOptions.PropertyNamingPolicy;
        if (namingPolicy?.ConvertName("traceId") is { } frameworkKey && frameworkKey != "traceId")
        {
            problem.Extensions.Remove(frameworkKey);
        }
        problem.Extensions["traceId"] = Activity.Current is { } activity
            ? activity.TraceId.ToHexString()
            : context.TraceIdentifier;
    }
}
