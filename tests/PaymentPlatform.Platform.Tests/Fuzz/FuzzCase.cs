using System.Globalization;
using System.Text;

namespace PaymentPlatform.Platform.Tests.Fuzz;

/// <summary>What the suite may accept from the gateway for a case.</summary>
internal enum Expectation
{
    /// <summary>The input is invalid (or names nothing of the merchant's): only a 4xx is right.</summary>
    Reject,

    /// <summary>The input is valid as far as the generator knows: a 2xx is allowed (a 4xx too, e.g. a state conflict).</summary>
    MayAccept,
}

/// <summary>One request of the fuzz suite, with everything needed to send it again byte for byte.</summary>
internal sealed record FuzzCase(
    string Endpoint,
    string Category,
    int Index,
    HttpMethod Method,
    string PathAndQuery,
    byte[]? Body,
    Expectation Expect,
    string Note)
{
    /// <summary>The Authorization header's value, or null to send none.</summary>
    public string? Authorization { get; init; }

    /// <summary>Sent as UTF-8 bytes, so a non-ASCII key reaches the server as it would from a careless client.</summary>
    public string? IdempotencyKey { get; init; }

    public string ContentType { get; init; } = "application/json";

    /// <summary>Sent with Transfer-Encoding: chunked, so the server cannot refuse it by Content-Length alone.</summary>
    public bool Chunked { get; init; }

    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>A card number in the body, which no answer may echo.</summary>
    public string? Pan { get; init; }

    public string Describe(int maxBody = 600)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"[{Endpoint} #{Index} {Category}: {Note}; expected {(Expect == Expectation.Reject ? "4xx" : "2xx or 4xx")}]\n");
        text.Append(CultureInfo.InvariantCulture, $"{Method} {PathAndQuery}\n");
        // Keys are this run's test secrets; the log shows their shape, not their value (Note says which key it was).
        text.Append(CultureInfo.InvariantCulture, $"Authorization: {(Authorization is null ? "(none)" : $"{Shorten(Authorization, 15)} ({Authorization.Length} chars)")}\n");
        if (IdempotencyKey is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $"Idempotency-Key: {Shorten(Escape(IdempotencyKey), 120)} ({IdempotencyKey.Length} chars)\n");
        }
        foreach (var (name, value) in Headers)
        {
            text.Append(CultureInfo.InvariantCulture, $"{name}: {Shorten(value, 60)} ({value.Length} chars)\n");
        }
        if (Body is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $"Content-Type: {ContentType}{(Chunked ? " (chunked)" : "")}, {Body.Length} bytes\n");
            text.Append(Shorten(Escape(Encoding.UTF8.GetString(Body)), maxBody));
        }
        return text.ToString();
    }

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..max] + $"...(+{text.Length - max})";

    private static string Escape(string text) =>
        string.Concat(text.Select(c => c is < ' ' or > '~' ? $"\\u{(int)c:x4}" : c.ToString()));
}

/// <summary>The categories of input, as the issue names them; every case belongs to one.</summary>
internal static class FuzzCategories
{
    public const string Valid = "valid";
    public const string MalformedJson = "malformed_json";
    public const string WrongTypes = "wrong_types";
    public const string MissingFields = "missing_fields";
    public const string ExtraFields = "extra_fields";
    public const string Numbers = "huge_negative_numbers";
    public const string Currencies = "invalid_currencies";
    public const string Unicode = "unicode";
    public const string OversizedBody = "oversized_body";
    public const string OversizedHeaders = "oversized_headers";
    public const string IdempotencyKeys = "bad_idempotency_keys";
    public const string ApiKeys = "bad_api_keys";
}
