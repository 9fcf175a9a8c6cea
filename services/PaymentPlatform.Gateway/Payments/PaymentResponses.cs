using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using PaymentPlatform.Gateway.Idempotency;
using PaymentPlatform.Gateway.Infrastructure;
using PaymentPlatform.ServiceDefaults;

namespace PaymentPlatform.Gateway.Payments;

/// <summary>
/// The answers of the money-moving routes, as <see cref="StoredResponse"/>s: the first answer and every replay of a
/// keyed request are the same bytes. Each is a function of the object's state, so a request that resumes abandoned
/// work (or the completer) answers exactly what the first request would have.
/// </summary>
internal static class PaymentResponses
{
    /// <summary>The answer to <c>POST /v1/payments</c> for a payment in this state.</summary>
    public static StoredResponse Created(Payment payment) => payment.Status switch
    {
        PaymentStatus.Declined => Declined(payment),
        // The outcome is not known yet (a processor timeout): 202, and the completer resolves it.
        PaymentStatus.Processing => Json(StatusCodes.Status202Accepted, payment.ToResponse()),
        _ => Json(StatusCodes.Status201Created, payment.ToResponse()),
    };

    public static StoredResponse Ok(Payment payment) => Json(StatusCodes.Status200OK, payment.ToResponse());

    public static StoredResponse Created(Refund refund) => Json(StatusCodes.Status201Created, refund.ToResponse());

    public static StoredResponse Declined(Payment payment)
    {
        var (code, title, detail) = payment.DeclineReason switch
        {
            "risk_blocked" => ("risk_blocked", "The payment was declined.", "Risk scoring blocked this payment."),
            "insufficient_funds" => ("insufficient_funds", "The card was declined.", "The card has insufficient funds."),
            _ => ("card_declined", "The card was declined.", "The card issuer declined the payment."),
        };
        var problem = Problems.Create(StatusCodes.Status402PaymentRequired, code, title, detail);
        problem.Extensions["payment_id"] = payment.Id;
        problem.Extensions["decline_code"] = payment.DeclineReason;
        if (payment.DeclineReason == "risk_blocked" && payment.ReviewReasons.Count > 0)
        {
            problem.Extensions["reasons"] = payment.ReviewReasons;
        }
        return Problem(problem);
    }

    public static StoredResponse Problem(ProblemDetails problem)
    {
        problem.Extensions["traceId"] = System.Diagnostics.Activity.Current?.TraceId.ToHexString();
        return new StoredResponse(problem.Status ?? 500, JsonSerializer.Serialize(problem, Infrastructure.Json.Options));
    }

    public static StoredResponse Problem(int status, string code, string title, string detail, Payment? payment = null)
    {
        var problem = Problems.Create(status, code, title, detail);
        if (payment is not null)
        {
            problem.Extensions["payment_id"] = payment.Id;
            problem.Extensions["payment_status"] = payment.Status;
        }
        return Problem(problem);
    }

    private static StoredResponse Json<T>(int status, T body) => new(status, JsonSerializer.Serialize(body, Infrastructure.Json.Options));

    /// <summary>Writes a stored answer: problem+json for errors, JSON otherwise, flagged when it is a replay.</summary>
    public static IResult ToResult(this StoredResponse response, bool replayed = false) => new StoredResult(response, replayed);

    private sealed class StoredResult(StoredResponse response, bool replayed) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = response.Status;
            httpContext.Response.ContentType = response.Status >= 400 ? "application/problem+json" : "application/json; charset=utf-8";
            if (replayed)
            {
                httpContext.Response.Headers["Idempotent-Replayed"] = "true";
            }
            await httpContext.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(response.Body), httpContext.RequestAborted);
        }
    }
}
