using System.Diagnostics;
using Microsoft.Extensions.Options;
using PaymentPlatform.Gateway.Downstream;
using PaymentPlatform.Gateway.Events;
using PaymentPlatform.Gateway.Handles;
using PaymentPlatform.Gateway.Idempotency;
using PaymentPlatform.Gateway.Infrastructure;
using PaymentPlatform.Gateway.Processing;
using PaymentPlatform.Gateway.Vault;
using PaymentPlatform.ServiceDefaults.Failpoints;

namespace PaymentPlatform.Gateway.Payments;

/// <summary>
/// The work behind the money-moving routes, in phases between recovery points stored in <c>paymentsdb</c>.
/// A request runs it; when a request dies mid-way, a retry with its Idempotency-Key or the background completer
/// runs it again from the stored state. Every downstream call carries a key derived from the payment or refund
/// id (<c>{pay}:score</c>, <c>{pay}:auth</c>, <c>{pay}:capture</c>, <c>{re}:refund</c>) and every state change is
/// guarded on the state it leaves, so running a phase twice does its work once.
/// </summary>
internal sealed partial class PaymentFlow(
    RiskClient risk,
    LedgerClient ledger,
    DirectoryClient directory,
    UpiPaymentHandles upiHandles,
    IPaymentProcessor processor,
    CardVault vault,
    PaymentStore store,
    RelaySignal relay,
    Failpoints failpoints,
    GatewayMetrics metrics,
    TimeProvider time,
    IOptions<PaymentOptions> options,
    ILogger<PaymentFlow> logger)
{
    /// <summary>Between the ledger hold and the transaction that records it (fault tests).</summary>
    public const string AfterHoldFailpoint = "GatewayPaymentAfterHold";

    /// <summary>
    /// Drives a <c>processing</c> payment to its outcome: risk, the processor, the ledger hold (and capture for automatic
    /// capture), then one transaction with the outcome, its events and the keyed request's answer. With
    /// <paramref name="inquiry"/> (the completer), the processor is asked for the outcome of the earlier authorization.
    /// </summary>
    /// <exception cref="DownstreamException">Risk or the ledger did not answer: the payment stays <c>processing</c>.</exception>
    public async Task<StoredResponse> CompleteAsync(Payment payment, FeeRule fee, bool inquiry, CancellationToken cancellationToken)
    {
        payment = await WithUpiHandleAsync(payment, cancellationToken);
        var score = await risk.ScoreAsync(
            new RiskScoreRequest(payment.Id, payment.MerchantId, payment.Amount, payment.Currency, payment.Card?.Fingerprint,
                payment.Card?.Bin, payment.Card?.Last4, Handle: payment.UpiHandle, TestMode: !payment.Livemode),
            cancellationToken);
        var reasons = score.Reasons ?? [];
        if (score.Decision == RiskScore.Block)
        {
            return await ResolveAsync(payment, new PaymentResolution(PaymentStatus.Declined, false, reasons, score.Score, "risk_blocked", 0, 0, null),
                p => [Event(EventTypes.PaymentDeclined, p, new { Object = p.ToResponse(), Reason = "risk_blocked", Reasons = reasons })],
                cancellationToken);
        }
        var review = score.Decision == RiskScore.Review;

        if (payment.IsUpi)
        {
            // UPI authorizes through the directory's collect instead of the card processor. The collect is keyed
            // {pay}:collect, so a retry (or the completer's pass) asks again and the payer is debited once.
            var collect = await directory.CollectAsync(payment.Id, payment.UpiHandle!, payment.Amount, payment.Currency, cancellationToken);
            if (collect.Status != DirectoryCollect.Succeeded)
            {
                var code = collect.DeclineCode ?? "payer_declined";
                return await ResolveAsync(payment,
                    new PaymentResolution(PaymentStatus.Declined, review, review ? reasons : [], score.Score, code, 0, 0, null),
                    p => [Event(EventTypes.PaymentDeclined, p, new { Object = p.ToResponse(), Reason = code })],
                    cancellationToken);
            }
            return await HoldAndResolveAsync(payment, fee, score, review, reasons, cancellationToken);
        }

        var pan = payment.Card is { } card ? await vault.RevealPanAsync(card.Token, cancellationToken) : null;
        var authorization = new AuthorizationRequest(payment.Id, pan ?? "", payment.Card?.ExpMonth ?? 0, payment.Card?.ExpYear ?? 0, payment.Amount, payment.Currency);
        var authorized = inquiry
            ? await processor.InquireAsync(authorization, cancellationToken)
            : await processor.AuthorizeAsync(authorization, cancellationToken);
        switch (authorized)
        {
            case AuthorizationResult.Declined declined:
                return await ResolveAsync(payment,
                    new PaymentResolution(PaymentStatus.Declined, review, review ? reasons : [], score.Score, declined.Code, 0, 0, null),
                    p => [Event(EventTypes.PaymentDeclined, p, new { Object = p.ToResponse(), Reason = declined.Code })],
                    cancellationToken);
            case AuthorizationResult.TimedOut:
                // Unknown outcome: the payment stays processing until the completer's inquiry resolves it.
                metrics.PaymentCreated(PaymentStatus.Processing, payment.Currency);
                return PaymentResponses.Created(payment);
        }

        return await HoldAndResolveAsync(payment, fee, score, review, reasons, cancellationToken);
    }

    /// <summary>After an authorization (the processor's, or a UPI collect): the ledger hold, the capture for automatic capture, and the outcome.</summary>
    private async Task<StoredResponse> HoldAndResolveAsync(
        Payment payment, FeeRule fee, RiskScore score, bool review, IReadOnlyList<string> reasons, CancellationToken cancellationToken)
    {
        var expiresAt = time.GetUtcNow() + options.Value.AuthorizationTtl;
        await ledger.PlaceHoldAsync(payment.Id, payment.MerchantId, payment.Amount, payment.Currency,
            options.Value.AuthorizationTtl + options.Value.LedgerHoldGrace, cancellationToken);
        await failpoints.HitAsync(AfterHoldFailpoint, cancellationToken);

        if (payment.CaptureMethod == "automatic")
        {
            var feeAmount = fee.FeeFor(payment.Amount);
            await ledger.CaptureAsync(payment.Id, payment.Amount, feeAmount, cancellationToken);
            return await ResolveAsync(payment,
                new PaymentResolution(PaymentStatus.Succeeded, review, review ? reasons : [], score.Score, null, payment.Amount, feeAmount, null),
                p => AuthorizedEvents(p, review, reasons).Append(Event(EventTypes.PaymentCaptured, p, new { Object = p.ToResponse() })).ToList(),
                cancellationToken);
        }
        return await ResolveAsync(payment,
            new PaymentResolution(PaymentStatus.RequiresCapture, review, review ? reasons : [], score.Score, null, 0, 0, expiresAt),
            p => AuthorizedEvents(p, review, reasons),
            cancellationToken);
    }

    /// <summary>
    /// Finishes the capture or cancel recorded on the payment: asks the ledger (with the key derived from the payment),
    /// then one transaction with the new state, its event and the asking request's answer.
    /// </summary>
    /// <exception cref="DownstreamException">The ledger did not answer: the action stays recorded for a retry or the completer.</exception>
    public async Task<StoredResponse> ContinueActionAsync(Payment payment, CancellationToken cancellationToken)
    {
        var action = payment.Pending ?? throw new InvalidOperationException($"Payment {payment.Id} has no capture or cancel under way.");
        if (action.Action == PendingAction.Capture)
        {
            try
            {
                await ledger.CaptureAsync(payment.Id, action.Amount!.Value, action.Fee!.Value, cancellationToken);
            }
            catch (DownstreamException ex) when (ex.Code == LedgerCodes.PendingTransferExpired)
            {
                // The ledger's safety-net timeout released the hold: the payment expired.
                var expired = await store.MarkCanceledAsync(payment.Id, "expired", p => [CanceledEvent(p)],
                    p => NotCapturable(p, "The authorization expired; its hold was released."), cancellationToken);
                relay.Wake();
                return NotCapturable(expired ?? payment, "The authorization expired; its hold was released.");
            }
            catch (DownstreamException ex) when (ex is { Unavailable: false, Status: StatusCodes.Status409Conflict })
            {
                // The hold was resolved some other way; nothing was captured by this request.
                const string why = "The authorization was already captured or canceled.";
                var cleared = await store.ClearActionAsync(payment.Id, p => NotCapturable(p, why), cancellationToken);
                return NotCapturable(cleared ?? payment, why);
            }
            var captured = await store.MarkCapturedAsync(payment.Id, action.Amount!.Value, action.Fee!.Value,
                p => [Event(EventTypes.PaymentCaptured, p, new { Object = p.ToResponse() })], PaymentResponses.Ok, cancellationToken);
            relay.Wake();
            return captured is not null ? PaymentResponses.Ok(captured) : await CurrentAsync(payment.Id, PaymentResponses.Ok, cancellationToken);
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
            StoredResponse Refusal(Payment p) => PaymentResponses.Problem(StatusCodes.Status409Conflict, "invalid_state",
                "The payment cannot accept a cancel.", "The authorization was already captured.", p);
            var cleared = await store.ClearActionAsync(payment.Id, Refusal, cancellationToken);
            return Refusal(cleared ?? payment);
        }
        var canceled = await store.MarkCanceledAsync(payment.Id, action.Reason ?? "requested_by_merchant", p => [CanceledEvent(p)], PaymentResponses.Ok, cancellationToken);
        relay.Wake();
        return canceled is not null ? PaymentResponses.Ok(canceled) : await CurrentAsync(payment.Id, PaymentResponses.Ok, cancellationToken);
    }

    /// <summary>
    /// Finishes a reserved refund: the ledger transfer <c>{refund_id}:refund</c>, then one transaction with the refund
    /// succeeded, the payment's amounts, the event and the answer. A ledger refusal undoes the reservation.
    /// </summary>
    /// <exception cref="DownstreamException">The ledger did not answer: the refund stays pending, its amount reserved.</exception>
    public async Task<StoredResponse> ContinueRefundAsync(Refund refund, CancellationToken cancellationToken)
    {
        try
        {
            await ledger.RefundAsync(refund.PaymentId, refund.Id, refund.Amount, cancellationToken);
        }
        catch (DownstreamException ex) when (!ex.Unavailable)
        {
            // The ledger refused and wrote nothing: neither does the gateway.
            var refusal = ex.Code == LedgerCodes.ExceedsCredits
                ? PaymentResponses.Problem(StatusCodes.Status422UnprocessableEntity, "balance_insufficient", "The request cannot be processed.",
                    "The merchant's available balance does not cover this refund (refunds come out of the available balance, after fees).")
                : PaymentResponses.Problem(StatusCodes.Status502BadGateway, "ledger_error", "A dependency refused the request.", ex.Message);
            await store.ReleaseRefundAsync(refund, refusal, cancellationToken);
            return refusal;
        }
        var upiHandle = await upiHandles.FindAsync(refund.PaymentId, cancellationToken);
        var completed = await store.CompleteRefundAsync(refund,
            (r, p) => [Event(EventTypes.RefundSucceeded, p, new { Object = r.ToResponse(), Payment = (p with { UpiHandle = upiHandle }).ToResponse() })],
            PaymentResponses.Created, cancellationToken);
        relay.Wake();
        return PaymentResponses.Created(completed?.Refund ?? (await store.FindRefundAsync(refund.Id, cancellationToken))!);
    }

    private async Task<StoredResponse> ResolveAsync(
        Payment payment, PaymentResolution resolution, Func<Payment, IReadOnlyList<OutboxEvent>> events, CancellationToken cancellationToken)
    {
        // The stored row does not carry a UPI handle; the answer and the events show it all the same.
        Payment Attach(Payment p) => p with { UpiHandle = payment.UpiHandle };
        var resolved = await store.ResolveProcessingAsync(payment.Id, resolution, p => events(Attach(p)), p => Created(Attach(p)), cancellationToken);
        if (resolved is null)
        {
            // A concurrent retry or the completer resolved it first; answer what it recorded.
            return await CurrentAsync(payment.Id, p => Created(Attach(p)), cancellationToken);
        }
        relay.Wake();
        metrics.PaymentCreated(resolved.Status, resolved.Currency);
        LogResolved(logger, resolved.Id, resolved.MerchantId, resolved.Status, resolved.Amount, resolved.Currency, resolved.DeclineReason);
        return Created(Attach(resolved));
    }

    /// <summary>One line per payment outcome, in the payment's trace: what a support engineer searches by payment id (never card data).</summary>
    [LoggerMessage(EventId = 40, Level = LogLevel.Information,
        Message = "Payment {PaymentId} of merchant {MerchantId} is {Status}: {Amount} {Currency} (decline reason: {DeclineReason})")]
    private static partial void LogResolved(ILogger logger, string paymentId, string merchantId, string status, long amount, string currency, string? declineReason);

    /// <summary>The answer to <c>POST /v1/payments</c>: as <see cref="PaymentResponses.Created(Payment)"/>, with UPI's own decline.</summary>
    public static StoredResponse Created(Payment payment)
    {
        if (!payment.IsUpi || payment.Status != PaymentStatus.Declined || payment.DeclineReason == "risk_blocked")
        {
            return PaymentResponses.Created(payment);
        }
        var detail = payment.DeclineReason switch
        {
            "account_inactive" => "The payer's UPI account is inactive and cannot pay.",
            "address_not_found" => "The directory knows no such UPI address.",
            _ => "The payer declined the UPI collect request.",
        };
        var problem = ServiceDefaults.Problems.Create(StatusCodes.Status402PaymentRequired, "upi_declined", "The UPI payment was declined.", detail);
        problem.Extensions["payment_id"] = payment.Id;
        problem.Extensions["decline_code"] = payment.DeclineReason;
        return PaymentResponses.Problem(problem);
    }

    /// <summary>A payment read from the store, with its UPI handle when it has no card.</summary>
    public async Task<Payment> WithUpiHandleAsync(Payment payment, CancellationToken cancellationToken) =>
        payment.Card is null && payment.UpiHandle is null && await upiHandles.FindAsync(payment.Id, cancellationToken) is { } handle
            ? payment with { UpiHandle = handle }
            : payment;

    private async Task<StoredResponse> CurrentAsync(string id, Func<Payment, StoredResponse> response, CancellationToken cancellationToken) =>
        response((await store.FindAsync(id, cancellationToken))!);

    private static List<OutboxEvent> AuthorizedEvents(Payment p, bool review, IReadOnlyList<string> reasons)
    {
        List<OutboxEvent> events = [Event(EventTypes.PaymentAuthorized, p, new { Object = p.ToResponse() })];
        if (review)
        {
            events.Add(Event(EventTypes.PaymentReview, p, new { Object = p.ToResponse(), Reasons = reasons }));
        }
        return events;
    }

    public static StoredResponse NotCapturable(Payment payment, string? why = null) =>
        PaymentResponses.Problem(StatusCodes.Status409Conflict, "payment_not_capturable", "The payment cannot be captured.",
            why ?? $"Only a payment in requires_capture can be captured; this one is {payment.Status}.", payment);

    private static OutboxEvent CanceledEvent(Payment p) =>
        Event(EventTypes.PaymentCanceled, p, new { Object = p.ToResponse(), Reason = p.CancellationReason });

    private static OutboxEvent Event(string type, Payment payment, object payload) =>
        new(Ids.New("evt"), type, payment.MerchantId, payload, Activity.Current?.Id);
}
