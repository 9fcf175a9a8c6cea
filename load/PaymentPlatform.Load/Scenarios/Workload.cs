using PaymentPlatform.Load.Cli;
using PaymentPlatform.Load.Engine;
using PaymentPlatform.Load.Reporting;
using PaymentPlatform.Load.Scenarios.Handles;
using PaymentPlatform.Load.Scenarios.Hello;
using PaymentPlatform.Load.Scenarios.Payments;
using PaymentPlatform.Load.Targets;

namespace PaymentPlatform.Load.Scenarios;

/// <summary>A scenario ready to run against its target, the conditions it set up, and its end-of-run verification (a separate step).</summary>
public sealed record Workload(
    IScenario Scenario,
    IReadOnlyList<string> Notes,
    Func<CancellationToken, Task<IReadOnlyList<VerificationCheck>>>? VerifyAsync)
{
    public static async Task<Workload> CreateAsync(LoadOptions options, ILoadTarget target, HttpClient http, string runId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(target);
        if (options.Scenario == "hello")
        {
            // Nothing to verify: the errors column already says whether every GET answered 200.
            return new Workload(new HelloScenario(http), [], VerifyAsync: null);
        }

        var adminKey = target.AdminKey ?? throw new InvalidOperationException(
            "The payment scenarios create their merchants through the admin API: with --url, pass --admin-key (the AppHost's 'gateway-admin-key' parameter).");
        var gateway = new GatewayClient(http);
        var merchants = await LoadMerchants.CreateAsync(gateway, adminKey, runId, options.Merchants, options.Cards, cancellationToken).ConfigureAwait(false);
        string[] notes = [merchants.Describe(), "each payment has its own idempotency key; retries reuse it"];
        if (options.Scenario == "handles-200")
        {
            var handles = new HandlesScenario(gateway, merchants);
            return new Workload(handles, notes, new HandlesVerifier(gateway, merchants, handles).VerifyAsync);
        }
        var payments = new PaymentsScenario(gateway, merchants, new PaymentMix(merchants.Count, merchants.Cards.Count), runId);
        return new Workload(payments, notes, new PaymentsVerifier(gateway, merchants, payments).VerifyAsync);
    }
}
