using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Polly;

namespace PaymentPlatform.ServiceDefaults.Errors;

/// <summary>
/// Turns an unhandled exception into problem+json. Exception text goes to the logs, and to
/// the response only in Development.
/// </summary>
internal sealed partial class PlatformExceptionHandler(
    IProblemDetailsService problemDetails,
    IHostEnvironment environment,
    ILogger<PlatformExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, code, title) = exception switch
        {
            BadHttpRequestException bad => (bad.StatusCode, Problems.CodeForStatus(bad.StatusCode), "The request is invalid."),
            // An internal client gave up (circuit open, timeout, concurrency limit).
            ExecutionRejectedException => (StatusCodes.Status503ServiceUnavailable, "dependency_unavailable", "A dependency is unavailable."),
            // The database restarting or unreachable: a retryable 503, not a bug (found by the fault suite, docs/reliability.md).
            _ when DatabaseUnavailable(exception) => (StatusCodes.Status503ServiceUnavailable, "database_unavailable", "The database is unavailable."),
            _ => (StatusCodes.Status500InternalServerError, "internal_error", "An unexpected error occurred."),
        };

        // Since .NET 10 the middleware does not log an exception a handler has handled.
        if (status >= 500)
        {
            LogUnhandled(logger, exception, httpContext.Request.Method, httpContext.Request.Path);
        }

        var problem = Problems.Create(status, code, title, environment.IsDevelopment() ? exception.ToString() : null);
        httpContext.Response.StatusCode = status;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    /// <summary>
    /// A connection that failed or broke, or the server shutting down or starting (SQLSTATE classes 08 and 57P):
    /// what a PostgreSQL restart or crash looks like to a request in flight.
    /// </summary>
    private static bool DatabaseUnavailable(Exception exception) =>
        (exception as Npgsql.NpgsqlException ?? exception.InnerException as Npgsql.NpgsqlException) is { } npgsql
        && (npgsql.IsTransient || npgsql is Npgsql.PostgresException { SqlState: var state } && (state.StartsWith("08", StringComparison.Ordinal) || state.StartsWith("57P", StringComparison.Ordinal)));

    [LoggerMessage(EventId = 1, EventName = "UnhandledException", Level = LogLevel.Error,
        Message = "Unhandled exception while processing {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, PathString path);
}
