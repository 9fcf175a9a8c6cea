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
            // The hello-world ceiling beside the validations: the same schedule, the same run (issue 12's benchmark).
            var helloTarget = await HelloWorldTarget.StartAsync(TimeSpan.FromSeconds(180), cancellationToken).ConfigureAwait(false);
            var helloHttp = LoadHttp.CreateClient(helloTarget.BaseAddress, options.Timeout, options.Connections);
            var handles = new HandlesScenario(gateway, merchants, helloHttp);
            var verifier = new HandlesVerifier(gateway, merchants, handles);
            string[] handleNotes = [.. notes,
                "directory: simulated latency 0 ms and error rate 0 on every route (its appsettings.json; Directory:Routes:*)",
                $"beside it: GET / on load/PaymentPlatform.HelloWorld at the same due times ({helloTarget.BaseAddress}; {string.Join("; ", helloTarget.Notes)})"];
            return new Workload(handles, handleNotes, async token =>
            {
                try
                {
                    return await verifier.VerifyAsync(token).ConfigureAwait(false);
                }
                finally
                {
                    helloHttp.Dispose();
                    await helloTarget.DisposeAsync().ConfigureAwait(false);
                }
            });
        }
        var payments = new PaymentsScenario(gateway, merchants, new PaymentMix(merchants.Count, merchants.Cards.Count), runId);
        return new Workload(payments, notes, new PaymentsVerifier(gateway, merchants, payments).VerifyAsync);
    }
}
