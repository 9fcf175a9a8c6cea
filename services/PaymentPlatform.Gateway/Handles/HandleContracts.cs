namespace PaymentPlatform.Gateway.Handles;

/// <summary><c>POST /v1/payment_handles/validate</c>.</summary>
public sealed record ValidateHandleRequest(string? Handle);

/// <summary>
/// The answer: <c>valid</c> with the holder's masked name, or not valid with the <c>reasons</c> (stable codes:
/// <see cref="HandleReasons"/>). A handle that is not an address at all is a 400, not an answer.
/// </summary>
public sealed record HandleValidationResponse(string Object, string Handle, bool Valid, string? Name, IReadOnlyList<string> Reasons);

/// <summary>Why a well-formed handle is not valid.</summary>
public static class HandleReasons
{
    /// <summary>The part after '@' is not a PSP in the reference data.</summary>
    public const string UnknownPsp = "unknown_psp";

    /// <summary>The directory knows no such address (ValAdd answered not valid).</summary>
    public const string AddressNotFound = "address_not_found";

    /// <summary>The address exists, but its account is inactive and cannot receive.</summary>
    public const string AccountInactive = "account_inactive";

    /// <summary>Risk scoring blocked the handle (a block list, or velocity).</summary>
    public const string RiskBlocked = "risk_blocked";
}
