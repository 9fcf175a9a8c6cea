using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace PaymentPlatform.Directory.Addresses;

/// <summary>
/// A simulated UPI directory: every answer is a pure function of the handle, so it needs no
/// state and every replica answers alike. The local part (before '@') chooses the behaviour:
/// <list type="bullet">
/// <item><c>invalid…</c> or <c>unknown…</c>: no such address (ValAdd says <c>valid: false</c>);</item>
/// <item><c>inactive…</c>: exists, but the account is inactive and cannot receive;</item>
/// <item><c>failure</c>: exists and is active, but every collect is declined by the payer;</item>
/// <item>anything else (e.g. <c>success</c>): exists, active, collects succeed.</item>
/// </list>
/// </summary>
public static partial class SimulatedDirectory
{
    private static readonly string[] FirstNames = ["Rahul", "Priya", "Amit", "Sneha", "Vikram", "Ananya", "Arjun", "Kavya", "Rohan", "Meera"];
    private static readonly string[] LastNames = ["Kumar", "Sharma", "Patel", "Iyer", "Reddy", "Gupta", "Singh", "Nair", "Das", "Joshi"];

    /// <summary>UPI's address syntax: a local part, '@', and the PSP's handle.</summary>
    [GeneratedRegex("^[A-Za-z0-9._-]{2,256}@[A-Za-z][A-Za-z0-9]{1,63}$", RegexOptions.CultureInvariant)]
    public static partial Regex HandleSyntax();

    public static bool Exists(string handle) => !LocalPart(handle).StartsWith("invalid", StringComparison.Ordinal)
        && !LocalPart(handle).StartsWith("unknown", StringComparison.Ordinal);

    public static bool IsActive(string handle) => Exists(handle) && !LocalPart(handle).StartsWith("inactive", StringComparison.Ordinal);

    /// <summary>The holder's name as ValAdd shows it, masked: "R**** K****". Deterministic per handle.</summary>
    public static string MaskedName(string handle)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(handle.ToLowerInvariant()));
        return $"{Mask(FirstNames[hash[0] % FirstNames.Length])} {Mask(LastNames[hash[1] % LastNames.Length])}";
    }

    /// <summary>The collect's outcome: null when it succeeds, else the decline code.</summary>
    public static string? CollectDeclineCode(string handle) =>
        !Exists(handle) ? "address_not_found"
        : !IsActive(handle) ? "account_inactive"
        : LocalPart(handle) == "failure" ? "payer_declined"
        : null;

    private static string LocalPart(string handle) => handle[..handle.IndexOf('@', StringComparison.Ordinal)].ToLowerInvariant();

    private static string Mask(string name) => name[0] + new string('*', name.Length - 1);
}
