namespace PaymentPlatform.Gateway.Payments;

/// <summary>The card as the vault describes it: a token and what may be shown, never the PAN.</summary>
internal sealed record PaymentCard(string Token, string Brand, string Bin, string Last4, int ExpMonth, int ExpYear, string Fingerprint);

/// <summary>A capture or cancel asked of the ledger and not yet recorded (a recovery point the completer can finish).</summary>
internal sealed record PendingAction(string Action, long? Amount, long? Fee, string? Reason)
{
    public const string Capture = "capture";
    public const string Cancel = "cancel";
}

/// <summary>A row of <c>payments</c>; never returned from the API as it is.</summary>
internal sealed record Payment(
    string Id,
    string MerchantId,
    bool Livemode,
    long Amount,
    string Currency,
    string Status,
    string CaptureMethod,
    PaymentCard? Card,
    string? Description,
    IReadOnlyDictionary<string, string> Metadata,
    string? IdempotencyKey,
    DateTimeOffset CreatedAt)
{
    public bool Review { get; init; }

    public IReadOnlyList<string> ReviewReasons { get; init; } = [];

    public double? RiskScore { get; init; }

    public string? DeclineReason { get; init; }

    public long AmountCaptured { get; init; }

    public long Fee { get; init; }

    public long AmountRefunded { get; init; }

    public long AmountRefundPending { get; init; }

    public string? CancellationReason { get; init; }

    public DateTimeOffset? ExpiresAt { get; init; }

    public PendingAction? Pending { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>A UPI payment's handle (kept in <c>payment_upi</c>, beside the row); null for a card payment.</summary>
    public string? UpiHandle { get; init; }

    public bool IsUpi => Card is null && UpiHandle is not null;

    public PaymentResponse ToResponse() => new(
        Id, "payment", Status, Amount, Currency, Livemode, CaptureMethod,
        Card is { } card ? new PaymentMethodResponse("card", new CardResponse(card.Brand, card.Last4, card.ExpMonth, card.ExpYear, card.Fingerprint))
            : UpiHandle is { } handle ? new PaymentMethodResponse("upi", null, new UpiResponse(handle))
            : null,
        Review, ReviewReasons, DeclineReason, AmountCaptured, Fee, AmountRefunded, CancellationReason, Description, Metadata,
        CreatedAt.ToUnixTimeSeconds(), ExpiresAt?.ToUnixTimeSeconds());

    /// <summary>What may still be refunded: captured, less refunds done and refunds in flight.</summary>
    public long Refundable => AmountCaptured - AmountRefunded - AmountRefundPending;
}

/// <summary>An outbox row: written in the payment's transaction, relayed to the stream later.</summary>
internal sealed record OutboxEvent(string Id, string Type, string MerchantId, object Payload, string? Traceparent);

/// <summary>A row of <c>refunds</c>.</summary>
internal sealed record Refund(
    string Id,
    string PaymentId,
    string MerchantId,
    long Amount,
    string Currency,
    string Status,
    string? Reason,
    string? IdempotencyKey,
    DateTimeOffset CreatedAt)
{
    public RefundResponse ToResponse() => new(Id, "refund", Amount, Currency, PaymentId, Status, Reason, CreatedAt.ToUnixTimeSeconds());
}
