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
    long Created);

/// <summary>Payment statuses (contracts.md, "Payments: states and test instruments").</summary>
internal static class PaymentStatus
{
    public const string RequiresCapture = "requires_capture";
    public const string Declined = "declined";
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
