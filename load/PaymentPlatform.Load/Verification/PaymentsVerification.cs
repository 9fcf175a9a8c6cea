using PaymentPlatform.Load.Reporting;
using PaymentPlatform.Load.Scenarios.Payments;

namespace PaymentPlatform.Load.Verification;

/// <summary>How long the end-of-run checks wait for what arrives asynchronously, and what they sample.</summary>
public sealed record VerificationSettings(TimeSpan WebhookTimeout, TimeSpan TraceTimeout, int TracedMerchant = 0, int TraceSample = 5)
{
    public static VerificationSettings Default { get; } = new(TimeSpan.FromSeconds(120), TimeSpan.FromSeconds(60));
}

/// <summary>
/// The platform-side end-of-run checks of a payments run, beside the public-API read-back of
/// <see cref="PaymentsVerifier"/>: the ledger's postings, balances and reconciliation; webhook
/// deliveries of every event; the traces of a tagged sample. Callable on its own (after injecting
/// faults, say) with the run's merchants and the payments the client was told of.
/// </summary>
public sealed class PaymentsVerification(GatewayClient gateway, LoadMerchants merchants, PlatformAccess access, WebhookReceiver? receiver, VerificationSettings settings)
{
    private RunEvents? _events;
    private IReadOnlyList<VerificationCheck>? _traces;

    public async Task<IReadOnlyList<VerificationCheck>> VerifyAsync(IReadOnlyList<ExpectedPayment> payments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payments);
        ArgumentNullException.ThrowIfNull(access);
        // Every request has been answered, so the events are final (the completer aside, which a clean run does not need).
        var events = _events ?? await RunEvents.ListAsync(gateway, merchants, cancellationToken).ConfigureAwait(false);
        var checks = new List<VerificationCheck>();

        if (access.HasLedger)
        {
            using var ledger = new LedgerReader(access.LedgerUrl!, access.InternalToken!);
            checks.AddRange(await Guard("the ledger postings, balances and reconciliation",
                () => new LedgerVerifier(ledger, merchants).VerifyAsync(payments, events.RefundPayments(), cancellationToken)).ConfigureAwait(false));
        }
        else
        {
            checks.Add(VerificationCheck.Skip("the ledger holds each acknowledged payment's postings and reconciles", access.LedgerMissing));
        }

        checks.AddRange(await Guard(WebhookVerifier.Name, () => VerifyWebhooksAsync(events, cancellationToken)).ConfigureAwait(false));

        checks.AddRange(_traces ?? await VerifyTracesAsync(events, payments, cancellationToken).ConfigureAwait(false));
        return checks;
    }

    /// <summary>
    /// Runs the trace check now, before the rest of the verification: its own requests (thousands of reads) would
    /// otherwise fill the dashboard's bounded trace store and evict the sampled payments' traces (seen at 40/s:
    /// one of five traces gone). <see cref="VerifyAsync"/> then reports this result (and uses these events) instead of asking again.
    /// </summary>
    public async Task VerifyTracesFirstAsync(IReadOnlyList<ExpectedPayment> payments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payments);
        ArgumentNullException.ThrowIfNull(access);
        // The lost answers are resolved, so the events are already final: VerifyAsync uses this list too.
        _events = await RunEvents.ListAsync(gateway, merchants, cancellationToken).ConfigureAwait(false);
        _traces = await VerifyTracesAsync(_events, payments, cancellationToken).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<VerificationCheck>> VerifyTracesAsync(RunEvents events, IReadOnlyList<ExpectedPayment> payments, CancellationToken cancellationToken)
    {
        if (!access.HasDashboard)
        {
            return [VerificationCheck.Skip(TraceVerifier.Name, access.DashboardMissing)];
        }
        using var traces = new TraceVerifier(access.DashboardUrl!, access.DashboardToken!, settings.TraceTimeout);
        return await Guard(TraceVerifier.Name,
            async () => [await traces.VerifyAsync(events, settings.TracedMerchant, settings.TraceSample,
                payments.Where(p => !p.AnsweredLate).Select(p => p.Id).ToHashSet(StringComparer.Ordinal), cancellationToken).ConfigureAwait(false)]).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<VerificationCheck>> VerifyWebhooksAsync(RunEvents events, CancellationToken cancellationToken)
    {
        if (receiver is null)
        {
            return [VerificationCheck.Skip(WebhookVerifier.Name, "skipped: needs the generator's local webhook receiver, which was not started")];
        }
        if (receiver.Registered == 0 && receiver.RegistrationProblems.Count > 0)
        {
            // A platform outside Development refuses loopback URLs: nothing could be delivered here.
            return [VerificationCheck.Skip(WebhookVerifier.Name,
                $"skipped: needs a platform that accepts the loopback receiver's endpoints (Development); {receiver.RegistrationProblems[0]}")];
        }
        var check = await new WebhookVerifier(receiver, settings.WebhookTimeout).VerifyAsync(events, cancellationToken).ConfigureAwait(false);
        return receiver.RegistrationProblems.Count == 0 ? [check]
            : [check with { Passed = false, Detail = $"{check.Detail}; endpoints not registered for {receiver.RegistrationProblems.Count} merchants, e.g. {receiver.RegistrationProblems[0]}" }];
    }

    /// <summary>A check that could not be made (the service did not answer) is a failed check, not a crashed run.</summary>
    private static async Task<IReadOnlyList<VerificationCheck>> Guard(string name, Func<Task<IReadOnlyList<VerificationCheck>>> check)
    {
        try
        {
            return await check().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
        {
            return [new VerificationCheck(name, false, $"could not be checked: {ex.GetType().Name}: {ex.Message}")];
        }
    }
}
