using Microsoft.AspNetCore.Http.HttpResults;
using PaymentPlatform.Gateway.Handles;
using PaymentPlatform.Gateway.Infrastructure;
using PaymentPlatform.Gateway.Vault;
using PaymentPlatform.ServiceDefaults;
using PaymentPlatform.ServiceDefaults.Http;

namespace PaymentPlatform.Gateway.Payments;

/// <summary>A card as the request gave it: it goes to the vault and nowhere else.</summary>
internal sealed record ValidCard(string Number, int ExpMonth, int ExpYear);

/// <summary>
/// A request that passed validation, normalised (currency lowercase, card number digits only, handle lowercase):
/// exactly one of <paramref name="Card"/> and <paramref name="UpiHandle"/>.
/// </summary>
internal sealed record ValidPayment(
    long Amount, string Currency, string CaptureMethod, ValidCard? Card, string? Description, IReadOnlyDictionary<string, string> Metadata,
    string? UpiHandle = null);

/// <summary>Checks a <see cref="CreatePaymentRequest"/>; pure, so every rule is testable without a host.</summary>
internal static class PaymentValidation
{
    /// <summary>Stripe's limit: eight digits of minor units, whatever the currency's exponent.</summary>
    public const long MaxAmount = 99_999_999;

    public const int MaxIdempotencyKeyLength = 255;
    public const int MaxDescriptionLength = 1000;
    public const int MaxMetadataKeys = 50;
    public const int MaxMetadataKeyLength = 40;
    public const int MaxMetadataValueLength = 500;

    /// <summary>UPI moves Indian rupees only.</summary>
    public const string UpiCurrency = "inr";

    public static (ValidPayment? Payment, ProblemHttpResult? Problem) Validate(CreatePaymentRequest request, TimeProvider time)
    {
        var errors = new FieldErrors();
        if (request.Amount is not { } amount)
        {
            errors.Add("amount", "is required: a whole number of minor units.");
        }
        else if (amount < 1)
        {
            errors.Add("amount", "must be at least 1 minor unit.");
        }
        else if (amount > MaxAmount)
        {
            return (null, Problems.BadRequest("amount_too_large", $"amount is at most {MaxAmount} minor units."));
        }

        var currency = request.Currency?.ToLowerInvariant();
        if (currency is null || !Currencies.IsValid(currency))
        {
            errors.Add("currency", "is required: an ISO 4217 currency code such as usd, eur or jpy.");
        }
        var captureMethod = request.CaptureMethod ?? "automatic";
        if (captureMethod is not ("manual" or "automatic"))
        {
            errors.Add("capture_method", "is manual or automatic.");
        }
        if (request.Description is { Length: > MaxDescriptionLength })
        {
            errors.Add("description", $"is at most {MaxDescriptionLength} characters.");
        }
        ValidateMetadata(request.Metadata, errors);

        ValidCard? card = null;
        string? handle = null;
        switch (request.PaymentMethod)
        {
            case null:
                errors.Add("payment_method", "is required: {\"type\": \"card\", \"card\": {\"number\", \"exp_month\", \"exp_year\", \"cvc\"}}.");
                break;
            case { Type: "upi" } when currency is not null && currency != UpiCurrency:
                return (null, Problems.BadRequest("payment_method_not_enabled",
                    $"UPI payments are in inr only; this payment is in {currency}. Use type card."));
            case { Type: "upi", Upi: { } upi }:
                if (HandleSyntax.Normalize(upi.Handle) is { } normalized)
                {
                    handle = normalized;
                }
                else
                {
                    errors.Add("payment_method.upi.handle", string.IsNullOrEmpty(upi.Handle) ? "is required." : HandleSyntax.Rule);
                }
                if (captureMethod == "manual")
                {
                    // A UPI collect debits the payer at once: there is no authorization to capture later.
                    errors.Add("capture_method", "is automatic for UPI payments.");
                }
                break;
            case { Type: "upi" }:
                errors.Add("payment_method.upi", "is required for type upi: {\"handle\": \"name@psp\"}.");
                break;
            case { Type: "card", Card: { } given }:
                card = ValidateCard(given, time, errors);
                break;
            case { Type: "card" }:
                errors.Add("payment_method.card", "is required for type card.");
                break;
            default:
                errors.Add("payment_method.type", "is card or upi.");
                break;
        }

        if (errors.Problem() is { } problem)
        {
            return (null, problem);
        }
        return (new ValidPayment(request.Amount!.Value, currency!, captureMethod, card, request.Description,
            request.Metadata ?? new Dictionary<string, string>(), handle), null);
    }

    public static string? ValidateIdempotencyKey(string? key) =>
        key is null || (key.Length is > 0 and <= MaxIdempotencyKeyLength && key.All(c => c is >= ' ' and <= '~'))
            ? null
            : $"Idempotency-Key is 1 to {MaxIdempotencyKeyLength} printable ASCII characters.";

    private static ValidCard? ValidateCard(CardData card, TimeProvider time, FieldErrors errors)
    {
        var valid = true;
        if (CardNumber.Validate(card.Number, out var number) != CardNumberError.None)
        {
            // The number itself is never echoed back.
            errors.Add("payment_method.card.number", "is not a valid card number (8 to 19 digits passing the Luhn check).");
            valid = false;
        }
        if (card.ExpMonth is not (>= 1 and <= 12))
        {
            errors.Add("payment_method.card.exp_month", "is required: 1 to 12.");
            valid = false;
        }
        if (card.ExpYear is not (>= 2000 and <= 2100))
        {
            errors.Add("payment_method.card.exp_year", "is required: a four-digit year.");
            valid = false;
        }
        if (card.Cvc is { } cvc && (cvc.Length is < 3 or > 4 || !cvc.All(char.IsAsciiDigit)))
        {
            errors.Add("payment_method.card.cvc", "is 3 or 4 digits.");
            valid = false;
        }
        if (!valid)
        {
            return null;
        }
        var today = time.GetUtcNow();
        if (card.ExpYear < today.Year || (card.ExpYear == today.Year && card.ExpMonth < today.Month))
        {
            errors.Add("payment_method.card", "has expired.");
            return null;
        }
        return new ValidCard(number, card.ExpMonth!.Value, card.ExpYear!.Value);
    }

    private static void ValidateMetadata(Dictionary<string, string>? metadata, FieldErrors errors)
    {
        if (metadata is null)
        {
            return;
        }
        if (metadata.Count > MaxMetadataKeys)
        {
            errors.Add("metadata", $"has at most {MaxMetadataKeys} keys.");
        }
        foreach (var (key, value) in metadata)
        {
            if (key.Length is 0 or > MaxMetadataKeyLength || value is null || value.Length > MaxMetadataValueLength)
            {
                errors.Add("metadata", $"keys are 1 to {MaxMetadataKeyLength} characters and values strings of at most {MaxMetadataValueLength}.");
                return;
            }
        }
    }
}
