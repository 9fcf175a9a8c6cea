using System.Text.Json.Serialization;

namespace PaymentPlatform.Gateway.Payments;

/// <summary>
/// <c>POST /v1/payments</c>, in Stripe's shape: the merchant (and test or live mode) comes from the API key.
/// The PAN and CVC go to the vault and the processor only; they are never stored here nor logged.
/// </summary>
public sealed record CreatePaymentRequest(
    long? Amount,
    string? Currency,
    string? CaptureMethod,
    PaymentMethodData? PaymentMethod,
    string? Description,
    Dictionary<string, string>? Metadata);

/// <summary>A payment method: <c>card</c>, or <c>upi</c> (a handle, inr only, automatic capture only).</summary>
public sealed record PaymentMethodData(string? Type, CardData? Card, UpiData? Upi);

public sealed record CardData(string? Number, int? ExpMonth, int? ExpYear, string? Cvc);

public sealed record UpiData(string? Handle);

/// <summary>The public payment object.</summary>
public sealed record PaymentResponse(
    string Id,
    string Object,
    string Status,
    long Amount,
    string Currency,
    bool Livemode,
    string CaptureMethod,
    PaymentMethodResponse? PaymentMethod,
    bool Review,
    IReadOnlyList<string> ReviewReasons,
    string? DeclineReason,
    long AmountCaptured,
    long Fee,
    long AmountRefunded,
    string? CancellationReason,
    string? Description,
    IReadOnlyDictionary<string, string> Metadata,
    long Created,
    long? ExpiresAt);

/// <summary>What a payment shows of its method: never the PAN, only what the vault allows; for UPI, the handle.</summary>
public sealed record PaymentMethodResponse(
    string Type,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] CardResponse? Card,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] UpiResponse? Upi = null);

public sealed record UpiResponse(string Handle);

public sealed record CardResponse(string Brand, string Last4, int ExpMonth, int ExpYear, string Fingerprint);

/// <summary><c>POST /v1/payments/{id}/capture</c>: an optional partial amount (the rest of the hold is released).</summary>
public sealed record CapturePaymentRequest(long? AmountToCapture);

/// <summary><c>POST /v1/payments/{id}/cancel</c>: an optional reason.</summary>
public sealed record CancelPaymentRequest(string? CancellationReason);

/// <summary><c>POST /v1/refunds</c>: the payment, and an amount (default: all that is still refundable).</summary>
public sealed record CreateRefundRequest(string? Payment, long? Amount, string? Reason);

/// <summary>The public refund object.</summary>
public sealed record RefundResponse(
    string Id,
    string Object,
    long Amount,
    string Currency,
    string Payment,
    string Status,
    string? Reason,
    long Created);

/// <summary><c>GET /v1/balance</c>: per currency, what the merchant may pay out and what is still held.</summary>
public sealed record BalanceResponse(string Object, bool Livemode, IReadOnlyList<BalanceAmount> Available, IReadOnlyList<BalanceAmount> Pending);

public sealed record BalanceAmount(long Amount, string Currency);

/// <summary>Refund statuses: <c>pending</c> only while the ledger has not answered.</summary>
internal static class RefundStatus
{
    public const string Pending = "pending";
    public const string Succeeded = "succeeded";
}

/// <summary>Payment statuses (contracts.md, "Payments: states and test instruments").</summary>
internal static class PaymentStatus
{
    public const string Processing = "processing";
    public const string RequiresCapture = "requires_capture";
    public const string Declined = "declined";
    public const string Succeeded = "succeeded";
    public const string PartiallyRefunded = "partially_refunded";
    public const string Refunded = "refunded";
    public const string Canceled = "canceled";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        Processing, RequiresCapture, Declined, Succeeded, PartiallyRefunded, Refunded, Canceled,
    };
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
