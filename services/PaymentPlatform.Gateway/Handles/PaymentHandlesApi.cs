using System.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using PaymentPlatform.Gateway.Downstream;
using PaymentPlatform.Gateway.Handles;
using PaymentPlatform.Gateway.Infrastructure;
using PaymentPlatform.Gateway.Merchants;
using PaymentPlatform.Gateway.RateLimiting;
using PaymentPlatform.ServiceDefaults;
using PaymentPlatform.ServiceDefaults.Http;

namespace Microsoft.AspNetCore.Builder;

/// <summary>The public payment-handle API: <c>POST /v1/payment_handles/validate</c>.</summary>
public static class PaymentHandlesApi
{
    public static IEndpointRouteBuilder MapPaymentHandlesApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // The budget's clock starts before authentication and the rate limit, so it covers the whole validation.
        var handles = app.MapGroup("/v1/payment_handles").AddEndpointFilter(ValidationBudget.Start).RequireMerchant().RequireMerchantRateLimit();
        handles.MapPost("/validate", Validate).Reads<ValidateHandleRequest>()
            .Responds<HandleValidationResponse>(StatusCodes.Status200OK, 400, 413, 503);
        return app;
    }

    /// <summary>
    /// A handle that is not an address is 400 <c>invalid_request</c> (the merchant's request is wrong); a well-formed handle
    /// is answered 200 with <c>valid</c> and the reasons. A downstream call that cannot answer within the budget is 503
    /// <c>directory_unavailable</c> or <c>risk_unavailable</c>.
    /// </summary>
    internal static async Task<Results<Ok<HandleValidationResponse>, ProblemHttpResult>> Validate(
        HttpContext http, HandleValidator validator, IOptionsMonitor<HandleOptions> options, CancellationToken cancellationToken)
    {
        using var deadline = ValidationBudget.Remaining(http, options.CurrentValue.Budget, cancellationToken);
        var (body, invalid) = await JsonBody.ReadAsync<ValidateHandleRequest>(http.Request, cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }
        if (HandleSyntax.Normalize(body!.Handle) is not { } handle)
        {
            var errors = new FieldErrors();
            errors.Add("handle", string.IsNullOrEmpty(body.Handle) ? "is required." : HandleSyntax.Rule);
            return errors.Problem()!;
        }
        try
        {
            var check = await validator.CheckAsync(handle, http.GetMerchant(), Ids.New("hv"), score: true, deadline.Token, cancellationToken);
            return TypedResults.Ok(check.ToResponse());
        }
        catch (DownstreamException ex)
        {
            return Unavailable(ex, options.CurrentValue.Budget);
        }
    }

    internal static ProblemHttpResult Unavailable(DownstreamException ex, TimeSpan budget) => ex.Unavailable
        ? Problems.ServiceUnavailable($"{ex.Service}_unavailable",
            $"The {ex.Service} service could not answer within the validation's budget of {budget.TotalMilliseconds:0} ms. Nothing was decided; retry later.")
        : Problems.Result(StatusCodes.Status502BadGateway, $"{ex.Service}_error", "A dependency refused the request.", ex.Message);
}

/// <summary>The validation budget, counted from the request's first filter.</summary>
internal static class ValidationBudget
{
    private sealed record Started(long Timestamp);

    public static ValueTask<object?> Start(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        context.HttpContext.Features.Set(new Started(Stopwatch.GetTimestamp()));
        return next(context);
    }

    /// <summary>A token cancelled when the budget runs out (or the client goes away).</summary>
    public static CancellationTokenSource Remaining(HttpContext http, TimeSpan budget, CancellationToken aborted)
    {
        var elapsed = http.Features.Get<Started>() is { } started ? Stopwatch.GetElapsedTime(started.Timestamp) : TimeSpan.Zero;
        var source = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        source.CancelAfter(budget - elapsed > TimeSpan.Zero ? budget - elapsed : TimeSpan.Zero);
        return source;
    }
}
