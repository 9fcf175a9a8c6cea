using System.Diagnostics;
using PaymentPlatform.Load.Ceilings;
using PaymentPlatform.Load.Cli;
using PaymentPlatform.Load.Engine;
using PaymentPlatform.Load.Progress;
using PaymentPlatform.Load.Reporting;
using PaymentPlatform.Load.Scenarios;
using PaymentPlatform.Load.Scenarios.Soak;
using PaymentPlatform.Load.Targets;

namespace PaymentPlatform.Load;

/// <summary>One run: start or reach the target, set the scenario up, run its steps, verify, report.</summary>
public static class LoadRun
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(180);

    public static async Task<int> RunAsync(LoadOptions options, IProgressDisplay display, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Scenario == "faults")
        {
            // Its own run: faults injected on a timeline, retrying clients, fault figures (Faults/FaultRun.cs).
            return await Faults.FaultRun.RunAsync(options, display, cancellationToken).ConfigureAwait(false);
        }
        var (report, directory) = await ExecuteAsync(options, display, cancellationToken).ConfigureAwait(false);
        Console.WriteLine();
        Console.Write(TextReport.Render(report));
        Console.WriteLine($"reports: {directory} (report.txt, report.json, report.html)");
        return report.Verified ? 0 : 1;
    }

    /// <summary>The run itself, without the console: the report, also written to its directory (tests read the object).</summary>
    public static async Task<(RunReport Report, string Directory)> ExecuteAsync(LoadOptions options, IProgressDisplay display, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(display);
        var startedAt = DateTimeOffset.UtcNow;
        var stopwatch = Stopwatch.StartNew();
        var runId = $"{startedAt:yyyyMMddHHmmss}{Random.Shared.Next(1000):000}";

        display.Note($"load {options.Scenario}: starting the target ...");
        await using var target = await StartTargetAsync(options, cancellationToken).ConfigureAwait(false);
        display.Note($"target: {target.Description} at {target.BaseAddress}");
        using var http = LoadHttp.CreateClient(target.BaseAddress, options.Timeout, options.Connections);
        await using var workload = await Workload.CreateAsync(options, target, http, runId, cancellationToken).ConfigureAwait(false);
        var conditions = MeasurementConditions.AtStart(
            target.Description, [.. target.Notes, .. workload.Notes],
            $"dotnet run -c Release --project load/PaymentPlatform.Load -- {options.CommandLine}");

        var runner = new OpenModelRunner(new RunnerSettings(options.MaxInFlight, options.Timeout + TimeSpan.FromSeconds(5)));
        var steps = new List<StepReport>();
        SoakReport? soak = null;
        await display.RunAsync(async progress =>
        {
            foreach (var (name, plan) in PlannedSteps(options, steps))
            {
                using var memorySource = options.Scenario == "soak" ? MemorySourceFor(options, target) : null;
                await using var memory = memorySource is null ? null
                    : MemoryWatch.Start(memorySource, ScenarioPlans.LeadDuration(options), options.SoakInterval, plan.Stages.Count(s => s.Measured));
                var measurements = await runner.RunAsync(name, workload.Scenario, plan, progress, cancellationToken).ConfigureAwait(false);
                steps.Add(ReportMaths.Step(name, measurements));
                if (options.Scenario == "soak")
                {
                    soak = SoakDrift.Of(steps[^1], options.SoakInterval.TotalSeconds, memorySource!.Description, memory!.Series());
                }
                if (cancellationToken.IsCancellationRequested)
                {
                    break;
                }
            }
        }).ConfigureAwait(false);

        var verification = new List<VerificationCheck>();
        if (options.Scenario != "stress")
        {
            // A stress test ends in errors by design; every other scenario must have none.
            var errors = steps.Sum(s => s.Errors);
            verification.Add(new VerificationCheck("every request answered as expected", errors == 0,
                errors == 0 ? "no errors" : $"{errors} errors: {string.Join("; ", steps.SelectMany(s => s.ErrorsByKind).Take(5).Select(e => $"{e.Key} x{e.Value}"))}"));
        }
        if (workload.VerifyAsync is { } verify)
        {
            display.Note("verifying the outcome (public API, ledger, webhooks, traces) ...");
            verification.AddRange(await verify(CancellationToken.None).ConfigureAwait(false));
        }
        // The ceilings after the steps and the verification: neither disturbs the measured steps, and the
        // platform's background work (outbox, webhooks) has settled by then.
        var ceilings = workload.HelloHttp is { } hello
            ? await CeilingRun.MeasureAsync(options, target, hello, steps, runId, runner, display, cancellationToken).ConfigureAwait(false)
            : null;
        var report = new RunReport(
            options.Scenario, startedAt, stopwatch.Elapsed.TotalSeconds, conditions.AtEnd(), steps, verification,
            options.Scenario == "stress" ? ReportMaths.FindBreakpoint(steps, options.P99LimitMs) : null,
            [.. steps.Where(s => !s.Generator.KeptSchedule).Select(s => $"{s.Name}: {s.Generator.Warning}"),
             .. cancellationToken.IsCancellationRequested ? ["Stopped early (Ctrl+C): the figures cover only what ran."] : Array.Empty<string>(),
             .. soak?.Drift.Select(d => $"soak: {d}") ?? []],
            ceilings,
            soak);

        return (report, ReportFiles.Write(report, options.Out));
    }

    private static async Task<ILoadTarget> StartTargetAsync(LoadOptions options, CancellationToken cancellationToken) => options switch
    {
        { Url: { } url } => new RunningTarget(url, options.AdminKey),
        { Scenario: "hello" } => await HelloWorldTarget.StartAsync(StartTimeout, cancellationToken).ConfigureAwait(false),
        _ => await PlatformTarget.StartAsync(StartTimeout, cancellationToken).ConfigureAwait(false),
    };

    /// <summary>A soak watches the processes' resident memory when it started them, else their GC heaps through the dashboard's metrics.</summary>
    private static MemorySource MemorySourceFor(LoadOptions options, ILoadTarget target) => target switch
    {
        PlatformTarget platform => MemorySource.ResidentSets(platform),
        _ when options.DashboardUrl is { } dashboard && !string.IsNullOrEmpty(options.DashboardToken) => MemorySource.GcHeaps(dashboard, options.DashboardToken),
        _ => MemorySource.None,
    };

    /// <summary>The steps to run; for stress, the next rate only while the last step met the limits.</summary>
    private static IEnumerable<(string Name, RatePlan Plan)> PlannedSteps(LoadOptions options, List<StepReport> done)
    {
        if (options.Scenario != "stress")
        {
            foreach (var step in ScenarioPlans.Steps(options))
            {
                yield return step;
            }
            yield break;
        }
        foreach (var rate in ScenarioPlans.StressRates(options))
        {
            if (done.Count > 0 && ReportMaths.FindBreakpoint(done, options.P99LimitMs).FirstBadRate is not null)
            {
                yield break;
            }
            yield return ($"stress {rate:0}/s", ScenarioPlans.Steady(rate, options));
        }
    }
}
