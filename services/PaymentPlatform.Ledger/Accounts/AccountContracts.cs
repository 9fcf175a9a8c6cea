using System.Text.Json.Serialization;
using PaymentPlatform.ServiceDefaults.Http;

namespace PaymentPlatform.Ledger.Accounts;

public sealed record AccountFlags(bool DebitsMustNotExceedCredits = false, bool CreditsMustNotExceedDebits = false);

public sealed record CreateAccountRequest(string? Id, string? Ledger, string? Code, AccountFlags? Flags)
{
    internal FieldErrors Validate()
    {
        var errors = new FieldErrors();
        LedgerRules.RequireId(errors, "id", Id);
        LedgerRules.RequireLedger(errors, "ledger", Ledger);
        if (string.IsNullOrEmpty(Code))
        {
            errors.Add("code", "is required.");
        }
        else if (!LedgerRules.Code().IsMatch(Code))
        {
            errors.Add("code", "must be snake_case, e.g. merchant_available.");
        }
        if (Flags is { DebitsMustNotExceedCredits: true, CreditsMustNotExceedDebits: true })
        {
            errors.Add("flags", "debits_must_not_exceed_credits and credits_must_not_exceed_debits exclude each other.");
        }
        return errors;
    }
}

/// <summary>An account with its four balances (TigerBeetle's model).</summary>
public sealed record AccountResponse(
    string Id,
    string Ledger,
    string Code,
    AccountFlags Flags,
    long DebitsPending,
    long DebitsPosted,
    long CreditsPending,
    long CreditsPosted,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Result = null);
