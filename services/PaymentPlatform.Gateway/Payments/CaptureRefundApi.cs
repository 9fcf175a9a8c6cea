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

/// <summary>
/// Capture, cancel and refunds. Each follows the same order: check the request and the payment's state,
/// ask the ledger (with an Idempotency-Key derived from the payment or refund id, so a retry after a
/// crash completes the same posting exactly once), then one transaction: the guarded state change and
/// its event.
/// </summary>
public static class CaptureRefundApi
{
    public static IEndpointRouteBuilder MapCaptureRefundApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapPost("/v1/payments/{id}/capture", Capture);
        app.MapPost("/v1/payments/{id}/cancel", Cancel);
        app.MapPost("/v1/refunds", CreateRefund);
        app.MapGet("/v1/refunds/{id}", GetRefund);
        return app;
    }

    internal static async Task<Results<Ok<PaymentResponse>, ProblemHttpResult>> Capture(
        string id, HttpRequest http, LedgerClient ledger, PaymentStore store, RelaySignal relay, CancellationToken cancellationToken)
    {
        var (body, invalid) = await ReadAsync<CapturePaymentRequest>(http, cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }
        if (!PaymentValidation.IsMerchantId(body!.MerchantId))
        {
            return Problems.BadRequest("invalid_request", "merchant_id is required and looks like mer_ followed by 1 to 64 letters or digits.");
        }
        if (body.AmountToCapture is < 1 or > PaymentValidation.MaxAmount)
        {
            return Problems.BadRequest("invalid_request", $"amount_to_capture is a whole number of minor units from 1 to {PaymentValidation.MaxAmount}.");
        }
        if (await store.FindForMerchantAsync(id, body.MerchantId!, cancellationToken) is not { } payment)
        {
            return PaymentNotFound(id);
        }
        if (payment.Status != PaymentStatus.RequiresCapture)
        {
            return NotCapturable(payment);
        }
        var amount = body.AmountToCapture ?? payment.Amount;
        if (amount > payment.Amount)
        {
            return Problems.Unprocessable("amount_too_large",
                $"amount_to_capture ({amount}) is more than the {payment.Amount} authorized.");
        }
        var fee = FeeRule.Default.FeeFor(amount);

        try
        {
            await ledger.CaptureAsync(payment.Id, amount, fee, cancellationToken);
        }
        catch (DownstreamException ex) when (ex.Code == LedgerCodes.PendingTransferExpired)
        {
            // The ledger's safety-net timeout released the hold: the payment expired.
            var expired = await store.MarkCanceledAsync(payment.Id, "expired", p => [CanceledEvent(p)], cancellationToken);
            relay.Wake();
            return NotCapturable(expired ?? payment, "The authorization expired; its hold was released.");
        }
        catch (DownstreamException ex) when (ex is { Unavailable: false, Status: StatusCodes.Status409Conflict })
        {
            // The hold was resolved already (a concurrent capture or cancel, or one with another amount).
            return NotCapturable(payment, "The authorization was already captured or canceled.");
        }
        catch (DownstreamException ex)
        {
            return Downstream(ex);
        }

        var captured = await store.MarkCapturedAsync(payment.Id, amount, fee,
            p => [new OutboxEvent(Ids.New("evt"), EventTypes.PaymentCaptured, p.MerchantId, new { Object = p.ToResponse() }, Activity.Current?.Id)],
            cancellationToken);
        if (captured is null)
        {
            // A concurrent request changed the state first; this one wrote nothing.
            return NotCapturable((await store.FindAsync(payment.Id, cancellationToken))!);
        }
        relay.Wake();
        return TypedResults.Ok(captured.ToResponse());
    }

    internal static async Task<Results<Ok<PaymentResponse>, ProblemHttpResult>> Cancel(
        string id, HttpRequest http, LedgerClient ledger, PaymentStore store, RelaySignal relay, CancellationToken cancellationToken)
    {
        var (body, invalid) = await ReadAsync<CancelPaymentRequest>(http, cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }
        if (!PaymentValidation.IsMerchantId(body!.MerchantId))
        {
            return Problems.BadRequest("invalid_request", "merchant_id is required and looks like mer_ followed by 1 to 64 letters or digits.");
        }
        if (await store.FindForMerchantAsync(id, body.MerchantId!, cancellationToken) is not { } payment)
        {
            return PaymentNotFound(id);
        }
        if (payment.Status != PaymentStatus.RequiresCapture)
        {
            return InvalidState(payment, "cancel");
        }

        try
        {
            await ledger.CancelAsync(payment.Id, cancellationToken);
        }
        catch (DownstreamException ex) when (ex.Code == LedgerCodes.PendingTransferExpired)
        {
            // Already released by the ledger's timeout: the cancel's outcome holds (contracts.md).
        }
        catch (DownstreamException ex) when (ex is { Unavailable: false, Status: StatusCodes.Status409Conflict })
        {
            return InvalidState(payment, "cancel", "The authorization was already captured.");
        }
        catch (DownstreamException ex)
        {
            return Downstream(ex);
        }

        var canceled = await store.MarkCanceledAsync(payment.Id, "requested_by_merchant", p => [CanceledEvent(p)], cancellationToken);
        if (canceled is null)
        {
            return InvalidState((await store.FindAsync(payment.Id, cancellationToken))!, "cancel");
        }
        relay.Wake();
        return TypedResults.Ok(canceled.ToResponse());
    }

    internal static async Task<Results<Created<RefundResponse>, ProblemHttpResult>> CreateRefund(
        HttpRequest http,
        [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey,
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
        var (body, invalid) = await ReadAsync<CreateRefundRequest>(http, cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }
        if (!PaymentValidation.IsMerchantId(body!.MerchantId))
        {
            return Problems.BadRequest("invalid_request", "merchant_id is required and looks like mer_ followed by 1 to 64 letters or digits.");
        }
        if (string.IsNullOrEmpty(body.Payment))
        {
            return Problems.BadRequest("invalid_request", "payment is required: the id (pay_...) of the payment to refund.");
        }
        if (body.Amount is < 1 or > PaymentValidation.MaxAmount)
        {
            return Problems.BadRequest("invalid_request", $"amount is a whole number of minor units from 1 to {PaymentValidation.MaxAmount}.");
        }
        var merchantId = body.MerchantId!;
        if (await store.FindForMerchantAsync(body.Payment, merchantId, cancellationToken) is not { } payment)
        {
            return PaymentNotFound(body.Payment);
        }

        // With an Idempotency-Key the refund id is derived from it: a retry finds the same refund and
        // the same ledger transfer {refund_id}:refund, and finishes it if a crash interrupted it.
        var refundId = idempotencyKey is null ? Ids.New("re") : Ids.Derived("re", merchantId, "refund", idempotencyKey);
        Refund refund;
        if (idempotencyKey is not null && await store.FindRefundAsync(refundId, cancellationToken) is { } earlier)
        {
            if (earlier.PaymentId != payment.Id || (body.Amount is { } asked && asked != earlier.Amount))
            {
                return Problems.Conflict("idempotency_key_in_use", "This Idempotency-Key was used for a different refund request.");
            }
            if (earlier.Status == RefundStatus.Succeeded)
            {
                http.HttpContext.Response.Headers["Idempotent-Replayed"] = "true";
                return TypedResults.Created($"/v1/refunds/{earlier.Id}", earlier.ToResponse());
            }
            refund = earlier;
        }
        else
        {
            if (payment.Status is not (PaymentStatus.Succeeded or PaymentStatus.PartiallyRefunded))
            {
                return InvalidState(payment, "refund");
            }
            var amount = body.Amount ?? payment.Refundable;
            if (amount < 1 || amount > payment.Refundable)
            {
                return RefundExceedsCaptured(payment, amount);
            }
            refund = new Refund(refundId, payment.Id, merchantId, amount, payment.Currency, RefundStatus.Pending, idempotencyKey, time.GetUtcNow());
            switch (await store.ReserveRefundAsync(refund, cancellationToken))
            {
                case ReserveRefundOutcome.Refused:
                    // A concurrent refund or state change got there first; re-read to say which.
                    var now = (await store.FindAsync(payment.Id, cancellationToken))!;
                    return now.Status is PaymentStatus.Succeeded or PaymentStatus.PartiallyRefunded
                        ? RefundExceedsCaptured(now, amount)
                        : InvalidState(now, "refund");
                case ReserveRefundOutcome.Exists:
                    return Problems.Conflict("idempotency_key_in_use", "A refund with this Idempotency-Key is in flight; retry it.");
            }
        }

        try
        {
            await ledger.RefundAsync(refund.PaymentId, refund.Id, refund.Amount, cancellationToken);
        }
        catch (DownstreamException ex) when (!ex.Unavailable)
        {
            // The ledger refused and wrote nothing: neither does the gateway.
            await store.ReleaseRefundAsync(refund, cancellationToken);
            return ex.Code == LedgerCodes.ExceedsCredits
                ? Problems.Unprocessable("balance_insufficient",
                    "The merchant's available balance does not cover this refund (refunds come out of the available balance, after fees).")
                : Downstream(ex);
        }
        catch (DownstreamException ex)
        {
            // Unknown whether the ledger wrote it: the refund stays pending (its amount reserved) until a retry
            // with the same Idempotency-Key completes it.
            return Downstream(ex);
        }

        var completed = await store.CompleteRefundAsync(refund,
            (r, p) => [new OutboxEvent(Ids.New("evt"), EventTypes.RefundSucceeded, r.MerchantId, new { Object = r.ToResponse(), Payment = p.ToResponse() }, Activity.Current?.Id)],
            cancellationToken);
        relay.Wake();
        var done = completed?.Refund ?? (await store.FindRefundAsync(refund.Id, cancellationToken))!;
        return TypedResults.Created($"/v1/refunds/{done.Id}", done.ToResponse());
    }

    internal static async Task<Results<Ok<RefundResponse>, ProblemHttpResult>> GetRefund(string id, PaymentStore store, CancellationToken cancellationToken) =>
        await store.FindRefundAsync(id, cancellationToken) is { } refund
            ? TypedResults.Ok(refund.ToResponse())
            : Problems.NotFound("refund_not_found", $"No refund {id}.");

    /// <summary>Reads a JSON object body; anything else (not JSON, wrong types, not an object) is a 400 <c>invalid_request</c>.</summary>
    private static async Task<(T? Body, ProblemHttpResult? Problem)> ReadAsync<T>(HttpRequest http, CancellationToken cancellationToken) where T : class
    {
        try
        {
            var body = await JsonSerializer.DeserializeAsync<T>(http.Body, Json.StrictOptions, cancellationToken);
            return body is null ? (null, Problems.BadRequest("invalid_request", "The body must be a JSON object.")) : (body, null);
        }
        catch (JsonException ex)
        {
            return (null, Problems.BadRequest("invalid_request", $"The body is not valid JSON for this request: {ex.Message}"));
        }
    }

    private static OutboxEvent CanceledEvent(Payment p) =>
        new(Ids.New("evt"), EventTypes.PaymentCanceled, p.MerchantId, new { Object = p.ToResponse(), Reason = p.CancellationReason }, Activity.Current?.Id);

    private static ProblemHttpResult PaymentNotFound(string id) => Problems.NotFound("payment_not_found", $"No payment {id}.");

    private static ProblemHttpResult NotCapturable(Payment payment, string? why = null) =>
        WithStatus(Problems.Create(StatusCodes.Status409Conflict, "payment_not_capturable", "The payment cannot be captured.",
            why ?? $"Only a payment in requires_capture can be captured; this one is {payment.Status}."), payment);

    private static ProblemHttpResult InvalidState(Payment payment, string operation, string? why = null) =>
        WithStatus(Problems.Create(StatusCodes.Status409Conflict, "invalid_state", $"The payment cannot accept a {operation}.",
            why ?? $"A {operation} is not possible for a payment in {payment.Status}."), payment);

    private static ProblemHttpResult RefundExceedsCaptured(Payment payment, long amount) =>
        WithStatus(Problems.Create(StatusCodes.Status422UnprocessableEntity, "refund_exceeds_captured", "The refund is larger than what remains.",
            $"A refund of {amount} is more than the {payment.Refundable} still refundable ({payment.AmountCaptured} captured, {payment.AmountRefunded} refunded, {payment.AmountRefundPending} in flight)."), payment);

    private static ProblemHttpResult WithStatus(ProblemDetails problem, Payment payment)
    {
        problem.Extensions["payment_id"] = payment.Id;
        problem.Extensions["payment_status"] = payment.Status;
        return TypedResults.Problem(problem);
    }

    private static ProblemHttpResult Downstream(DownstreamException ex) => ex.Unavailable
        ? Problems.ServiceUnavailable($"{ex.Service}_unavailable", $"The {ex.Service} service did not answer in time; retry the request.")
        : Problems.Result(StatusCodes.Status502BadGateway, $"{ex.Service}_error", "A dependency refused the request.", ex.Message);
}
