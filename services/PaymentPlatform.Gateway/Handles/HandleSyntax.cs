using System.Text.RegularExpressions;

namespace PaymentPlatform.Gateway.Handles;

/// <summary>A UPI virtual payment address: <c>name@psp</c> (payments.md, "Payment handles").</summary>
internal static partial class HandleSyntax
{
    /// <summary>The local part: 2-256 of <c>[A-Za-z0-9._-]</c>; the PSP: a letter, then letters or digits.</summary>
    [GeneratedRegex("^[A-Za-z0-9._-]{2,256}@[A-Za-z][A-Za-z0-9]{1,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    /// <summary>The handle in canonical form (lower case: addresses compare case-insensitively), or null when it is not one.</summary>
    public static string? Normalize(string? handle) =>
        handle is not null && Pattern().IsMatch(handle) ? handle.ToLowerInvariant() : null;

    public static string Psp(string normalized) => normalized[(normalized.IndexOf('@', StringComparison.Ordinal) + 1)..];

    public const string Rule = "must be a UPI address name@psp: 2-256 letters, digits, '.', '_' or '-', then '@' and the PSP, e.g. name@okhdfcbank.";

    /// <summary>Masks each word of a holder name to its first letter ("R**** K****"), whatever the directory sent.</summary>
    public static string? Mask(string? name) => name is null
        ? null
        : string.Join(' ', name.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => w[0] + new string('*', w.Length - 1)));
}
