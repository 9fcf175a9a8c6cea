namespace PaymentPlatform.Load.Scenarios.Payments;

/// <summary>
/// Card numbers for the load: distinct 16-digit PANs on the test BIN 424242 with a valid Luhn
/// check digit (the gateway in test mode treats unknown valid PANs as succeeding), plus the
/// documented decline card.
/// </summary>
public static class TestCards
{
    public const string Bin = "424242";
    public const string Decline = "4000000000000002";

    /// <summary><paramref name="count"/> distinct PANs, spread over the account range from <paramref name="seed"/>.</summary>
    public static IReadOnlyList<string> Generate(int count, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        const long accounts = 1_000_000_000; // nine digits between the BIN and the check digit
        // A stride coprime with 10^9 visits each account number once before repeating.
        const long stride = 387_420_489; // 3^18
        var cards = new string[count];
        var account = (long)(uint)seed % accounts;
        for (var i = 0; i < count; i++)
        {
            var body = Bin + account.ToString("D9", System.Globalization.CultureInfo.InvariantCulture);
            cards[i] = body + CheckDigit(body);
            account = (account + stride) % accounts;
        }
        return cards;
    }

    /// <summary>The Luhn digit that makes <paramref name="body"/> + digit pass the mod-10 check.</summary>
    public static char CheckDigit(string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var sum = 0;
        for (var i = 0; i < body.Length; i++)
        {
            // Doubling starts at the rightmost digit of the body (it sits next to the check digit).
            var digit = body[body.Length - 1 - i] - '0';
            if (i % 2 == 0)
            {
                digit *= 2;
                if (digit > 9)
                {
                    digit -= 9;
                }
            }
            sum += digit;
        }
        return (char)('0' + ((10 - (sum % 10)) % 10));
    }

    public static bool IsLuhnValid(string number)
    {
        ArgumentNullException.ThrowIfNull(number);
        return number.Length >= 2 && number.All(char.IsAsciiDigit) && CheckDigit(number[..^1]) == number[^1];
    }
}
