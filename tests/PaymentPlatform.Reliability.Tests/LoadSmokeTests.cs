using System.Text;
using PaymentPlatform.Load;
using PaymentPlatform.Load.Cli;
using PaymentPlatform.Load.Progress;
using PaymentPlatform.Load.Reporting;
using Xunit.Abstractions;

namespace PaymentPlatform.Reliability.Tests;

/// <summary>
/// The load generator's smoke run in the test command (issue 15, "CI and regressions"): a short
/// payments scenario, in-process, against the whole AppHost the generator starts, then its
/// end-of-run verification. It fails on errors, lost or duplicated payments, ledger postings that
/// do not match, events that never reached their webhook endpoint, or traces that miss a service;
/// never on timings, which on a shared 2-core machine say nothing.
/// </summary>
public sealed class LoadSmokeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task AShortPaymentsRunLosesNothingAndPassesEveryVerificationCheck()
    {
        var reports = Directory.CreateTempSubdirectory("load-smoke-");
        try
        {
            // About 20 payments/s for 10 s measured, over ten merchants: enough for every path of the mix
            // (declines, manual captures, refunds, same-key retries). A 5 s ramp and a 10 s warm-up first, as
            // any load test has: a freshly started platform JITs its paths and fills its pools, and on a busy
            // 2-core machine its first internal calls can time out and open a circuit breaker (10 s window).
            var options = new LoadOptions
            {
                Scenario = "payments-200",
                Rate = 20,
                Duration = TimeSpan.FromSeconds(10),
                WarmUp = TimeSpan.FromSeconds(10),
                Ramp = TimeSpan.FromSeconds(5),
                Merchants = 10,
                Cards = 1_000,
                Saturation = false,
                Pgbench = false,
                Plain = true,
                Out = reports.FullName,
                CommandLine = "--scenario payments-200 --rate 20 --duration 10 --warmup 10 --ramp 5 --merchants 10 --cards 1000 --no-saturation --no-pgbench --plain",
            };

            var (report, directory) = await LoadRun.ExecuteAsync(options, new PlainProgressDisplay(new TestOutputWriter(output)), CancellationToken.None);

            output.WriteLine(TextReport.Render(report));
            Assert.True(File.Exists(Path.Combine(directory, "report.json")), $"no report.json in {directory}");
            var created = report.Steps.Sum(s => s.Operations[0].Latency.Count);
            Assert.True(created > 0, "the run sent no payment");
            var failed = report.Verification.Where(c => !c.Passed).ToList();
            Assert.True(failed.Count == 0,
                $"{failed.Count} verification checks failed: {string.Join(" | ", failed.Select(c => $"{c.Name}: {c.Detail}"))}");
            // The generator started the platform, so it holds every key: no check may have been skipped.
            var skipped = report.Verification.Where(c => c.Skipped).ToList();
            Assert.True(skipped.Count == 0, $"checks skipped: {string.Join(" | ", skipped.Select(c => $"{c.Name}: {c.Detail}"))}");
            foreach (var part in new[] { "reads back", "ledger postings", "ledger reconciles", "webhook endpoint", "traces" })
            {
                Assert.True(report.Verification.Any(c => c.Name.Contains(part, StringComparison.Ordinal)),
                    $"no verification check about '{part}' among: {string.Join(" | ", report.Verification.Select(c => c.Name))}");
            }
        }
        finally
        {
            reports.Delete(recursive: true);
        }
    }

    /// <summary>The generator's progress lines, into the test's output.</summary>
    private sealed class TestOutputWriter(ITestOutputHelper output) : TextWriter
    {
        public override Encoding Encoding => Encoding.UTF8;

        public override void WriteLine(string? value)
        {
            try
            {
                output.WriteLine(value ?? "");
            }
            catch (InvalidOperationException)
            {
                // A line written after the test ended (a late progress tick) has nowhere to go.
            }
        }
    }
}
