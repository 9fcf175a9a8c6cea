using System.Text.RegularExpressions;
using PaymentPlatform.ServiceDefaults.Http;

namespace PaymentPlatform.Ledger;

/// <summary>The syntax every id, ledger and code follows.</summary>
internal static partial class LedgerRules
{
    public const int MaxIdLength = 128;

    /// <summary>Ids are chosen by the caller (derived from the payment id and the operation), e.g. <c>pay_1:auth</c>.</summary>
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_:.\\-]{0,127}$", RegexOptions.CultureInvariant)]
    public static partial Regex Id();

    /// <summary>A ledger is a currency: lowercase ISO 4217.</summary>
    [GeneratedRegex("^[a-z]{3}$", RegexOptions.CultureInvariant)]
    public static partial Regex Ledger();

    [GeneratedRegex("^[a-z][a-z0-9_]{0,63}$", RegexOptions.CultureInvariant)]
    public static partial Regex Code();

    public static void RequireId(FieldErrors errors, string field, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            errors.Add(field, "is required.");
        }
        else if (!Id().IsMatch(value))
        {
            errors.Add(field, $"must be 1-{MaxIdLength} characters of letters, digits, '_', ':', '.' or '-'.");
        }
    }

    public static void RequireLedger(FieldErrors errors, string field, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            errors.Add(field, "is required.");
        }
        else if (!Ledger().IsMatch(value))
        {
            errors.Add(field, "must be a lowercase ISO 4217 currency code, e.g. usd.");
        }
    }
}

/// <summary>A refusal with its HTTP status and stable problem code.</summary>
internal sealed record LedgerError(int Status, string Code, string Detail)
{
    public static LedgerError NotFound(string code, string detail) => new(StatusCodes.Status404NotFound, code, detail);

    public static LedgerError Conflict(string code, string detail) => new(StatusCodes.Status409Conflict, code, detail);

    public static LedgerError Unprocessable(string code, string detail) => new(StatusCodes.Status422UnprocessableEntity, code, detail);

    public Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult ToProblem() => Status switch
    {
        StatusCodes.Status400BadRequest => RequestBody.Invalid(Detail),
        StatusCodes.Status404NotFound => PaymentPlatform.ServiceDefaults.Problems.NotFound(Code, Detail),
        StatusCodes.Status409Conflict => PaymentPlatform.ServiceDefaults.Problems.Conflict(Code, Detail),
        StatusCodes.Status422UnprocessableEntity => PaymentPlatform.ServiceDefaults.Problems.Unprocessable(Code, Detail),
        _ => PaymentPlatform.ServiceDefaults.Problems.Result(Status, Code, "The request cannot be processed.", Detail),
    };
}
