using System.Text.RegularExpressions;
using PaymentPlatform.ServiceDefaults.Http;

namespace PaymentPlatform.Risk.Scoring;

/// <summary>
/// What the gateway sends for a payment or a handle validation. The card arrives as its
/// fingerprint, BIN and last 4, never the PAN. <c>ip</c>, the countries (ISO 3166 alpha-2) and
/// <c>device_id</c> are optional. <c>now</c> (Unix ms) is accepted only under test configuration
/// (<c>Risk:Velocity:AllowCallerTime</c>), so tests can drive window edges.
/// </summary>
public sealed partial record ScoreRequest(
    string? ScoreId,
    string? MerchantId,
    long? Amount,
    string? Currency,
    string? CardFingerprint,
    string? CardBin,
    string? CardLast4,
    string? Handle,
    bool? TestMode,
    string? Ip = null,
    string? CardCountry = null,
    string? IpCountry = null,
    string? DeviceId = null,
    long? Now = null)
{
    internal FieldErrors Validate(bool allowCallerTime)
    {
        var errors = new FieldErrors();
        RequireId(errors, "score_id", ScoreId);
        RequireId(errors, "merchant_id", MerchantId);
        if (Amount is null)
        {
            errors.Add("amount", "is required.");
        }
        else if (Amount < 0)
        {
            errors.Add("amount", "must be zero or more minor units.");
        }
        if (string.IsNullOrEmpty(Currency))
        {
            errors.Add("currency", "is required.");
        }
        else if (!CurrencyPattern().IsMatch(Currency))
        {
            errors.Add("currency", "must be a lowercase ISO 4217 currency code, e.g. usd.");
        }
        if (CardFingerprint is { Length: 0 or > 256 })
        {
            errors.Add("card_fingerprint", "must be 1-256 characters.");
        }
        if (CardBin is not null && !BinPattern().IsMatch(CardBin))
        {
            errors.Add("card_bin", "must be the card's first 6 (or 8) digits.");
        }
        if (CardLast4 is not null && !Last4Pattern().IsMatch(CardLast4))
        {
            errors.Add("card_last4", "must be 4 digits.");
        }
        if (Handle is not null && (Handle.Length is 0 or > 256 || !Handle.Contains('@', StringComparison.Ordinal)))
        {
            errors.Add("handle", "must be a payment handle such as name@bank.");
        }
        if (Ip is not null && !System.Net.IPAddress.TryParse(Ip, out _))
        {
            errors.Add("ip", "must be an IPv4 or IPv6 address.");
        }
        if (CardCountry is not null && !CountryPattern().IsMatch(CardCountry))
        {
            errors.Add("card_country", "must be an ISO 3166 alpha-2 country code, e.g. US.");
        }
        if (IpCountry is not null && !CountryPattern().IsMatch(IpCountry))
        {
            errors.Add("ip_country", "must be an ISO 3166 alpha-2 country code, e.g. US.");
        }
        if (DeviceId is { Length: 0 or > 256 })
        {
            errors.Add("device_id", "must be 1-256 characters.");
        }
        if (Now is not null && !allowCallerTime)
        {
            errors.Add("now", "is accepted only under test configuration (Risk:Velocity:AllowCallerTime); risk uses Redis server time.");
        }
        else if (Now is <= 0)
        {
            errors.Add("now", "must be a positive Unix time in milliseconds.");
        }
        return errors;
    }

    private static void RequireId(FieldErrors errors, string field, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            errors.Add(field, "is required.");
        }
        else if (value.Length > 128)
        {
            errors.Add(field, "must be at most 128 characters.");
        }
    }

    [GeneratedRegex("^[a-z]{3}$", RegexOptions.CultureInvariant)]
    private static partial Regex CurrencyPattern();

    [GeneratedRegex("^([0-9]{6}|[0-9]{8})$", RegexOptions.CultureInvariant)]
    private static partial Regex BinPattern();

    [GeneratedRegex("^[0-9]{4}$", RegexOptions.CultureInvariant)]
    private static partial Regex Last4Pattern();

    [GeneratedRegex("^[A-Za-z]{2}$", RegexOptions.CultureInvariant)]
    private static partial Regex CountryPattern();
}

/// <summary>
/// <c>score</c> 0-100 (Radar's scale: below 65 allow, 65-74 review, 75 and up block), the
/// decision, and the stable codes of the reasons that fired (<c>reasons</c>, what the gateway
/// reads), each explained in <c>reason_details</c>; <c>model_score</c> is the model's own score.
/// </summary>
public sealed record ScoreResponse(
    string ScoreId, int Score, string Decision, IReadOnlyList<string> Reasons, IReadOnlyList<ReasonDetail> ReasonDetails, int ModelScore);

/// <summary>A reason that fired: its stable code, what it asked for (allow, review or block), and why.</summary>
public sealed record ReasonDetail(string Code, string Action, string Detail);

public static class Decisions
{
    public const string Allow = "allow";
    public const string Review = "review";
    public const string Block = "block";
}
