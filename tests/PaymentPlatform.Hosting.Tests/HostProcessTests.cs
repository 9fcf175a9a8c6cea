using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace PaymentPlatform.Hosting.Tests;

/// <summary>
/// Runs a small AppHost as a real process and stops it the ways people and machines do:
/// Ctrl+C (SIGINT) and SIGKILL. Nothing it started may survive it.
/// </summary>
public sealed partial class HostProcessTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("pp-host-").FullName;
    private RunningHost? _host;

    private sealed class RunningHost(Process process, List<string> output)
    {
        public Process Process { get; } = process;
        public List<string> Output { get; } = output;
        public string Text { get { lock (Output) { return string.Join(Environment.NewLine, Output); } } }
    }

    private async Task<RunningHost> StartHostAsync()
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(new Projects.PaymentPlatform_Hosting_TestAppHost().AssemblyPath);
        info.ArgumentList.Add($"--AppHost:DataDirectory={_dataDirectory}");
        var process = Process.Start(info)!;
        var output = new List<string>();
        var healthy = new TaskCompletionSource();
        void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }
            lock (output)
            {
                output.Add(line);
            }
            if (line.StartsWith("All 4 resources healthy", StringComparison.Ordinal))
            {
                healthy.TrySetResult();
            }
        }
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var host = _host = new RunningHost(process, output);
        try
        {
            await healthy.Task.WaitAsync(Timeout);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The test AppHost did not report all resources healthy within {Timeout}. Its output:{Environment.NewLine}{host.Text}");
        }
        // Let the summary's table lines arrive.
        await WaitUntilAsync(() => host.Text.Contains("Press Ctrl+C to stop.", StringComparison.Ordinal), "the summary table");
        return host;
    }

    /// <summary>The addresses in the output (the summary, and each replica's "Now listening on"): every port the app listens on.</summary>
    private static List<int> SummaryPorts(RunningHost host) =>
        [.. PortInSummary().Matches(host.Text).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))];

    [GeneratedRegex(@"127\.0\.0\.1:(\d+)")]
    private static partial Regex PortInSummary();

    [GeneratedRegex(@"^echo\s+\|\s+Project.*(http://127\.0\.0\.1:\d+)", RegexOptions.Multiline)]
    private static partial Regex FrontDoorInSummary();

    private static HashSet<int> Descendants(int root)
    {
        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                // Field 4 (ppid) follows the command name in parentheses, which may contain spaces.
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                parents[pid] = int.Parse(fields[1], CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
            }
        }
        var found = new HashSet<int>();
        var frontier = new Queue<int>([root]);
        while (frontier.TryDequeue(out var parent))
        {
            foreach (var (pid, ppid) in parents)
            {
                if (ppid == parent && found.Add(pid))
                {
                    frontier.Enqueue(pid);
                }
            }
        }
        return found;
    }

    /// <summary>Alive means present and not a zombie waiting to be reaped.</summary>
    private static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[stat.LastIndexOf(')') + 2] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static bool IsListening(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string waitingFor)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {Timeout} waiting for {waitingFor}.");
            }
            await Task.Delay(50);
        }
    }

    private static void Signal(int pid, string signal) =>
        Process.Start("kill", [$"-{signal}", pid.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();

    [Fact]
    public async Task CtrlCFinishesInFlightRequestsAndLeavesNoProcessOrPortBehind()
    {
        var host = await StartHostAsync();
        var children = Descendants(host.Process.Id);
        var ports = SummaryPorts(host);
        Assert.True(children.Count >= 4, $"expected PostgreSQL, Redis and two replicas under the host, found {children.Count}");
        // PostgreSQL (appdb shares it), Redis, echo's front door, and each replica's own port.
        Assert.Equal(5, ports.Distinct().Count());
        var frontDoor = new Uri(FrontDoorInSummary().Match(host.Text).Groups[1].Value);

        using var client = new HttpClient { Timeout = Timeout };
        var inFlight = client.GetAsync(new Uri(frontDoor, "/slow?ms=1500"));
        await Task.Delay(300); // the request is in flight: the service is holding it
        Signal(host.Process.Id, "INT");

        using var response = await inFlight;
        Assert.True(response.IsSuccessStatusCode, $"the in-flight request got {(int)response.StatusCode}");
        await host.Process.WaitForExitAsync(new CancellationTokenSource(Timeout).Token);
        Assert.Equal(0, host.Process.ExitCode);
        Assert.Contains("Stopped in", host.Text, StringComparison.Ordinal);
        Assert.False(children.Any(IsAlive), $"still alive after Ctrl+C: {string.Join(", ", children.Where(IsAlive))}");
        Assert.False(ports.Any(IsListening), $"still listening after Ctrl+C: {string.Join(", ", ports.Where(IsListening))}");
    }

    [Fact]
    public async Task SigkillOfTheHostLeavesNoProcessOrPortBehind()
    {
        var host = await StartHostAsync();
        var children = Descendants(host.Process.Id);
        var ports = SummaryPorts(host);
        Assert.True(children.Count >= 4, $"expected PostgreSQL, Redis and two replicas under the host, found {children.Count}");

        Signal(host.Process.Id, "KILL");
        await host.Process.WaitForExitAsync(new CancellationTokenSource(Timeout).Token);

        await WaitUntilAsync(() => !children.Any(IsAlive), $"the host's children ({string.Join(", ", children.Where(IsAlive))}) to exit");
        await WaitUntilAsync(() => !ports.Any(IsListening), $"ports {string.Join(", ", ports.Where(IsListening))} to close");
    }

    public void Dispose()
    {
        // A test that failed before stopping its host must not leave a platform running.
        if (_host is { Process.HasExited: false })
        {
            Signal(_host.Process.Id, "INT");
            if (!_host.Process.WaitForExit(Timeout))
            {
                _host.Process.Kill(entireProcessTree: true);
            }
        }
        _host?.Process.Dispose();
        // PostgreSQL's files belong to the postgres user when the tests run as root; root may remove them.
        Directory.Delete(_dataDirectory, recursive: true);
    }
}
