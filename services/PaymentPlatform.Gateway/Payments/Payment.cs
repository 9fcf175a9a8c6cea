namespace PaymentPlatform.Gateway.Payments;

/// <summary>A row of <c>payments</c>; never returned from the API as it is.</summary>
internal sealed record Payment(
    string Id,
    string MerchantId,
    long Amount,
    string Currency,
    string Status,
    string CaptureMethod,
    bool Review,
    IReadOnlyList<string> ReviewReasons,
    double? RiskScore,
    string? DeclineReason,
    string? IdempotencyKey,
    DateTimeOffset CreatedAt,
    long AmountCaptured = 0,
    long Fee = 0,
    long AmountRefunded = 0,
    long AmountRefundPending = 0,
    string? CancellationReason = null)
{
    public PaymentResponse ToResponse() => new(
        Id, "payment", Status, Amount, Currency, MerchantId, CaptureMethod, Review, ReviewReasons, DeclineReason, CreatedAt.ToUnixTimeSeconds(),
        AmountCaptured, Fee, AmountRefunded, CancellationReason);

    /// <summary>What may still be refunded: captured, less refunds done and refunds in flight.</summary>
    public long Refundable => AmountCaptured - AmountRefunded - AmountRefundPending;

    /// <summary>Whether a retried request with the same Idempotency-Key asked for the same payment.</summary>
    public bool SameRequestAs(Payment other) =>
        MerchantId == other.MerchantId && Amount == other.Amount && Currency == other.Currency && CaptureMethod == other.CaptureMethod;
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
    string? IdempotencyKey,
    DateTimeOffset CreatedAt)
{
    public RefundResponse ToResponse() => new(Id, "refund", Amount, Currency, PaymentId, MerchantId, Status, CreatedAt.ToUnixTimeSeconds());
}
