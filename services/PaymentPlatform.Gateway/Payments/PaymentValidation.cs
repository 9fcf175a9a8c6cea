using System.Text.RegularExpressions;

namespace PaymentPlatform.Gateway.Payments;

/// <summary>A request that passed validation, normalised (currency lowercase, card reduced to BIN and last4).</summary>
internal sealed record ValidPayment(string MerchantId, long Amount, string Currency, string CaptureMethod, string? CardBin, string? CardLast4);

/// <summary>Checks a <see cref="CreatePaymentRequest"/>; a pure function, so every rule is testable without a host.</summary>
internal static partial class PaymentValidation
{
    /// <summary>Stripe's limit for two-decimal currencies: eight digits of minor units.</summary>
    public const long MaxAmount = 99_999_999;

    public const int MaxIdempotencyKeyLength = 255;

    /// <summary>Currencies with a ledger today; adding one is a configuration of the ledger, not a code change here.</summary>
    public static readonly IReadOnlySet<string> Currencies = new HashSet<string>(StringComparer.Ordinal) { "usd", "eur", "gbp", "inr" };

    public static (ValidPayment? Payment, string? Error) Validate(CreatePaymentRequest? request)
    {
        if (request is null)
        {
            return (null, "The body must be a JSON object.");
        }
        if (request.MerchantId is null || !MerchantIdPattern().IsMatch(request.MerchantId))
        {
            return (null, "merchant_id is required and looks like mer_ followed by 1 to 64 letters or digits.");
        }
        if (request.Amount is not { } amount || amount < 1 || amount > MaxAmount)
        {
            return (null, $"amount is required: a whole number of minor units from 1 to {MaxAmount}.");
        }
        var currency = request.Currency?.ToLowerInvariant();
        if (currency is null || !Currencies.Contains(currency))
        {
            return (null, $"currency is required and is one of: {string.Join(", ", Currencies)}.");
        }
        var captureMethod = request.CaptureMethod ?? "automatic";
        if (captureMethod is not ("manual" or "automatic"))
        {
            return (null, "capture_method is manual or automatic.");
        }

        string? bin = null, last4 = null;
        if (request.PaymentMethodData is { } method)
        {
            if (method.Type != "card" || method.Card?.Number is not { } number)
            {
                return (null, "payment_method_data has type card and a card.number.");
            }
            number = number.Replace(" ", "", StringComparison.Ordinal);
            if (!CardNumberPattern().IsMatch(number) || !PassesLuhn(number))
            {
                return (null, "payment_method_data.card.number is not a valid card number.");
            }
            if (method.Card.ExpMonth is { } month && month is < 1 or > 12)
            {
                return (null, "payment_method_data.card.exp_month is from 1 to 12.");
            }
            bin = number[..6];
            last4 = number[^4..];
        }
        return (new ValidPayment(request.MerchantId, amount, currency, captureMethod, bin, last4), null);
    }

    public static string? ValidateIdempotencyKey(string? key) =>
        key is null || (key.Length is > 0 and <= MaxIdempotencyKeyLength && key.All(c => c is >= ' ' and <= '~'))
            ? null
            : $"Idempotency-Key is 1 to {MaxIdempotencyKeyLength} printable ASCII characters.";

    public static bool PassesLuhn(string digits)
    {
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var d = digits[digits.Length - 1 - i] - '0';
            if (i % 2 == 1)
            {
                d = d * 2 > 9 ? d * 2 - 9 : d * 2;
            }
            sum += d;
        }
        return sum % 10 == 0;
    }

    public static bool IsMerchantId(string? merchantId) => merchantId is not null && MerchantIdPattern().IsMatch(merchantId);

    [GeneratedRegex("^mer_[A-Za-z0-9]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex MerchantIdPattern();

    [GeneratedRegex("^[0-9]{12,19}$", RegexOptions.CultureInvariant)]
    private static partial Regex CardNumberPattern();
}
