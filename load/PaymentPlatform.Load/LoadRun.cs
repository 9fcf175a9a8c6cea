using System.Diagnostics;
using PaymentPlatform.Load.Cli;
using PaymentPlatform.Load.Engine;
using PaymentPlatform.Load.Progress;
using PaymentPlatform.Load.Reporting;
using PaymentPlatform.Load.Scenarios;
using PaymentPlatform.Load.Targets;

namespace PaymentPlatform.Load;

/// <summary>One run: start or reach the target, set the scenario up, run its steps, verify, report.</summary>
public static class LoadRun
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(180);

    public static async Task<int> RunAsync(LoadOptions options, IProgressDisplay display, CancellationToken cancellationToken)
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
        var workload = await Workload.CreateAsync(options, target, http, runId, cancellationToken).ConfigureAwait(false);
        var conditions = MeasurementConditions.AtStart(
            target.Description, [.. target.Notes, .. workload.Notes],
            $"dotnet run -c Release --project load/PaymentPlatform.Load -- {options.CommandLine}");

        var runner = new OpenModelRunner(new RunnerSettings(options.MaxInFlight, options.Timeout + TimeSpan.FromSeconds(5)));
        var steps = new List<StepReport>();
        await display.RunAsync(async progress =>
        {
            foreach (var (name, plan) in PlannedSteps(options, steps))
            {
                var measurements = await runner.RunAsync(name, workload.Scenario, plan, progress, cancellationToken).ConfigureAwait(false);
                steps.Add(ReportMaths.Step(name, measurements));
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
            display.Note("verifying the outcome through the public API ...");
            verification.AddRange(await verify(CancellationToken.None).ConfigureAwait(false));
        }
        var report = new RunReport(
            options.Scenario, startedAt, stopwatch.Elapsed.TotalSeconds, conditions.AtEnd(), steps, verification,
            options.Scenario == "stress" ? ReportMaths.FindBreakpoint(steps, options.P99LimitMs) : null,
            [.. steps.Where(s => !s.Generator.KeptSchedule).Select(s => $"{s.Name}: {s.Generator.Warning}"),
             .. cancellationToken.IsCancellationRequested ? ["Stopped early (Ctrl+C): the figures cover only what ran."] : Array.Empty<string>()]);

        var directory = ReportFiles.Write(report, options.Out);
        Console.WriteLine();
        Console.Write(TextReport.Render(report));
        Console.WriteLine($"reports: {directory} (report.txt, report.json, report.html)");
        return report.Verified ? 0 : 1;
    }

    private static async Task<ILoadTarget> StartTargetAsync(LoadOptions options, CancellationToken cancellationToken) => options switch
    {
        { Url: { } url } => new RunningTarget(url, options.AdminKey),
        { Scenario: "hello" } => await HelloWorldTarget.StartAsync(StartTimeout, cancellationToken).ConfigureAwait(false),
        _ => await PlatformTarget.StartAsync(StartTimeout, cancellationToken).ConfigureAwait(false),
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
