using System.Diagnostics;
using System.Net;
using PaymentPlatform.Hosting.ApplicationModel;
using PaymentPlatform.Load.Cli;
using PaymentPlatform.Load.Engine;
using PaymentPlatform.Load.Progress;
using PaymentPlatform.Load.Reporting;
using PaymentPlatform.Load.Scenarios;
using PaymentPlatform.Load.Scenarios.Payments;
using PaymentPlatform.Load.Targets;

namespace PaymentPlatform.Load.Faults;

/// <summary>A fault run's outcome: the load report (with every check), the fault figures, and where the files went.</summary>
public sealed record FaultRunResult(RunReport Report, FaultRunReport Faults, string Directory)
{
    public bool Passed => Report.Verified;

    public string Text => TextReport.Render(Report) + Environment.NewLine + Faults.Render();

    /// <summary>The checks that failed, each with its detail: what a test prints when it fails.</summary>
    public string Failures => string.Join(Environment.NewLine, Report.Verification.Where(c => !c.Passed).Select(c => $"{c.Name}: {c.Detail}"));
}

/// <summary>
/// The fault suite (issue 16): the whole platform started through the harness, the payments workload at a
/// steady open-model rate with clients that retry as integrations do, the chosen faults injected one by one
/// through the host's lifecycle commands and the services' simulated conditions, then the workload's
/// end-of-run verification and the fault checks (docs/reliability.md).
/// </summary>
public static class FaultRun
{
    /// <summary>Attempts per request at most, the first included.</summary>
    public const int Attempts = 20;

    /// <summary>How long a client keeps retrying one request: no new attempt starts after this.</summary>
    public static readonly TimeSpan RetryBudget = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(180);

    public static async Task<int> RunAsync(LoadOptions options, IProgressDisplay display, CancellationToken cancellationToken)
    {
        var result = await ExecuteAsync(options, display, cancellationToken).ConfigureAwait(false);
        Console.WriteLine();
        Console.Write(result.Text);
        Console.WriteLine($"reports: {result.Directory} (report.txt with the faults, report.json, report.html, faults.txt)");
        return result.Passed ? 0 : 1;
    }

    public static async Task<FaultRunResult> ExecuteAsync(LoadOptions options, IProgressDisplay display, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(display);
        var faults = FaultCatalog.Select(options.Faults);
        var startedAt = DateTimeOffset.UtcNow;
        var stopwatch = Stopwatch.StartNew();
        var runId = $"{startedAt:yyyyMMddHHmmss}{Random.Shared.Next(1000):000}";

        display.Note($"faults: starting the platform ({string.Join(", ", faults.Select(f => f.Name))}) ...");
        await using var target = await PlatformTarget.StartAsync(StartTimeout, cancellationToken, FaultCatalog.EnableSimulatedConditions).ConfigureAwait(false);
        var app = target.App;
        var log = new ErrorLog();
        using var http = CreateClient(target.BaseAddress, options, log);
        await using var workload = await Workload.CreateAsync(options, target, http, runId, cancellationToken).ConfigureAwait(false);
        var gateway = new GatewayClient(http);
        var validator = await gateway.CreateMerchantAsync(target.AdminKey!, $"faults {runId} validations", LoadMerchants.RaisedLimit, cancellationToken).ConfigureAwait(false);
        var internalToken = await ((ParameterResource)app.Model.Find(PlatformTarget.InternalTokenParameter)).GetValueAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("The AppHost's internal token has no value.");
        using var conditions = new SimulatedConditionsClient(app, internalToken);
        // Handle validations only when a directory fault is chosen: they give it something to break.
        var validations = faults.Any(f => f.Name.EndsWith("-directory", StringComparison.Ordinal));
        var scenario = new FaultsScenario(workload.Scenario, gateway, validations ? validator.SecretKey : null, log);
        var rate = options.Rate ?? FaultTimeline.DefaultRate;
        var conditionsAtStart = MeasurementConditions.AtStart(
            target.Description,
            [.. target.Notes, .. workload.Notes,
             $"faults, in order: {string.Join(", ", faults.Select(f => f.Name))}; one every {options.FaultGap.TotalSeconds:0} s after a {FaultTimeline.Baseline.TotalSeconds:0} s baseline, never before the platform is healthy again",
             $"clients retry with the same idempotency key for up to {RetryBudget.TotalSeconds:0} s ({options.Timeout.TotalSeconds:0} s per attempt, backoff from {RetryingHandler.FirstBackoff.TotalSeconds:0.0} s doubling to {RetryingHandler.MaxBackoff.TotalSeconds:0} s, with jitter)",
             $"risk and the directory run with {SimulatedConditionsClient.RuntimeChangesVariable}=true (their simulated conditions change during the run)",
             validations ? $"a handle validation on 1 in {FaultsScenario.ValidationEvery} arrivals (the directory's path, for the directory's faults)" : "no handle validations (no directory fault chosen)"],
            $"dotnet run -c Release --project load/PaymentPlatform.Load -- {options.CommandLine}");

        var plan = FaultTimeline.Plan(options, faults.Count);
        // Requests still open this long after the last due time are abandoned: every attempt and backoff fits.
        var runner = new OpenModelRunner(new RunnerSettings(options.MaxInFlight, RetryBudget + options.Timeout + TimeSpan.FromSeconds(10)));
        await using var health = HealthWatch.Start(app);
        var injector = new FaultInjector(new FaultContext(app, conditions), health, faults, display.Note);
        var steps = new List<StepReport>();
        IReadOnlyList<FaultRecord> records = [];
        long scheduleStart = 0;
        await display.RunAsync(async progress =>
        {
            scheduleStart = Stopwatch.GetTimestamp();
            using var injecting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var injection = injector.RunAsync(scheduleStart, i => FaultTimeline.DueAt(options, i), plan.Duration, injecting.Token);
            var measurements = await runner.RunAsync($"faults {rate:0}/s", scenario, plan, progress, cancellationToken).ConfigureAwait(false);
            steps.Add(ReportMaths.Step($"faults {rate:0}/s", measurements));
            try
            {
                records = await injection.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                display.Note("faults: stopped early; the faults not injected are reported as such");
            }
        }).ConfigureAwait(false);

        display.Note("faults: waiting for every resource to be healthy before the verification ...");
        await health.WaitForHealthyAsync(() => true, FaultInjector.Stable, FaultInjector.RecoveryTimeout, CancellationToken.None).ConfigureAwait(false);
        var faultReport = FaultRunReport.Of(
            [.. records, .. faults.Skip(records.Count).Select(f => FaultRecord.NotInjected(f, "the run stopped before it"))],
            log, health, scheduleStart, health.UnhealthyNow(), RetryBudget, options.Timeout);
        var verification = new List<VerificationCheck>(faultReport.Checks());
        if (workload.VerifyAsync is { } verify)
        {
            display.Note("verifying the outcome through the public API ...");
            verification.AddRange(await verify(CancellationToken.None).ConfigureAwait(false));
        }
        var report = new RunReport(
            options.Scenario, startedAt, stopwatch.Elapsed.TotalSeconds, conditionsAtStart.AtEnd(), steps, verification, null,
            [.. steps.Where(s => !s.Generator.KeptSchedule).Select(s => $"{s.Name}: {s.Generator.Warning}"),
             "Errors are expected in a fault run: each is attributed to the fault whose window it fell in (Faults, below); the checks are what must pass.",
             .. cancellationToken.IsCancellationRequested ? ["Stopped early (Ctrl+C): the figures cover only what ran."] : Array.Empty<string>()]);
        var directory = ReportFiles.Write(report, options.Out);
        var faultText = faultReport.Render();
        await File.WriteAllTextAsync(Path.Combine(directory, "faults.txt"), faultText, CancellationToken.None).ConfigureAwait(false);
        await File.AppendAllTextAsync(Path.Combine(directory, "report.txt"), Environment.NewLine + faultText, CancellationToken.None).ConfigureAwait(false);
        return new FaultRunResult(report, faultReport, directory);
    }

    /// <summary>The load's client with retries in front (<see cref="RetryingHandler"/>); each attempt has its own time-out.</summary>
    private static HttpClient CreateClient(Uri baseAddress, LoadOptions options, ErrorLog log) =>
        new(new RetryingHandler(log, options.Timeout, Attempts, RetryBudget, new SocketsHttpHandler
        {
            MaxConnectionsPerServer = options.Connections,
            // Connections to a killed replica must not outlive it for long.
            PooledConnectionLifetime = TimeSpan.FromSeconds(30),
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            UseProxy = false,
        }))
        {
            BaseAddress = baseAddress,
            Timeout = Timeout.InfiniteTimeSpan,
            DefaultRequestVersion = HttpVersion.Version11,
        };
}
