using System.Text;
using PaymentPlatform.Load.Cli;
using PaymentPlatform.Load.Faults;
using PaymentPlatform.Load.Progress;
using Xunit.Abstractions;

namespace PaymentPlatform.Reliability.Tests;

/// <summary>
/// The fault suite's short version in the test command (issue 16, "Done when"): payments at 20/s against
/// the whole AppHost the generator starts, one gateway replica killed, then Redis killed with -9. It fails
/// when a verification check fails (a lost, duplicated or misreported payment, ledger postings that do not
/// match, a webhook never delivered), when a fault did not happen or the platform did not become healthy
/// again by itself; never on timings, beyond the generous recovery time-out the run reports against.
/// </summary>
public sealed class FaultSmokeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task AGatewayReplicaKillAndARedisKillAt20PaymentsASecondLoseNothingAndThePlatformRecoversByItself()
    {
        var reports = Directory.CreateTempSubdirectory("fault-smoke-");
        try
        {
            string[] args =
            [
                "--scenario", "faults", "--rate", "20", "--faults", "kill-gateway,kill-redis", "--fault-gap", "25",
                "--ramp", "1", "--warmup", "2", "--merchants", "10", "--cards", "1000",
                "--no-saturation", "--no-pgbench", "--plain", "--out", reports.FullName,
            ];
            var options = LoadOptions.Parse(args);

            var result = await FaultRun.ExecuteAsync(options, new PlainProgressDisplay(new OutputWriter(output)), CancellationToken.None);

            output.WriteLine(result.Text);
            Assert.True(result.Report.Steps.Sum(s => s.Operations[0].Latency.Count) > 0, "the run sent no payment");
            Assert.True(result.Passed, $"verification checks failed:{Environment.NewLine}{result.Failures}");
            Assert.Equal(["kill-gateway", "kill-redis"], result.Faults.Faults.Select(f => f.Name));
            foreach (var fault in result.Faults.Faults)
            {
                Assert.True(fault.Recovered, $"{fault.Name} did not recover by itself: {fault.Skipped ?? fault.Failure ?? "not healthy again within the recovery time-out"}");
            }
            // Each fault really took its process down: the host saw that resource not healthy in the fault's window.
            Assert.True(result.Faults.Faults[0].UnhealthyResources.Contains("gateway"),
                $"the host never saw the gateway unhealthy after kill-gateway (saw: {string.Join(", ", result.Faults.Faults[0].UnhealthyResources)})");
            Assert.True(result.Faults.Faults[1].UnhealthyResources.Contains("cache"),
                $"the host never saw Redis ('cache') unhealthy after kill-redis (saw: {string.Join(", ", result.Faults.Faults[1].UnhealthyResources)})");
            Assert.True(File.Exists(Path.Combine(result.Directory, "faults.txt")), $"no faults.txt in {result.Directory}");
        }
        finally
        {
            reports.Delete(recursive: true);
        }
    }

    /// <summary>The run's progress lines into the test's output.</summary>
    private sealed class OutputWriter(ITestOutputHelper output) : TextWriter
    {
        private readonly StringBuilder _line = new();

        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value)
        {
            if (value == '\n')
            {
                WriteLine();
            }
            else if (value != '\r')
            {
                _line.Append(value);
            }
        }

        public override void WriteLine()
        {
            output.WriteLine(_line.ToString());
            _line.Clear();
        }

        public override void WriteLine(string? value)
        {
            _line.Append(value);
            WriteLine();
        }
    }
}
