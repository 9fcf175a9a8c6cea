using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using PaymentPlatform.Gateway.Idempotency;
using PaymentPlatform.Gateway.Infrastructure;
using PaymentPlatform.Gateway.Merchants;
using PaymentPlatform.Gateway.Payments;
using PaymentPlatform.Gateway.RateLimiting;
using PaymentPlatform.ServiceDefaults;

namespace Microsoft.AspNetCore.Builder;

/// <summary>
/// Capture, cancel and refunds. Each one: check the request and the payment's state; record the action (with the
/// request's idempotency record) as a recovery point; ask the ledger with a key derived from the payment or refund
/// id; then one transaction with the guarded state change, its event and the stored answer. A request that dies
/// after recording is finished by a retry with its key, or by the completer.
/// </summary>
public static class CaptureRefundApi
{
    private static readonly HashSet<string> CancellationReasons = ["duplicate", "fraudulent", "requested_by_customer", "abandoned"];
    private static readonly HashSet<string> RefundReasons = ["duplicate", "fraudulent", "requested_by_customer"];

    public static IEndpointRouteBuilder MapCaptureRefundApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var payments = app.MapGroup("/v1/payments").RequireMerchant().RequireMerchantRateLimit();
        payments.MapPost("/{id}/capture", Capture).Reads<CapturePaymentRequest>()
            .Responds<PaymentResponse>(StatusCodes.Status200OK, 400, 404, 409, 413, 422, 502, 503);
        payments.MapPost("/{id}/cancel", Cancel).Reads<CancelPaymentRequest>()
            .Responds<PaymentResponse>(StatusCodes.Status200OK, 400, 404, 409, 413, 422, 502, 503);
        var refunds = app.MapGroup("/v1/refunds").RequireMerchant().RequireMerchantRateLimit();
        refunds.MapPost("/", CreateRefund).Reads<CreateRefundRequest>()
            .Responds<RefundResponse>(StatusCodes.Status201Created, 400, 404, 409, 413, 422, 502, 503);
        refunds.MapGet("/", ListRefunds).WithProblems(400);
        refunds.MapGet("/{id}", GetRefund).WithProblems(404);
        return app;
    }

    internal static async Task<IResult> Capture(
        string id, HttpContext http, [FromHeader(Name = KeyedRequests.HeaderName)] string? idempotencyKey,
        KeyedRequests keyed, PaymentStore store, PaymentFlow flow, CancellationToken cancellationToken)
    {
        var merchant = http.GetMerchant();
        if (PaymentValidation.ValidateIdempotencyKey(idempotencyKey) is { } keyError)
        {
            return Problems.BadRequest("invalid_request", keyError);
        }
        var (body, invalid) = await JsonBody.ReadAsync<CapturePaymentRequest>(http.Request, cancellationToken, allowEmpty: true);
        if (invalid is not null)
        {
            return invalid;
        }
        if (body?.AmountToCapture is < 1 or > PaymentValidation.MaxAmount)
        {
            return Problems.BadRequest("invalid_request", $"amount_to_capture is a whole number of minor units from 1 to {PaymentValidation.MaxAmount}.");
        }
        if (await store.FindForMerchantAsync(id, merchant.MerchantId, cancellationToken) is not { } payment)
        {
            return PaymentNotFound(id);
        }
        var key = keyed.KeyFor(merchant, idempotencyKey, $"POST /v1/payments/{id}/capture", body?.AmountToCapture?.ToString(CultureInfo.InvariantCulture));
        Task<StoredResponse> Resume(string? _) => ResumeActionAsync(id, merchant, store, flow, cancellationToken);
        if (!await keyed.TryLockAsync(key, cancellationToken))
        {
            return await keyed.AnswerExistingAsync(key!, Resume, cancellationToken);
        }
        if (payment.Status != PaymentStatus.RequiresCapture)
        {
            return await keyed.RefuseAsync(key, PaymentFlow.NotCapturable(payment), Resume, cancellationToken);
        }
        var amount = body?.AmountToCapture ?? payment.Amount;
        if (amount > payment.Amount)
        {
            return await keyed.RefuseAsync(key, PaymentResponses.Problem(StatusCodes.Status422UnprocessableEntity, "amount_too_large",
                "The request cannot be processed.", $"amount_to_capture ({amount}) is more than the {payment.Amount} authorized.", payment), Resume, cancellationToken);
        }
        var action = new PendingAction(PendingAction.Capture, amount, merchant.FeeRule.FeeFor(amount), null);
        return await RequestAsync(payment, action, key, keyed, store, flow, merchant, cancellationToken);
    }

    internal static async Task<IResult> Cancel(
        string id, HttpContext http, [FromHeader(Name = KeyedRequests.HeaderName)] string? idempotencyKey,
        KeyedRequests keyed, PaymentStore store, PaymentFlow flow, CancellationToken cancellationToken)
    {
        var merchant = http.GetMerchant();
        if (PaymentValidation.ValidateIdempotencyKey(idempotencyKey) is { } keyError)
        {
            return Problems.BadRequest("invalid_request", keyError);
        }
        var (body, invalid) = await JsonBody.ReadAsync<CancelPaymentRequest>(http.Request, cancellationToken, allowEmpty: true);
        if (invalid is not null)
        {
            return invalid;
        }
        if (body?.CancellationReason is { } reason && !CancellationReasons.Contains(reason))
        {
            return Problems.BadRequest("invalid_request", $"cancellation_reason is one of: {string.Join(", ", CancellationReasons)}.");
        }
        if (await store.FindForMerchantAsync(id, merchant.MerchantId, cancellationToken) is not { } payment)
        {
            return PaymentNotFound(id);
        }
        var key = keyed.KeyFor(merchant, idempotencyKey, $"POST /v1/payments/{id}/cancel", body?.CancellationReason);
        Task<StoredResponse> Resume(string? _) => ResumeActionAsync(id, merchant, store, flow, cancellationToken);
        if (!await keyed.TryLockAsync(key, cancellationToken))
        {
            return await keyed.AnswerExistingAsync(key!, Resume, cancellationToken);
        }
        if (payment.Status != PaymentStatus.RequiresCapture)
        {
            return await keyed.RefuseAsync(key, InvalidState(payment, "cancel"), Resume, cancellationToken);
        }
        var action = new PendingAction(PendingAction.Cancel, null, null, body?.CancellationReason ?? "requested_by_merchant");
        return await RequestAsync(payment, action, key, keyed, store, flow, merchant, cancellationToken);
    }

    private static async Task<IResult> RequestAsync(
        Payment payment, PendingAction action, IdempotencyKey? key, KeyedRequests keyed, PaymentStore store, PaymentFlow flow,
        MerchantContext merchant, CancellationToken cancellationToken)
    {
        var (outcome, requested) = await store.RequestActionAsync(payment.Id, action, key, cancellationToken);
        switch (outcome)
        {
            case WriteOutcome.KeyExists:
                return await keyed.AnswerExistingAsync(key!, _ => ResumeActionAsync(payment.Id, merchant, store, flow, cancellationToken), cancellationToken);
            case WriteOutcome.Refused:
                // Another capture or cancel got there first (or is under way): nothing was written.
                var now = (await store.FindAsync(payment.Id, cancellationToken))!;
                var refusal = action.Action == PendingAction.Capture
                    ? PaymentFlow.NotCapturable(now, now.Pending is null ? null : $"A {now.Pending.Action} of this payment is under way.")
                    : InvalidState(now, "cancel", now.Pending is null ? null : $"A {now.Pending.Action} of this payment is under way.");
                return await keyed.RefuseAsync(key, refusal, _ => ResumeActionAsync(payment.Id, merchant, store, flow, cancellationToken), cancellationToken);
        }
        if (key is not null)
        {
            keyed.New();
        }
        return await keyed.RunAsync(key, payment.Id, () => flow.ContinueActionAsync(requested!, cancellationToken), cancellationToken);
    }

    /// <summary>A capture or cancel abandoned mid-way: finish what is recorded, or answer the payment as it is.</summary>
    private static async Task<StoredResponse> ResumeActionAsync(
        string paymentId, MerchantContext merchant, PaymentStore store, PaymentFlow flow, CancellationToken cancellationToken)
    {
        var payment = (await store.FindForMerchantAsync(paymentId, merchant.MerchantId, cancellationToken))!;
        return payment.Pending is not null ? await flow.ContinueActionAsync(payment, cancellationToken) : PaymentResponses.Ok(payment);
    }

    internal static async Task<IResult> CreateRefund(
        HttpContext http, [FromHeader(Name = KeyedRequests.HeaderName)] string? idempotencyKey,
        KeyedRequests keyed, PaymentStore store, PaymentFlow flow, TimeProvider time, CancellationToken cancellationToken)
    {
        var merchant = http.GetMerchant();
        if (PaymentValidation.ValidateIdempotencyKey(idempotencyKey) is { } keyError)
        {
            return Problems.BadRequest("invalid_request", keyError);
        }
        var (body, invalid) = await JsonBody.ReadAsync<CreateRefundRequest>(http.Request, cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }
        if (string.IsNullOrEmpty(body!.Payment))
        {
            return Problems.BadRequest("invalid_request", "payment is required: the id (pay_...) of the payment to refund.");
        }
        if (body.Amount is < 1 or > PaymentValidation.MaxAmount)
        {
            return Problems.BadRequest("invalid_request", $"amount is a whole number of minor units from 1 to {PaymentValidation.MaxAmount}.");
        }
        if (body.Reason is { } reason && !RefundReasons.Contains(reason))
        {
            return Problems.BadRequest("invalid_request", $"reason is one of: {string.Join(", ", RefundReasons)}.");
        }
        if (await store.FindForMerchantAsync(body.Payment, merchant.MerchantId, cancellationToken) is not { } payment)
        {
            return PaymentNotFound(body.Payment);
        }
        var key = keyed.KeyFor(merchant, idempotencyKey, "POST /v1/refunds", body.Payment, body.Amount?.ToString(CultureInfo.InvariantCulture), body.Reason);
        Task<StoredResponse> Resume(string? refundId) => ResumeRefundAsync(refundId!, merchant, store, flow, cancellationToken);
        if (!await keyed.TryLockAsync(key, cancellationToken))
        {
            return await keyed.AnswerExistingAsync(key!, Resume, cancellationToken);
        }
        if (payment.Status is not (PaymentStatus.Succeeded or PaymentStatus.PartiallyRefunded))
        {
            return await keyed.RefuseAsync(key, InvalidState(payment, "refund"), Resume, cancellationToken);
        }
        var amount = body.Amount ?? payment.Refundable;
        if (amount < 1 || amount > payment.Refundable)
        {
            return await keyed.RefuseAsync(key, RefundExceedsCaptured(payment, amount), Resume, cancellationToken);
        }

        // With an Idempotency-Key the refund id derives from it: a retry names the same ledger transfer {refund_id}:refund.
        var refundId = idempotencyKey is null ? Ids.New("re") : Ids.Derived("re", merchant.MerchantId, "refund", idempotencyKey);
        var refund = new Refund(refundId, payment.Id, merchant.MerchantId, amount, payment.Currency, RefundStatus.Pending, body.Reason, idempotencyKey, time.GetUtcNow());
        switch (await store.ReserveRefundAsync(refund, key, cancellationToken))
        {
            case WriteOutcome.KeyExists:
                return await keyed.AnswerExistingAsync(key!, Resume, cancellationToken);
            case WriteOutcome.ObjectExists:
                return await keyed.RunAsync(key, refundId, () => Resume(refundId), cancellationToken);
            case WriteOutcome.Refused:
                // A concurrent refund or state change got there first; re-read to say which.
                var now = (await store.FindAsync(payment.Id, cancellationToken))!;
                return await keyed.RefuseAsync(key, now.Status is PaymentStatus.Succeeded or PaymentStatus.PartiallyRefunded
                    ? RefundExceedsCaptured(now, amount)
                    : InvalidState(now, "refund"), Resume, cancellationToken);
        }
        if (key is not null)
        {
            keyed.New();
        }
        return await keyed.RunAsync(key, refundId, () => flow.ContinueRefundAsync(refund, cancellationToken), cancellationToken);
    }

    private static async Task<StoredResponse> ResumeRefundAsync(
        string refundId, MerchantContext merchant, PaymentStore store, PaymentFlow flow, CancellationToken cancellationToken)
    {
        var refund = (await store.FindRefundForMerchantAsync(refundId, merchant.MerchantId, cancellationToken))!;
        return refund.Status == RefundStatus.Pending ? await flow.ContinueRefundAsync(refund, cancellationToken) : PaymentResponses.Created(refund);
    }

    internal static async Task<Results<Ok<RefundResponse>, ProblemHttpResult>> GetRefund(string id, HttpContext http, PaymentStore store, CancellationToken cancellationToken) =>
        await store.FindRefundForMerchantAsync(id, http.GetMerchant().MerchantId, cancellationToken) is { } refund
            ? TypedResults.Ok(refund.ToResponse())
            : Problems.NotFound("refund_not_found", $"No refund {id}.");

    internal static async Task<Results<Ok<ListResponse<RefundResponse>>, ProblemHttpResult>> ListRefunds(
        HttpContext http, PaymentStore store, CancellationToken cancellationToken)
    {
        var (query, invalid) = ListQueries.Parse(http.Request, allowPayment: true);
        if (invalid is not null)
        {
            return invalid;
        }
        if (await store.ListRefundsAsync(http.GetMerchant().MerchantId, query!, cancellationToken) is not { } page)
        {
            return Problems.BadRequest("invalid_request", "starting_after or ending_before is not one of your refunds.");
        }
        return TypedResults.Ok(new ListResponse<RefundResponse>("list", "/v1/refunds", [.. page.Items.Select(r => r.ToResponse())], page.HasMore));
    }

    private static ProblemHttpResult PaymentNotFound(string id) => Problems.NotFound("payment_not_found", $"No payment {id}.");

    private static StoredResponse InvalidState(Payment payment, string operation, string? why = null) =>
        PaymentResponses.Problem(StatusCodes.Status409Conflict, "invalid_state", $"The payment cannot accept a {operation}.",
            why ?? $"A {operation} is not possible for a payment in {payment.Status}.", payment);

    private static StoredResponse RefundExceedsCaptured(Payment payment, long amount) =>
        PaymentResponses.Problem(StatusCodes.Status422UnprocessableEntity, "refund_exceeds_captured", "The refund is larger than what remains.",
            $"A refund of {amount} is more than the {payment.Refundable} still refundable ({payment.AmountCaptured} captured, {payment.AmountRefunded} refunded, {payment.AmountRefundPending} in flight).",
            payment);
}
