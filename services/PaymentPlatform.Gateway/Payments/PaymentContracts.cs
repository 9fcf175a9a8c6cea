namespace PaymentPlatform.Gateway.Payments;

/// <summary>
/// <c>POST /v1/payments</c>. Minimal for now: the merchant is named in the body because
/// merchants and API keys arrive in "Gateway, part 1", which takes the merchant (and test
/// or live mode) from the API key instead.
/// </summary>
public sealed record CreatePaymentRequest(
    string? MerchantId,
    long? Amount,
    string? Currency,
    string? CaptureMethod,
    PaymentMethodData? PaymentMethodData);

/// <summary>Stripe's <c>payment_method_data</c>; only <c>card</c> for now. The PAN and CVC are never stored.</summary>
public sealed record PaymentMethodData(string? Type, CardData? Card);

public sealed record CardData(string? Number, int? ExpMonth, int? ExpYear, string? Cvc);

/// <summary>The public payment object.</summary>
public sealed record PaymentResponse(
    string Id,
    string Object,
    string Status,
    long Amount,
    string Currency,
    string MerchantId,
    string CaptureMethod,
    bool Review,
    IReadOnlyList<string> ReviewReasons,
    string? DeclineReason,
    long Created,
    long AmountCaptured = 0,
    long Fee = 0,
    long AmountRefunded = 0,
    string? CancellationReason = null);

/// <summary><c>POST /v1/payments/{id}/capture</c>: the merchant (until API keys) and an optional partial amount.</summary>
public sealed record CapturePaymentRequest(string? MerchantId, long? AmountToCapture);

/// <summary><c>POST /v1/payments/{id}/cancel</c>: the merchant (until API keys).</summary>
public sealed record CancelPaymentRequest(string? MerchantId);

/// <summary><c>POST /v1/refunds</c>: the payment, and an amount (default: all that is still refundable).</summary>
public sealed record CreateRefundRequest(string? MerchantId, string? Payment, long? Amount);

/// <summary>The public refund object.</summary>
public sealed record RefundResponse(
    string Id,
    string Object,
    long Amount,
    string Currency,
    string Payment,
    string MerchantId,
    string Status,
    long Created);

/// <summary>Refund statuses: <c>pending</c> only while the ledger has not answered.</summary>
internal static class RefundStatus
{
    public const string Pending = "pending";
    public const string Succeeded = "succeeded";
}

/// <summary>Payment statuses (contracts.md, "Payments: states and test instruments").</summary>
internal static class PaymentStatus
{
    public const string RequiresCapture = "requires_capture";
    public const string Declined = "declined";
    public const string Succeeded = "succeeded";
    public const string PartiallyRefunded = "partially_refunded";
    public const string Refunded = "refunded";
    public const string Canceled = "canceled";
}

/// <summary>The closed list of event types (contracts.md, "Event types").</summary>
internal static class EventTypes
{
    public const string PaymentAuthorized = "payment.authorized";
    public const string PaymentCaptured = "payment.captured";
    public const string PaymentCanceled = "payment.canceled";
    public const string PaymentDeclined = "payment.declined";
    public const string PaymentReview = "payment.review";
    public const string RefundSucceeded = "refund.succeeded";
}
