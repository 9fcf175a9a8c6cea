using PaymentPlatform.Ledger.Transfers;
using PaymentPlatform.ServiceDefaults.Http;

namespace PaymentPlatform.Ledger.Payments;

/// <summary>Capture of <c>amount</c> (at most the hold) with the <c>fee</c> the gateway computed (0 when absent).</summary>
public sealed record CaptureRequest(long? Amount, long? Fee)
{
    internal FieldErrors Validate()
    {
        var errors = new FieldErrors();
        if (Amount is null)
        {
            errors.Add("amount", "is required.");
        }
        else if (Amount <= 0)
        {
            errors.Add("amount", "must be a positive number of minor units; to release the whole hold, cancel.");
        }
        if (Fee is < 0)
        {
            errors.Add("fee", "must not be negative.");
        }
        else if (Fee > Amount)
        {
            errors.Add("fee", "must not exceed amount.");
        }
        return errors;
    }
}

/// <summary>A refund of <c>amount</c>, identified by the gateway's <c>refund_id</c> (the transfer is <c>{refund_id}:refund</c>).</summary>
public sealed record RefundRequest(string? RefundId, long? Amount)
{
    internal FieldErrors Validate()
    {
        var errors = new FieldErrors();
        LedgerRules.RequireId(errors, "refund_id", RefundId);
        if (Amount is null)
        {
            errors.Add("amount", "is required.");
        }
        else if (Amount <= 0)
        {
            errors.Add("amount", "must be a positive number of minor units.");
        }
        return errors;
    }
}

/// <summary>
/// The transfers a payment operation made, in order. <c>result</c>: <c>created</c> (201) when any was new,
/// <c>exists</c> (200) when a retry found them all.
/// </summary>
public sealed record PostingResponse(string PaymentId, string Result, IReadOnlyList<TransferResponse> Transfers);
