using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace PaymentPlatform.Hosting.Dashboard.Api;

/// <summary>The API's errors: problem+json with the platform's stable types (as ServiceDefaults writes them).</summary>
internal static class DashboardProblems
{
    public const string TypeBase = "https://paymentplatform.dev/problems/";

    public static ProblemHttpResult Create(int status, string code, string title, string detail)
    {
        var problem = new ProblemDetails { Status = status, Type = TypeBase + code, Title = title, Detail = detail };
        problem.Extensions["code"] = code;
        return TypedResults.Problem(problem);
    }

    public static ProblemHttpResult InvalidQuery(string detail) =>
        Create(StatusCodes.Status400BadRequest, "invalid_query", "The query is not valid", detail);

    public static ProblemHttpResult NotFound(string code, string detail) =>
        Create(StatusCodes.Status404NotFound, code, "Not found", detail);
}
