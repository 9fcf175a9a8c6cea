using System.Diagnostics;
using PaymentPlatform.Hosting.ApplicationModel;

namespace PaymentPlatform.Hosting.Orchestration;

/// <summary>How one replica is started, stopped and checked.</summary>
internal sealed record ReplicaDefinition(
    string ResourceName,
    int Index,
    Func<AllocatedEndpoint> Endpoint,
    Func<CancellationToken, Task<ProcessSpec>> CreateSpec,
    Func<CancellationToken, Task<bool>> ProbeHealth,
    PosixSignalNumber StopSignal,
    Func<AllocatedEndpoint>? MoveToFreshPort = null);

/// <summary>
/// Keeps one replica's process running: starts it, watches its health, restarts it with
/// backoff when it exits unexpectedly (saying why), and carries out lifecycle commands.
/// </summary>
internal sealed class ReplicaSupervisor
{
    private static readonly TimeSpan FirstRestartDelay = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaxRestartDelay = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StableUptime = TimeSpan.FromSeconds(30);

    private readonly ReplicaDefinition _definition;
    private readonly ProcessLauncher _launcher;
    private readonly ResourceLoggerService _logs;
    private readonly DistributedApplicationOptions _options;
    private readonly Action _changed;
    private readonly Lock _lock = new();

    private Task? _supervision;
    private CancellationTokenSource? _supervisionCts;
    private Process? _process;
    private bool _desiredRunning;
    private int _consecutiveFailures;
    private bool _everHealthy;

    public ReplicaSupervisor(ReplicaDefinition definition, ProcessLauncher launcher, ResourceLoggerService logs, DistributedApplicationOptions options, Action changed)
    {
        _definition = definition;
        _launcher = launcher;
        _logs = logs;
        _options = options;
        _changed = changed;
    }

    public int Index => _definition.Index;

    public string State { get; private set; } = KnownResourceStates.NotStarted;

    public ResourceHealth Health { get; private set; } = ResourceHealth.Unknown;

    public int Restarts { get; private set; }

    public int? LastExitCode { get; private set; }

    public DateTimeOffset? StartedAt { get; private set; }

    public int? ProcessId => LiveProcessId();

    public string? Error { get; private set; }

    public ReplicaSnapshot Snapshot() => new(Index, State, Health, ProcessId, _definition.Endpoint().Url, Restarts, LastExitCode, StartedAt);

    /// <summary>Starts the replica and keeps it running until stopped.</summary>
    public void Start()
    {
        lock (_lock)
        {
            _desiredRunning = true;
            if (_supervision is { IsCompleted: false })
            {
                return;
            }
            _supervisionCts = new CancellationTokenSource();
            _supervision = Task.Run(() => SuperviseAsync(_supervisionCts.Token));
        }
    }

    /// <summary>Stops the replica gracefully; kills it if it has not exited within the timeout.</summary>
    public async Task StopAsync()
    {
        Task? supervision;
        lock (_lock)
        {
            _desiredRunning = false;
            supervision = _supervision;
            _supervisionCts?.Cancel();
        }
        if (LiveProcessId() is { } pid)
        {
            SetState(KnownResourceStates.Stopping);
            ProcessLauncher.Signal(pid, PosixSignalNumber.Continue); // a paused process cannot handle its stop signal
            ProcessLauncher.Signal(pid, _definition.StopSignal);
        }
        if (supervision is null)
        {
            return;
        }
        try
        {
            // The supervision loop ends once the process has exited and it sees no restart is wanted.
            await supervision.WaitAsync(_options.GracefulShutdownTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _logs.HostMessage($"{_definition.ResourceName}-{Index} did not stop within {_options.GracefulShutdownTimeout.TotalSeconds:0} s; killing it.", isError: true);
            Signal(PosixSignalNumber.Kill);
            await supervision.ConfigureAwait(false);
        }
    }

    /// <summary>Sends SIGKILL; the replica is restarted as after any crash.</summary>
    public void Kill() => Signal(PosixSignalNumber.Kill);

    /// <summary>Freezes the process (SIGSTOP): it keeps its port but answers nothing.</summary>
    public void Pause()
    {
        if (Signal(PosixSignalNumber.Stop))
        {
            SetState(KnownResourceStates.Paused);
        }
    }

    /// <summary>Thaws a paused process (SIGCONT).</summary>
    public void Resume()
    {
        if (Signal(PosixSignalNumber.Continue) && State == KnownResourceStates.Paused)
        {
            SetState(KnownResourceStates.Running);
        }
    }

    private bool Signal(PosixSignalNumber signal) =>
        LiveProcessId() is { } pid && ProcessLauncher.Signal(pid, signal);

    /// <summary>The running process's id; null between runs.</summary>
    private int? LiveProcessId()
    {
        lock (_lock)
        {
            return _process is { HasExited: false } p ? p.Id : null;
        }
    }

    private async Task SuperviseAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            SetState(KnownResourceStates.Starting);
            Process process;
            try
            {
                var spec = await _definition.CreateSpec(cancellationToken).ConfigureAwait(false);
                process = await _launcher.StartAsync(spec).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                Error = ex.Message;
                _logs.HostMessage($"{_definition.ResourceName}-{Index} failed to start: {ex.Message}", isError: true);
                SetState(KnownResourceStates.FailedToStart);
                return;
            }

            lock (_lock)
            {
                _process = process;
            }
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) { _logs.Append(_definition.ResourceName, Index, e.Data, isError: false); } };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { _logs.Append(_definition.ResourceName, Index, e.Data, isError: true); } };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            StartedAt = DateTimeOffset.UtcNow;
            Error = null;
            SetState(KnownResourceStates.Running);

            using var processCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var monitoring = MonitorHealthAsync(processCts.Token);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            // Let the output readers drain so the last lines are in the log before we report them.
            process.WaitForExit();
            await processCts.CancelAsync().ConfigureAwait(false);
            await monitoring.ConfigureAwait(false);

            var pid = process.Id;
            LastExitCode = process.ExitCode;
            Health = ResourceHealth.Unknown;
            var uptime = DateTimeOffset.UtcNow - StartedAt.Value;
            lock (_lock)
            {
                _process = null;
            }
            process.Dispose();

            bool restart;
            lock (_lock)
            {
                restart = _desiredRunning && !cancellationToken.IsCancellationRequested;
            }
            if (!restart)
            {
                SetState(KnownResourceStates.Finished);
                return;
            }

            if (TryMoveToFreshPort())
            {
                continue;
            }

            _consecutiveFailures = uptime >= StableUptime ? 1 : _consecutiveFailures + 1;
            var delay = TimeSpan.FromTicks(Math.Min(MaxRestartDelay.Ticks, FirstRestartDelay.Ticks << Math.Min(_consecutiveFailures - 1, 10)));
            Restarts++;
            ReportUnexpectedExit(pid, LastExitCode.Value, delay);
            SetState(KnownResourceStates.Exited);
            try
            {
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        SetState(KnownResourceStates.Finished);
    }

    private void ReportUnexpectedExit(int pid, int exitCode, TimeSpan delay)
    {
        var lastLines = _logs.GetLines(_definition.ResourceName, Index, max: 10);
        var description = exitCode switch
        {
            137 or -9 => "killed (SIGKILL)",
            _ => $"exited with code {exitCode}",
        };
        var portHint = PortWasTaken()
            ? $" Its port is taken by another process: find it with 'ss -ltnp | grep :{_definition.Endpoint().Port}' and stop it."
            : "";
        _logs.HostMessage(
            $"{_definition.ResourceName}-{Index} (pid {pid}) {description}; restarting in {delay.TotalSeconds:0.#} s (restart {Restarts}).{portHint}" +
            (lastLines.Count > 0 ? Environment.NewLine + "  last lines:" + Environment.NewLine + string.Join(Environment.NewLine, lastLines.Select(l => "    " + l.Text)) : ""),
            isError: true);
    }

    private bool PortWasTaken() =>
        _logs.GetLines(_definition.ResourceName, Index, max: 20)
            .Any(l => l.Timestamp >= StartedAt && l.Text.Contains("address already in use", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Another process took the port between the host choosing it and the replica binding it
    /// (Aspire's "port already in use", dotnet/aspire#4037). Before the replica was ever healthy,
    /// nothing that waits for it has started, so it can move to a fresh port.
    /// </summary>
    private bool TryMoveToFreshPort()
    {
        if (_everHealthy || _definition.MoveToFreshPort is null || !PortWasTaken())
        {
            return false;
        }
        var taken = _definition.Endpoint().Port;
        var fresh = _definition.MoveToFreshPort();
        _logs.HostMessage($"{_definition.ResourceName}-{Index}: port {taken} was taken by another process before it could bind it; moved to port {fresh.Port}.", isError: true);
        return true;
    }

    private async Task MonitorHealthAsync(CancellationToken cancellationToken)
    {
        // Poll quickly until the first healthy answer, so start-up is not padded by the interval.
        var fast = TimeSpan.FromMilliseconds(100);
        while (!cancellationToken.IsCancellationRequested)
        {
            bool healthy;
            try
            {
                using var probeTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                probeTimeout.CancelAfter(TimeSpan.FromSeconds(2));
                healthy = await _definition.ProbeHealth(probeTimeout.Token).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // A refused connection, a timeout, a bad answer: all mean "not healthy".
                if (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
                healthy = false;
            }
            var health = healthy ? ResourceHealth.Healthy : ResourceHealth.Unhealthy;
            _everHealthy |= healthy;
            if (health != Health)
            {
                Health = health;
                _changed();
            }
            try
            {
                await Task.Delay(Health == ResourceHealth.Healthy ? _options.HealthCheckInterval : fast, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void SetState(string state)
    {
        State = state;
        _changed();
    }
}
