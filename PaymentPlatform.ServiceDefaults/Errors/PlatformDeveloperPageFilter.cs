using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace PaymentPlatform.ServiceDefaults.Errors;

/// <summary>
/// In Development, ASP.NET Core puts its developer exception page in front of the pipeline, and its problem
/// answer echoes the request's headers, the caller's <c>Authorization</c> bearer key among them. This filter
/// hands every exception to the platform's own handler first, so a 500 is the same problem+json in every
/// environment (exception text in Development only) and never carries a secret.
/// </summary>
internal sealed class PlatformDeveloperPageFilter(IEnumerable<IExceptionHandler> handlers) : IDeveloperPageExceptionFilter
{
    public async Task HandleExceptionAsync(ErrorContext errorContext, Func<ErrorContext, Task> next)
    {
        var context = errorContext.HttpContext;
        foreach (var handler in handlers)
        {
            if (!context.Response.HasStarted && await handler.TryHandleAsync(context, errorContext.Exception, context.RequestAborted))
            {
                return;
            }
        }
        await next(errorContext);
    }
}
