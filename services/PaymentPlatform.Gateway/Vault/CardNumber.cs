namespace PaymentPlatform.Gateway.Vault;

/// <summary>Why a card number was refused; <see cref="None"/> when it is acceptable.</summary>
public enum CardNumberError
{
    None,
    Empty,
    InvalidCharacters,
    InvalidLength,
    FailsLuhn,
}

/// <summary>
/// Pure checks on a primary account number (PAN): normalisation, length, the Luhn check digit
/// (catches typos, not a security control), brand, BIN and last4. Nothing here logs or keeps the PAN.
/// </summary>
public static class CardNumber
{
    public const int MinLength = 8;
    public const int MaxLength = 19;

    /// <summary>
    /// Strips spaces and dashes and checks 8-19 digits and Luhn. <paramref name="normalized"/> is
    /// the digits only, or empty when the answer is not <see cref="CardNumberError.None"/>.
    /// </summary>
    public static CardNumberError Validate(string? input, out string normalized)
    {
        normalized = string.Empty;
        if (string.IsNullOrWhiteSpace(input))
        {
            return CardNumberError.Empty;
        }
        Span<char> digits = stackalloc char[MaxLength];
        var count = 0;
        foreach (var c in input)
        {
            if (c is ' ' or '-')
            {
                continue;
            }
            if (c is < '0' or > '9')
            {
                return CardNumberError.InvalidCharacters;
            }
            if (count == MaxLength)
            {
                return CardNumberError.InvalidLength;
            }
            digits[count++] = c;
        }
        if (count < MinLength)
        {
            return count == 0 ? CardNumberError.Empty : CardNumberError.InvalidLength;
        }
        if (!PassesLuhn(digits[..count]))
        {
            return CardNumberError.FailsLuhn;
        }
        normalized = new string(digits[..count]);
        return CardNumberError.None;
    }

    /// <summary>True when <paramref name="input"/> is an acceptable card number.</summary>
    public static bool IsValid(string? input) => Validate(input, out _) == CardNumberError.None;

    /// <summary>The Luhn (mod 10) check over ASCII digits; false for anything that is not a digit.</summary>
    public static bool PassesLuhn(ReadOnlySpan<char> digits)
    {
        if (digits.IsEmpty)
        {
            return false;
        }
        var sum = 0;
        var doubleIt = false;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            var d = digits[i] - '0';
            if ((uint)d > 9)
            {
                return false;
            }
            if (doubleIt)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }
            sum += d;
            doubleIt = !doubleIt;
        }
        return sum % 10 == 0;
    }

    /// <summary>
    /// The brand from the leading digits of a normalised PAN: visa, mastercard, amex, discover or
    /// unknown. Length is not part of the decision (issuers' lengths change; Luhn already ran).
    /// </summary>
    public static string Brand(string normalized)
    {
        ArgumentNullException.ThrowIfNull(normalized);
        if (normalized.Length < 6)
        {
            return CardBrands.Unknown;
        }
        var p2 = Prefix(normalized, 2);
        var p3 = Prefix(normalized, 3);
        var p4 = Prefix(normalized, 4);
        var p6 = Prefix(normalized, 6);
        return normalized[0] switch
        {
            '4' => CardBrands.Visa,
            _ when p2 is 34 or 37 => CardBrands.Amex,
            _ when p2 is >= 51 and <= 55 || p4 is >= 2221 and <= 2720 => CardBrands.Mastercard,
            _ when p4 == 6011 || p3 is >= 644 and <= 649 || p2 == 65 || p6 is >= 622126 and <= 622925 => CardBrands.Discover,
            _ => CardBrands.Unknown,
        };
    }

    /// <summary>
    /// The BIN: the first 6 digits of PANs of 14 digits or more. Shorter PANs give only
    /// <c>length - 8</c> leading digits, so BIN and last4 together always leave at least 4 digits hidden.
    /// </summary>
    public static string Bin(string normalized)
    {
        ArgumentNullException.ThrowIfNull(normalized);
        var length = Math.Clamp(normalized.Length - 8, 0, 6);
        return normalized[..length];
    }

    /// <summary>The last 4 digits.</summary>
    public static string Last4(string normalized)
    {
        ArgumentNullException.ThrowIfNull(normalized);
        if (normalized.Length < 4)
        {
            throw new ArgumentException("A card number has at least 4 digits.", nameof(normalized));
        }
        return normalized[^4..];
    }

    private static int Prefix(string digits, int length)
    {
        var value = 0;
        for (var i = 0; i < length; i++)
        {
            value = (value * 10) + (digits[i] - '0');
        }
        return value;
    }
}

/// <summary>The brand names the vault answers (lower case, as on the API).</summary>
public static class CardBrands
{
    public const string Visa = "visa";
    public const string Mastercard = "mastercard";
    public const string Amex = "amex";
    public const string Discover = "discover";
    public const string Unknown = "unknown";
}
