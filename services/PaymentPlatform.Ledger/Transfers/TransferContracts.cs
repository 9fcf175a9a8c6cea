using System.Text.Json.Serialization;
using PaymentPlatform.ServiceDefaults.Http;

namespace PaymentPlatform.Ledger.Transfers;

public sealed record CreateTransferRequest(
    string? Id, string? DebitAccountId, string? CreditAccountId, long? Amount, string? Ledger, bool? Pending, int? TimeoutSeconds)
{
    /// <summary>A hold never outlives this (the gateway's own expiry plus a grace period fits well within it).</summary>
    public const int MaxTimeoutSeconds = 60 * 24 * 3600;

    internal FieldErrors Validate()
    {
        var errors = new FieldErrors();
        LedgerRules.RequireId(errors, "id", Id);
        LedgerRules.RequireId(errors, "debit_account_id", DebitAccountId);
        LedgerRules.RequireId(errors, "credit_account_id", CreditAccountId);
        if (DebitAccountId is not null && DebitAccountId == CreditAccountId)
        {
            errors.Add("credit_account_id", "must differ from debit_account_id.");
        }
        if (Amount is null)
        {
            errors.Add("amount", "is required.");
        }
        else if (Amount <= 0)
        {
            errors.Add("amount", "must be a positive number of minor units.");
        }
        LedgerRules.RequireLedger(errors, "ledger", Ledger);
        if (TimeoutSeconds is not null)
        {
            if (Pending != true)
            {
                errors.Add("timeout_seconds", "applies only to a pending transfer.");
            }
            else if (TimeoutSeconds is <= 0 or > MaxTimeoutSeconds)
            {
                errors.Add("timeout_seconds", $"must be between 1 and {MaxTimeoutSeconds}.");
            }
        }
        return errors;
    }
}

public sealed record ResolveTransferRequest(long? Amount);

/// <summary>
/// An immutable transfer. <c>kind</c>: <c>single_phase</c>, <c>pending</c> (a hold),
/// <c>post_pending</c> or <c>void_pending</c> (a hold's resolution; <c>pending_id</c> names the hold).
/// </summary>
public sealed record TransferResponse(
    string Id,
    string DebitAccountId,
    string CreditAccountId,
    long Amount,
    string Ledger,
    bool Pending,
    string Kind,
    string? PendingId,
    int? TimeoutSeconds,
    DateTimeOffset? TimeoutAt,
    DateTimeOffset CreatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Result = null);

/// <summary>One item of a batch: <c>result</c> is <c>created</c>, <c>exists</c> or the problem code.</summary>
public sealed record BatchItemResult(int Index, string? Id, string Result, int Status, TransferResponse? Transfer, string? Detail);

public sealed record BatchResponse(IReadOnlyList<BatchItemResult> Results);

public sealed record TransferPage(IReadOnlyList<TransferResponse> Data, bool HasMore, string? NextCursor);
