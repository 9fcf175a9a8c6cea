using PaymentPlatform.Load.Cli;
using PaymentPlatform.Load.Engine;
using PaymentPlatform.Load.Reporting;
using PaymentPlatform.Load.Scenarios.Handles;
using PaymentPlatform.Load.Scenarios.Hello;
using PaymentPlatform.Load.Scenarios.Payments;
using PaymentPlatform.Load.Targets;
using PaymentPlatform.Load.Verification;

namespace PaymentPlatform.Load.Scenarios;

/// <summary>
/// A scenario ready to run against its target, the conditions it set up, and its end-of-run verification (a
/// separate step). Every scenario but hello runs beside the hello-world process (<see cref="Hello"/>), which
/// it owns and stops when disposed.
/// </summary>
public sealed record Workload(
    IScenario Scenario,
    IReadOnlyList<string> Notes,
    Func<CancellationToken, Task<IReadOnlyList<VerificationCheck>>>? VerifyAsync) : IAsyncDisposable
{
    /// <summary>The hello-world process timed beside the scenario, for the ceilings; null for the hello scenario itself.</summary>
    public HelloWorldTarget? Hello { get; init; }

    /// <summary>The client that reaches <see cref="Hello"/>.</summary>
    public HttpClient? HelloHttp { get; init; }

    /// <summary>The payment scenarios' local webhook receiver (the verification counts what reached it); stopped when disposed.</summary>
    public WebhookReceiver? Receiver { get; init; }

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

        // The hello-world ceiling beside every step: the same due times, the same run (issue 15, "Ceilings in the same run").
        var hello = await HelloWorldTarget.StartAsync(TimeSpan.FromSeconds(180), cancellationToken).ConfigureAwait(false);
        var helloHttp = LoadHttp.CreateClient(hello.BaseAddress, options.Timeout, options.Connections);
        string[] notes = [merchants.Describe(), "each payment has its own idempotency key; retries reuse it",
            $"beside it: GET / on load/PaymentPlatform.HelloWorld at the same due times ({hello.BaseAddress}; {string.Join("; ", hello.Notes)})"];
        if (options.Scenario == "handles-200")
        {
            var handles = new HandlesScenario(gateway, merchants);
            string[] handleNotes = [.. notes, "directory: simulated latency 0 ms and error rate 0 on every route (its appsettings.json; Directory:Routes:*)"];
            return new Workload(new HelloBesideScenario(handles, helloHttp), handleNotes, new HandlesVerifier(gateway, merchants, handles).VerifyAsync)
            {
                Hello = hello,
                HelloHttp = helloHttp,
            };
        }
        var storm = options.Scenario == "retry-storm";
        var mix = new PaymentMix(merchants.Count, merchants.Cards.Count, Storm: storm);
        var payments = new PaymentsScenario(gateway, merchants, mix, runId);
        // Every event must reach a merchant endpoint: one per merchant on a receiver in the generator, registered before the load.
        var receiver = await WebhookReceiver.StartAsync(cancellationToken).ConfigureAwait(false);
        var refused = await receiver.RegisterAsync(gateway, merchants, cancellationToken).ConfigureAwait(false);
        notes = [.. notes, refused.Count == 0 ? receiver.Describe() : $"webhook endpoints: {refused.Count} of {merchants.Count} refused, e.g. {refused[0]}"];
        var access = target is PlatformTarget platform ? platform.Access
            : new PlatformAccess(options.LedgerUrl, options.InternalToken, options.DashboardUrl, options.DashboardToken);
        var verification = new PaymentsVerification(gateway, merchants, access, receiver, VerificationSettings.Default);
        Func<CancellationToken, Task<IReadOnlyList<VerificationCheck>>> verify = new PaymentsVerifier(gateway, merchants, payments, mix, verification).VerifyAsync;
        return new Workload(new HelloBesideScenario(payments, helloHttp), notes, storm ? WithStormCheck(verify, payments) : verify)
        {
            Hello = hello,
            HelloHttp = helloHttp,
            Receiver = receiver,
        };
    }

    public async ValueTask DisposeAsync()
    {
        if (Receiver is not null)
        {
            await Receiver.DisposeAsync().ConfigureAwait(false);
        }
        HelloHttp?.Dispose();
        if (Hello is not null)
        {
            await Hello.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>A retry storm's own check beside the payments' verification: every answer for a key named its one payment or was 409.</summary>
    private static Func<CancellationToken, Task<IReadOnlyList<VerificationCheck>>> WithStormCheck(
        Func<CancellationToken, Task<IReadOnlyList<VerificationCheck>>> verify, PaymentsScenario payments) => async token =>
    {
        var checks = await verify(token).ConfigureAwait(false);
        var (keys, copies, same, inUse) = payments.Storm;
        var other = copies - same - inUse;
        return [.. checks, new VerificationCheck(
            $"every answer for a key named its one payment or was 409 {PaymentsScenario.KeyInUse}",
            keys > 0 && other == 0,
            $"{keys} keys sent {copies} times at once: {same} answers named the key's payment, {inUse} were 409 {PaymentsScenario.KeyInUse}, {other} other")];
    };
}
