using PaymentPlatform.Gateway.Downstream;
using PaymentPlatform.Gateway.Merchants;

namespace PaymentPlatform.Gateway.Handles;

/// <summary>What a validation found about a well-formed handle.</summary>
internal sealed record HandleCheck(string Handle, bool Valid, string? Name, IReadOnlyList<string> Reasons)
{
    public HandleValidationResponse ToResponse() => new("payment_handle_validation", Handle, Valid, Name, Reasons);
}

/// <summary>
/// The validation pipeline after the syntax (contracts.md, "Payment-handle validation: the downstream calls"): the PSP
/// against the cached reference data, then directory ValAdd, directory status and (for a validation) the risk score,
/// all three at once because none needs another's answer. Every call runs under the caller's deadline token: a call
/// that cannot answer within it ends the check with an unavailable <see cref="DownstreamException"/> naming its service.
/// </summary>
internal sealed class HandleValidator(PspReferenceData psps, DirectoryClient directory, RiskClient risk)
{
    /// <summary>Risk scores a validation as an amount of zero; the currency is UPI's.</summary>
    private const string UpiCurrency = "inr";

    /// <param name="handle">A handle in canonical form (<see cref="HandleSyntax.Normalize"/>).</param>
    /// <param name="merchant">Who asks; risk applies its test-mode rules for test keys.</param>
    /// <param name="checkId">The validation's id: risk's <c>score_id</c>, and the root of the calls' idempotency keys.</param>
    /// <param name="score">False for a payment, which is scored by its own flow under its payment id.</param>
    /// <param name="deadline">Cancelled when the budget runs out.</param>
    /// <param name="aborted">The client went away: not the budget's doing, so not a 503.</param>
    /// <exception cref="DownstreamException">A downstream call failed or did not answer within the budget.</exception>
    public async Task<HandleCheck> CheckAsync(
        string handle, MerchantContext merchant, string checkId, bool score, CancellationToken deadline, CancellationToken aborted)
    {
        if (psps.Find(HandleSyntax.Psp(handle)) is null)
        {
            return new HandleCheck(handle, false, null, [HandleReasons.UnknownPsp]);
        }

        var address = Guard("directory", directory.ValidateAsync(handle, checkId, deadline), aborted);
        var status = Guard("directory", directory.StatusAsync(handle, deadline), aborted);
        var scored = score
            ? Guard("risk", ScoreAsync(handle, merchant, checkId, deadline), aborted)
            : Task.FromResult<RiskScore?>(null);
        try
        {
            await Task.WhenAll(address, status, scored);
        }
        catch (DownstreamException)
        {
            // Read below, per call, so the answer names the service that failed (the directory first).
        }
        if ((Failure(address) ?? Failure(status) ?? Failure(scored)) is { } failure)
        {
            throw failure;
        }

        List<string> reasons = [];
        var found = await address;
        var account = await status;
        if (!found.Valid || account is null)
        {
            reasons.Add(HandleReasons.AddressNotFound);
        }
        else if (!account.CanReceive)
        {
            reasons.Add(HandleReasons.AccountInactive);
        }
        if (await scored is { Decision: RiskScore.Block })
        {
            reasons.Add(HandleReasons.RiskBlocked);
        }
        return new HandleCheck(handle, reasons.Count == 0, found.Valid ? HandleSyntax.Mask(found.Name) : null, reasons);
    }

    private async Task<RiskScore?> ScoreAsync(string handle, MerchantContext merchant, string checkId, CancellationToken deadline) =>
        await risk.ScoreAsync(new RiskScoreRequest(checkId, merchant.MerchantId, 0, UpiCurrency, null, null, null, handle, !merchant.Livemode), deadline);

    /// <summary>Turns the budget running out into the service's unavailability (the pipeline's own failures already are).</summary>
    private static async Task<T> Guard<T>(string service, Task<T> call, CancellationToken aborted)
    {
        try
        {
            return await call;
        }
        catch (OperationCanceledException ex) when (!aborted.IsCancellationRequested)
        {
            throw new DownstreamException(service, unavailable: true, $"{service} did not answer within the validation's budget.", ex);
        }
    }

    private static DownstreamException? Failure(Task task) =>
        task.IsFaulted ? task.Exception!.InnerException as DownstreamException ?? throw task.Exception!.InnerException! : null;
}
