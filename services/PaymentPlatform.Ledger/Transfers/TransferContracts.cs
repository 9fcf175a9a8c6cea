using System.Text.Json.Serialization;
using PaymentPlatform.ServiceDefaults.Http;

namespace PaymentPlatform.Ledger.Transfers;

/// <summary>
/// One transfer of <c>POST /v1/transfers</c>. A new transfer names both accounts, the amount and the ledger
/// (<c>pending</c> makes it a hold, optionally with <c>timeout_seconds</c>). A hold's resolution names the hold in
/// <c>pending_id</c> with <c>post_pending</c> (optional <c>amount</c>, at most the hold's) or <c>void_pending</c>.
/// <c>linked</c> links the item to the next one of the batch: a chain succeeds or fails together.
/// </summary>
public sealed record CreateTransferRequest(
    string? Id,
    string? DebitAccountId,
    string? CreditAccountId,
    long? Amount,
    string? Ledger,
    bool? Pending,
    int? TimeoutSeconds,
    bool? Linked = null,
    string? PendingId = null,
    bool? PostPending = null,
    bool? VoidPending = null)
{
    /// <summary>A hold never outlives this (the gateway's own expiry plus a grace period fits well within it).</summary>
    public const int MaxTimeoutSeconds = 60 * 24 * 3600;

    internal bool Resolves => PostPending == true || VoidPending == true;

    internal FieldErrors Validate()
    {
        var errors = new FieldErrors();
        LedgerRules.RequireId(errors, "id", Id);
        if (Resolves)
        {
            ValidateResolution(errors);
            return errors;
        }
        if (PendingId is not null)
        {
            errors.Add("pending_id", "applies only with post_pending or void_pending.");
        }
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

    private void ValidateResolution(FieldErrors errors)
    {
        if (PostPending == true && VoidPending == true)
        {
            errors.Add("void_pending", "excludes post_pending.");
        }
        LedgerRules.RequireId(errors, "pending_id", PendingId);
        // The resolution takes its accounts and ledger from the hold.
        foreach (var (field, present) in new[]
        {
            ("debit_account_id", DebitAccountId is not null), ("credit_account_id", CreditAccountId is not null),
            ("ledger", Ledger is not null), ("pending", Pending == true), ("timeout_seconds", TimeoutSeconds is not null),
        })
        {
            if (present)
            {
                errors.Add(field, "must be absent when resolving a hold; the hold's are used.");
            }
        }
        if (VoidPending == true && Amount is not null)
        {
            errors.Add("amount", "must be absent: a void releases the whole hold.");
        }
        else if (Amount is <= 0)
        {
            errors.Add("amount", "must be a positive number of minor units; omit it to post the whole hold.");
        }
    }

    internal TransferCommand ToCommand() => Resolves
        ? new TransferCommand(Id!, PostPending == true ? TransferKinds.PostPending : TransferKinds.VoidPending, null, null, Amount, null, PendingId, null, Linked == true)
        : new TransferCommand(Id!, Pending == true ? TransferKinds.Pending : TransferKinds.SinglePhase, DebitAccountId, CreditAccountId, Amount, Ledger, null, TimeoutSeconds, Linked == true);
}

public sealed record ResolveTransferRequest(long? Amount);

/// <summary>
/// An immutable transfer. <c>kind</c>: <c>single_phase</c>, <c>pending</c> (a hold), or a hold's resolution
/// <c>post_pending</c>, <c>void_pending</c> or <c>expire_pending</c> (by the ledger's expirer); <c>pending_id</c> names the hold.
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
    bool Linked,
    DateTimeOffset CreatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Result = null);

/// <summary>One item of a batch: <c>result</c> is <c>created</c>, <c>exists</c> or the problem code.</summary>
public sealed record BatchItemResult(int Index, string? Id, string Result, int Status, TransferResponse? Transfer, string? Detail);

public sealed record BatchResponse(IReadOnlyList<BatchItemResult> Results);

public sealed record TransferPage(IReadOnlyList<TransferResponse> Data, bool HasMore, string? NextCursor);

/// <summary>An account's balances as they were at <c>as_of</c>: the sums of its transfers created until then.</summary>
public sealed record BalanceResponse(
    string AccountId, string Ledger, DateTimeOffset AsOf, long DebitsPending, long DebitsPosted, long CreditsPending, long CreditsPosted);
