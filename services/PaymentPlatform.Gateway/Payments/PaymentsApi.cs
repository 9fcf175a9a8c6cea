using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using PaymentPlatform.Gateway.Downstream;
using PaymentPlatform.Gateway.Events;
using PaymentPlatform.Gateway.Infrastructure;
using PaymentPlatform.Gateway.Payments;
using PaymentPlatform.ServiceDefaults;

namespace Microsoft.AspNetCore.Builder;

/// <summary>The public payments API.</summary>
public static class PaymentsApi
{
    public static IEndpointRouteBuilder MapPaymentsApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // Merchants and API keys arrive in "Gateway, part 1"; until then these routes are open
        // and the merchant is named in the body.
        var payments = app.MapGroup("/v1/payments");
        payments.MapPost("/", CreatePayment);
        payments.MapGet("/{id}", GetPayment);
        return app;
    }

    internal static async Task<Results<Created<PaymentResponse>, ProblemHttpResult>> CreatePayment(
        HttpRequest http,
        [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey,
        RiskClient risk,
        LedgerClient ledger,
        PaymentStore store,
        RelaySignal relay,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (PaymentValidation.ValidateIdempotencyKey(idempotencyKey) is { } keyError)
        {
            return Problems.BadRequest("invalid_request", keyError);
        }
        CreatePaymentRequest? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<CreatePaymentRequest>(http.Body, Json.Options, cancellationToken);
        }
        catch (JsonException ex)
        {
            return Problems.BadRequest("invalid_request", $"The body is not valid JSON for a payment: {ex.Message}");
        }
        var (request, error) = PaymentValidation.Validate(body);
        if (request is null)
        {
            return Problems.BadRequest("invalid_request", error);
        }
        if (request.CaptureMethod == "automatic")
        {
            return Problems.Result(StatusCodes.Status501NotImplemented, "not_implemented_yet", "Not implemented yet.",
                "Automatic capture arrives with \"Gateway, part 1\"; send capture_method manual.");
        }

        // With an Idempotency-Key the id is derived from it, so a retry finds the same payment,
        // the same risk score and the same ledger hold; the primary key makes it exactly one.
        var id = idempotencyKey is null ? Ids.New("pay") : Ids.Derived("pay", request.MerchantId, idempotencyKey);
        if (idempotencyKey is not null && await store.FindAsync(id, cancellationToken) is { } earlier)
        {
            return Replay(http, earlier, request);
        }

        try
        {
            var score = await risk.ScoreAsync(
                new RiskScoreRequest(id, request.MerchantId, request.Amount, request.Currency, CardFingerprint: null,
                    request.CardBin, request.CardLast4, Handle: null, TestMode: true),
                cancellationToken);
            var traceparent = Activity.Current?.Id;
            var reasons = score.Reasons ?? [];

            if (score.Decision == RiskScore.Block)
            {
                var declined = NewPayment(id, request, PaymentStatus.Declined, review: false, [], score.Score, "risk_blocked", idempotencyKey, time);
                var declinedEvent = new OutboxEvent(Ids.New("evt"), EventTypes.PaymentDeclined, request.MerchantId,
                    new { Object = declined.ToResponse(), Reason = "risk_blocked", Reasons = reasons }, traceparent);
                if (!await store.InsertAsync(declined, [declinedEvent], cancellationToken))
                {
                    return Replay(http, (await store.FindAsync(id, cancellationToken))!, request);
                }
                relay.Wake();
                return RiskBlocked(id, reasons);
            }

            await ledger.PlaceHoldAsync(id, request.MerchantId, request.Amount, request.Currency, cancellationToken);

            var review = score.Decision == RiskScore.Review;
            var payment = NewPayment(id, request, PaymentStatus.RequiresCapture, review, review ? reasons : [], score.Score, null, idempotencyKey, time);
            List<OutboxEvent> events = [new(Ids.New("evt"), EventTypes.PaymentAuthorized, request.MerchantId, new { Object = payment.ToResponse() }, traceparent)];
            if (review)
            {
                events.Add(new(Ids.New("evt"), EventTypes.PaymentReview, request.MerchantId, new { Object = payment.ToResponse(), Reasons = reasons }, traceparent));
            }
            if (!await store.InsertAsync(payment, events, cancellationToken))
            {
                return Replay(http, (await store.FindAsync(id, cancellationToken))!, request);
            }
            relay.Wake();
            return TypedResults.Created($"/v1/payments/{id}", payment.ToResponse());
        }
        catch (DownstreamException ex) when (ex.Unavailable)
        {
            return Problems.ServiceUnavailable($"{ex.Service}_unavailable", $"The {ex.Service} service did not answer in time; retry with the same Idempotency-Key.");
        }
        catch (DownstreamException ex)
        {
            return Problems.Result(StatusCodes.Status502BadGateway, $"{ex.Service}_error", "A dependency refused the request.", ex.Message);
        }
    }

    internal static async Task<Results<Ok<PaymentResponse>, ProblemHttpResult>> GetPayment(string id, PaymentStore store, CancellationToken cancellationToken) =>
        await store.FindAsync(id, cancellationToken) is { } payment
            ? TypedResults.Ok(payment.ToResponse())
            : Problems.NotFound("payment_not_found", $"No payment {id}.");

    private static Payment NewPayment(string id, ValidPayment request, string status, bool review, IReadOnlyList<string> reasons,
        double score, string? declineReason, string? idempotencyKey, TimeProvider time) =>
        new(id, request.MerchantId, request.Amount, request.Currency, status, request.CaptureMethod, review, reasons, score,
            declineReason, idempotencyKey, time.GetUtcNow());

    /// <summary>A retry with the same Idempotency-Key: the original outcome again, or 409 if the request differs.</summary>
    private static Results<Created<PaymentResponse>, ProblemHttpResult> Replay(HttpRequest http, Payment earlier, ValidPayment request)
    {
        var asked = NewPayment(earlier.Id, request, earlier.Status, false, [], 0, null, null, TimeProvider.System);
        if (!earlier.SameRequestAs(asked))
        {
            return Problems.Conflict("idempotency_key_in_use", "This Idempotency-Key was used for a different payment request.");
        }
        http.HttpContext.Response.Headers["Idempotent-Replayed"] = "true";
        return earlier.Status == PaymentStatus.Declined
            ? RiskBlocked(earlier.Id, reasons: null)
            : TypedResults.Created($"/v1/payments/{earlier.Id}", earlier.ToResponse());
    }

    private static ProblemHttpResult RiskBlocked(string paymentId, IReadOnlyList<string>? reasons)
    {
        var problem = Problems.Create(StatusCodes.Status402PaymentRequired, "risk_blocked", "The payment was declined.",
            "Risk scoring blocked this payment.");
        problem.Extensions["payment_id"] = paymentId;
        if (reasons is not null)
        {
            problem.Extensions["reasons"] = reasons;
        }
        return TypedResults.Problem(problem);
    }
}
