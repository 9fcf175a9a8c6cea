using Npgsql;
using PaymentPlatform.Load.Cli;
using PaymentPlatform.Load.Engine;
using PaymentPlatform.Load.Progress;
using PaymentPlatform.Load.Reporting;
using PaymentPlatform.Load.Scenarios.Hello;
using PaymentPlatform.Load.Targets;

namespace PaymentPlatform.Load.Ceilings;

/// <summary>
/// Measures the ceilings once the scenario's steps and verification are over, so neither disturbs the
/// measured steps: the hello-world saturation rate (a short stepped run against the same hello-world process
/// that ran beside the steps), then pgbench on the platform's PostgreSQL server.
/// </summary>
public static class CeilingRun
{
    /// <summary>Each saturation step's unmeasured warm-up.</summary>
    public static readonly TimeSpan SaturationWarmUp = TimeSpan.FromSeconds(1);

    public static async Task<CeilingReport> MeasureAsync(
        LoadOptions options, ILoadTarget target, HttpClient hello, IReadOnlyList<StepReport> steps, string runId,
        OpenModelRunner runner, IProgressDisplay display, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(display);
        var notes = new List<string>();
        HelloSaturation? saturation = null;
        if (!options.Saturation)
        {
            notes.Add("hello-world saturation: skipped (--no-saturation)");
        }
        else if (!cancellationToken.IsCancellationRequested)
        {
            display.Note("ceiling: the hello-world's saturation rate ...");
            saturation = await SaturateAsync(options, hello, runner, display, cancellationToken).ConfigureAwait(false);
        }

        PgbenchCeiling? pgbench = null;
        if (!options.Pgbench)
        {
            notes.Add("pgbench: skipped (--no-pgbench)");
        }
        else if (target is not PlatformTarget platform)
        {
            notes.Add("pgbench: skipped: the target was started outside the generator (--url), so its PostgreSQL server is not known");
        }
        else if (!cancellationToken.IsCancellationRequested)
        {
            display.Note($"ceiling: pgbench -N -c 16 -j 2 -T {options.PgbenchSeconds} on the platform's PostgreSQL server ...");
            try
            {
                pgbench = await PgbenchRun.MeasureAsync(platform.ServerConnectionString, runId, options.PgbenchSeconds, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is InvalidOperationException or NpgsqlException or System.ComponentModel.Win32Exception)
            {
                notes.Add($"pgbench: failed: {ex.Message}");
            }
        }
        return new CeilingReport(saturation, pgbench, [.. steps.Select(s => CeilingMaths.Ratios(s, saturation, pgbench))], notes);
    }

    private static async Task<HelloSaturation> SaturateAsync(
        LoadOptions options, HttpClient hello, OpenModelRunner runner, IProgressDisplay display, CancellationToken cancellationToken)
    {
        var scenario = new HelloScenario(hello);
        var done = new List<SaturationStep>();
        await display.RunAsync(async progress =>
        {
            while (!cancellationToken.IsCancellationRequested && SaturationSearch.Next(done) is { } rate)
            {
                var name = FormattableString.Invariant($"hello saturation {rate:0}/s");
                var plan = new RatePlan([Stage.WarmUp(SaturationWarmUp, rate), Stage.Constant("steady", options.SaturationSeconds, rate)]);
                var measurements = await runner.RunAsync(name, scenario, plan, progress, cancellationToken).ConfigureAwait(false);
                done.Add(SaturationSearch.Summarise(ReportMaths.Step(name, measurements), options.P99LimitMs));
            }
        }).ConfigureAwait(false);
        return new HelloSaturation(SaturationSearch.Rate(done), options.P99LimitMs, options.SaturationSeconds.TotalSeconds, done);
    }
}
