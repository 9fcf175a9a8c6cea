namespace PaymentPlatform.Gateway.Processing;

/// <summary>
/// The default processor: deterministic, by card number, following the test cards of contracts.md.
/// <c>4000000000000002</c> declines (<c>card_declined</c>), <c>4000000000009995</c> declines
/// (<c>insufficient_funds</c>), <c>4000000000000119</c> times out (an inquiry later finds it approved);
/// every other valid card is approved. Risk's test cards are risk's business, not the processor's.
/// </summary>
internal sealed class SimulatedProcessor : IPaymentProcessor
{
    public const string GenericDeclineCard = "4000000000000002";
    public const string InsufficientFundsCard = "4000000000009995";
    public const string TimeoutCard = "4000000000000119";

    public Task<AuthorizationResult> AuthorizeAsync(AuthorizationRequest request, CancellationToken cancellationToken) =>
        Task.FromResult<AuthorizationResult>(request.Pan switch
        {
            GenericDeclineCard => new AuthorizationResult.Declined("card_declined"),
            InsufficientFundsCard => new AuthorizationResult.Declined("insufficient_funds"),
            TimeoutCard => new AuthorizationResult.TimedOut(),
            _ => Approve(request),
        });

    public Task<AuthorizationResult> InquireAsync(AuthorizationRequest request, CancellationToken cancellationToken) =>
        request.Pan == TimeoutCard
            ? Task.FromResult<AuthorizationResult>(Approve(request))
            : AuthorizeAsync(request, cancellationToken);

    // The same payment always gets the same code: authorizations are idempotent by payment id.
    private static AuthorizationResult.Approved Approve(AuthorizationRequest request) =>
        new("sim_" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(request.PaymentId)))[..12]);
}
