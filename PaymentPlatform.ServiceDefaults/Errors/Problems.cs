using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace PaymentPlatform.ServiceDefaults;

/// <summary>
/// Problem details (RFC 9457) with the platform's stable types:
/// <c>type = https://paymentplatform.dev/problems/{code}</c> plus a <c>code</c> member,
/// e.g. <c>return Problems.NotFound("account_not_found", $"No account {id}.");</c>.
/// Every problem written by a service also gets a <c>traceId</c>.
/// </summary>
public static partial class Problems
{
    /// <summary>The prefix of every problem type.</summary>
    public const string TypeBase = "https://paymentplatform.dev/problems/";

    /// <summary>The problem type URI of a code: <c>https://paymentplatform.dev/problems/{code}</c>.</summary>
    public static string TypeFor(string code)
    {
        ValidateCode(code);
        return TypeBase + code;
    }

    /// <summary>The code used when a problem has only a status (e.g. an empty 404 becomes <c>not_found</c>).</summary>
    public static string CodeForStatus(int status) => status switch
    {
        400 => "bad_request",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not_found",
        405 => "method_not_allowed",
        406 => "not_acceptable",
        408 => "request_timeout",
        409 => "conflict",
        412 => "precondition_failed",
        413 => "payload_too_large",
        415 => "unsupported_media_type",
        422 => "unprocessable_entity",
        429 => "rate_limited",
        500 => "internal_error",
        501 => "not_implemented",
        502 => "bad_gateway",
        503 => "service_unavailable",
        504 => "gateway_timeout",
        _ => $"http_{status}",
    };

    /// <summary>Creates a problem with the platform's type for <paramref name="code"/>.</summary>
    /// <param name="status">The HTTP status code.</param>
    /// <param name="code">A stable snake_case code, e.g. <c>insufficient_funds</c>.</param>
    /// <param name="title">A short, human-readable summary that does not change between occurrences.</param>
    /// <param name="detail">This occurrence's explanation; never exception text or secrets.</param>
    public static ProblemDetails Create(int status, string code, string title, string? detail = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(title);
        var problem = new ProblemDetails
        {
            Status = status,
            Type = TypeFor(code),
            Title = title,
            Detail = detail,
        };
        problem.Extensions["code"] = code;
        return problem;
    }

    /// <summary>A typed problem result with the platform's type for <paramref name="code"/>.</summary>
    public static ProblemHttpResult Result(int status, string code, string title, string? detail = null) =>
        TypedResults.Problem(Create(status, code, title, detail));

    /// <summary>400 with <paramref name="code"/>.</summary>
    public static ProblemHttpResult BadRequest(string code, string? detail = null) =>
        Result(StatusCodes.Status400BadRequest, code, "The request is invalid.", detail);

    /// <summary>401 <c>unauthorized</c>.</summary>
    public static ProblemHttpResult Unauthorized(string? detail = null) =>
        Result(StatusCodes.Status401Unauthorized, "unauthorized", "Unauthorized", detail);

    /// <summary>404 with <paramref name="code"/>.</summary>
    public static ProblemHttpResult NotFound(string code, string? detail = null) =>
        Result(StatusCodes.Status404NotFound, code, "The resource was not found.", detail);

    /// <summary>409 with <paramref name="code"/>.</summary>
    public static ProblemHttpResult Conflict(string code, string? detail = null) =>
        Result(StatusCodes.Status409Conflict, code, "The request conflicts with the resource's state.", detail);

    /// <summary>422 with <paramref name="code"/>.</summary>
    public static ProblemHttpResult Unprocessable(string code, string? detail = null) =>
        Result(StatusCodes.Status422UnprocessableEntity, code, "The request cannot be processed.", detail);

    /// <summary>503 with <paramref name="code"/>, e.g. <c>directory_unavailable</c>.</summary>
    public static ProblemHttpResult ServiceUnavailable(string code, string? detail = null) =>
        Result(StatusCodes.Status503ServiceUnavailable, code, "A dependency is unavailable.", detail);

    /// <summary>400 <c>validation_failed</c> with the invalid fields.</summary>
    public static ValidationProblem Validation(IDictionary<string, string[]> errors, string? detail = null) =>
        TypedResults.ValidationProblem(
            errors,
            detail,
            type: TypeFor("validation_failed"),
            title: "One or more fields are invalid.",
            extensions: new Dictionary<string, object?> { ["code"] = "validation_failed" });

    private static void ValidateCode(string code)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(code);
        if (!CodePattern().IsMatch(code))
        {
            throw new ArgumentException($"A problem code is snake_case ASCII ([a-z][a-z0-9_]*); '{code}' is not.", nameof(code));
        }
    }

    [GeneratedRegex("^[a-z][a-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex CodePattern();
}
