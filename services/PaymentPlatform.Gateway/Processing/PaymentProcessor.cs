namespace PaymentPlatform.Gateway.Processing;

/// <summary>What the gateway asks a card processor: authorize this amount on this card, for this payment.</summary>
internal sealed record AuthorizationRequest(string PaymentId, string Pan, int ExpMonth, int ExpYear, long Amount, string Currency);

/// <summary>The processor's answer.</summary>
internal abstract record AuthorizationResult
{
    public sealed record Approved(string AuthorizationCode) : AuthorizationResult;

    /// <summary>Declined, with a stable code: <c>card_declined</c>, <c>insufficient_funds</c>.</summary>
    public sealed record Declined(string Code) : AuthorizationResult;

    /// <summary>No answer in time: the outcome is unknown until an inquiry says.</summary>
    public sealed record TimedOut : AuthorizationResult;
}

/// <summary>
/// A card processor (the acquirer side). Authorizations are idempotent by payment id, and an inquiry reads
/// the outcome of an authorization whose answer was lost, as real processors allow.
/// </summary>
internal interface IPaymentProcessor
{
    Task<AuthorizationResult> AuthorizeAsync(AuthorizationRequest request, CancellationToken cancellationToken);

    /// <summary>The outcome of an earlier authorization of this payment, for one that timed out.</summary>
    Task<AuthorizationResult> InquireAsync(AuthorizationRequest request, CancellationToken cancellationToken);
}
