using System.Text.RegularExpressions;
using PaymentPlatform.ServiceDefaults.Http;

namespace PaymentPlatform.Directory.Addresses;

public sealed record ValidateAddressRequest(string? Handle);

/// <summary>ValAdd's answer: <c>name</c> is the masked holder name, null when the address does not exist.</summary>
public sealed record ValidateAddressResponse(string Handle, bool Valid, string? Name);

public sealed record AddressStatusResponse(string Handle, string Status, bool CanReceive);

public sealed partial record CollectRequest(string? CollectId, string? Handle, long? Amount, string? Currency)
{
    internal FieldErrors Validate()
    {
        var errors = new FieldErrors();
        if (string.IsNullOrEmpty(CollectId))
        {
            errors.Add("collect_id", "is required.");
        }
        else if (CollectId.Length > 128)
        {
            errors.Add("collect_id", "must be at most 128 characters.");
        }
        AddressRules.RequireHandle(errors, Handle);
        if (Amount is null)
        {
            errors.Add("amount", "is required.");
        }
        else if (Amount <= 0)
        {
            errors.Add("amount", "must be a positive number of minor units.");
        }
        if (string.IsNullOrEmpty(Currency))
        {
            errors.Add("currency", "is required.");
        }
        else if (!CurrencyPattern().IsMatch(Currency))
        {
            errors.Add("currency", "must be a lowercase ISO 4217 currency code, e.g. inr.");
        }
        return errors;
    }

    [GeneratedRegex("^[a-z]{3}$", RegexOptions.CultureInvariant)]
    private static partial Regex CurrencyPattern();
}

/// <summary><c>status</c>: <c>succeeded</c> or <c>declined</c> (then <c>decline_code</c> says why).</summary>
public sealed record CollectResponse(string CollectId, string Handle, long Amount, string Currency, string Status, string? DeclineCode);

/// <summary>A collect as recorded under its key: <c>requests</c> counts the first request and every retry.</summary>
public sealed record CollectRecord(string Key, CollectResponse Collect, int Requests);

internal static class AddressRules
{
    public static void RequireHandle(FieldErrors errors, string? handle)
    {
        if (string.IsNullOrEmpty(handle))
        {
            errors.Add("handle", "is required.");
        }
        else if (!SimulatedDirectory.HandleSyntax().IsMatch(handle))
        {
            errors.Add("handle", "must be a UPI address such as name@okhdfcbank.");
        }
    }
}
