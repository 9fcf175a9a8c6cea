using System.Net;
using System.Text.Json.Serialization;
using PaymentPlatform.ServiceDefaults.Http;

namespace PaymentPlatform.Risk.Blocklist;

public static class BlocklistKinds
{
    public const string CardFingerprint = "card_fingerprint";
    public const string Handle = "handle";
    public const string Ip = "ip";
    public const string Merchant = "merchant";

    public static readonly IReadOnlyList<string> All = [CardFingerprint, Handle, Ip, Merchant];

    /// <summary>The stored form: handles compare case-insensitively, IPs in canonical form; null when invalid.</summary>
    public static string? Normalize(string kind, string value) => kind switch
    {
        Handle => value.Trim().ToLowerInvariant(),
        Ip => IPAddress.TryParse(value.Trim(), out var address) ? address.ToString() : null,
        _ => value.Trim(),
    };
}

public sealed record CreateBlocklistEntryRequest(string? Kind, string? Value, string? Reason)
{
    internal (FieldErrors Errors, string? Normalized) Validate()
    {
        var errors = new FieldErrors();
        string? normalized = null;
        if (string.IsNullOrEmpty(Kind))
        {
            errors.Add("kind", "is required.");
        }
        else if (!BlocklistKinds.All.Contains(Kind))
        {
            errors.Add("kind", $"must be one of {string.Join(", ", BlocklistKinds.All)}.");
        }
        if (string.IsNullOrWhiteSpace(Value))
        {
            errors.Add("value", "is required.");
        }
        else if (Value.Length > 256)
        {
            errors.Add("value", "must be at most 256 characters.");
        }
        else if (Kind is not null && BlocklistKinds.All.Contains(Kind))
        {
            normalized = BlocklistKinds.Normalize(Kind, Value);
            if (normalized is null)
            {
                errors.Add("value", $"is not a valid {Kind}.");
            }
        }
        if (Reason is { Length: > 500 })
        {
            errors.Add("reason", "must be at most 500 characters.");
        }
        return (errors, normalized);
    }
}

public sealed record BlocklistEntry(
    string Id, string Kind, string Value, string? Reason, DateTimeOffset CreatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Result = null);

public sealed record BlocklistPage(IReadOnlyList<BlocklistEntry> Data, bool HasMore, string? NextCursor);

public sealed record BlocklistDeleted(string Id, bool Deleted);
