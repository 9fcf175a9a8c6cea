using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace PaymentPlatform.Hosting.Orchestration;

/// <summary>What to run, as whom, and which signal the kernel sends it if the host dies.</summary>
internal sealed record ProcessSpec(
    string FileName,
    IReadOnlyList<string> Arguments,
    IReadOnlyDictionary<string, string> Environment,
    string WorkingDirectory,
    PosixSignalNumber DeathSignal,
    string? RunAsUser = null);

/// <summary>The Linux signal numbers the host sends (x86-64 and arm64 agree on these).</summary>
internal enum PosixSignalNumber
{
    Interrupt = 2,
    Kill = 9,
    Terminate = 15,
    Continue = 18,
    Stop = 19,
}

/// <summary>
/// Starts every child process from one long-lived thread. The kernel's parent-death signal
/// (set through <c>setpriv --pdeathsig</c>) fires when the thread that forked the child exits,
/// not the process; a thread-pool thread may retire at any time and would take its children
/// with it, while this thread lives exactly as long as the host. Each child also gets a
/// session of its own (<c>setsid</c>), so Ctrl+C in the terminal reaches only the host, which
/// then stops services before the databases they use.
/// </summary>
internal sealed class ProcessLauncher : IDisposable
{
    private readonly BlockingCollection<(ProcessSpec Spec, TaskCompletionSource<Process> Started)> _queue = new();
    private readonly Thread _thread;
    private readonly string _setsid;
    private readonly string _setpriv;

    public ProcessLauncher(BinaryLocator binaries)
    {
        _setsid = binaries.Require("setsid", "util-linux");
        _setpriv = binaries.Require("setpriv", "util-linux");
        _thread = new Thread(Loop) { IsBackground = true, Name = "PaymentPlatform process launcher" };
        _thread.Start();
    }

    public Task<Process> StartAsync(ProcessSpec spec)
    {
        var started = new TaskCompletionSource<Process>(TaskCreationOptions.RunContinuationsAsynchronously);
        _queue.Add((spec, started));
        return started.Task;
    }

    private void Loop()
    {
        foreach (var (spec, started) in _queue.GetConsumingEnumerable())
        {
            try
            {
                started.SetResult(Start(spec));
            }
            catch (Exception ex)
            {
                started.SetException(ex);
            }
        }
    }

    private Process Start(ProcessSpec spec)
    {
        var info = new ProcessStartInfo(_setsid)
        {
            WorkingDirectory = spec.WorkingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(_setpriv);
        if (spec.RunAsUser is { } user)
        {
            info.ArgumentList.Add($"--reuid={user}");
            info.ArgumentList.Add($"--regid={user}");
            info.ArgumentList.Add("--init-groups");
        }
        info.ArgumentList.Add($"--pdeathsig={SignalName(spec.DeathSignal)}");
        info.ArgumentList.Add("--");
        info.ArgumentList.Add(spec.FileName);
        foreach (var argument in spec.Arguments)
        {
            info.ArgumentList.Add(argument);
        }
        foreach (var (key, value) in spec.Environment)
        {
            info.Environment[key] = value;
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {spec.FileName}.");
        process.StandardInput.Close();
        return process;
    }

    private static string SignalName(PosixSignalNumber signal) => signal switch
    {
        PosixSignalNumber.Interrupt => "INT",
        PosixSignalNumber.Terminate => "TERM",
        PosixSignalNumber.Kill => "KILL",
        _ => throw new ArgumentOutOfRangeException(nameof(signal), signal, "Not a death signal."),
    };

    public static bool Signal(int pid, PosixSignalNumber signal) => NativeMethods.kill(pid, (int)signal) == 0;

    public static bool IsRoot => NativeMethods.geteuid() == 0;

    public void Dispose() => _queue.CompleteAdding();

    private static class NativeMethods
    {
#pragma warning disable SYSLIB1054 // Two trivial libc calls; LibraryImport would need unsafe code for no gain.
        [DllImport("libc", SetLastError = true)]
        internal static extern int kill(int pid, int sig);

        [DllImport("libc")]
        internal static extern uint geteuid();
#pragma warning restore SYSLIB1054
    }
}
