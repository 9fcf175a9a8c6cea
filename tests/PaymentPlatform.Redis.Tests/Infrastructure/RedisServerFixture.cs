using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace PaymentPlatform.Redis.Tests.Infrastructure;

/// <summary>
/// A real redis-server for one test class, on a free loopback port, with a password and a
/// throwaway directory; both the process and the directory are removed on dispose.
/// </summary>
public class RedisServerFixture : IAsyncLifetime
{
    /// <summary>Contains '=' to prove the connection string parser keeps it.</summary>
    public const string Password = "test=secret";

    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(15);

    private Process? _process;

    public RedisServerFixture()
    {
        Port = FindFreePort();
        Directory = Path.Combine(Path.GetTempPath(), "redis-tests-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
    }

    public int Port { get; }

    public string Directory { get; }

    public virtual string ConnectionString => $"127.0.0.1:{Port},password={Password}";

    public RedisClientOptions CreateOptions(RedisProtocol protocol = RedisProtocol.Resp2, Action<RedisClientOptions>? configure = null)
    {
        RedisClientOptions options = RedisClientOptions.Parse(ConnectionString);
        options.Protocol = protocol;
        configure?.Invoke(options);
        return options;
    }

    public Task<RedisClient> ConnectAsync(RedisProtocol protocol = RedisProtocol.Resp2, Action<RedisClientOptions>? configure = null) =>
        RedisClient.ConnectAsync(CreateOptions(protocol, configure));

    public Task InitializeAsync() => StartAsync();

    public async Task DisposeAsync()
    {
        await StopAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is not worth failing a run over.
        }
    }

    /// <summary>Extra redis-server arguments for derived fixtures (TLS, for example).</summary>
    protected virtual IEnumerable<string> ListenArguments() => ["--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture)];

    public async Task StartAsync()
    {
        string logFile = Path.Combine(Directory, "redis.log");
        File.Delete(logFile);
        var start = new ProcessStartInfo(FindRedisServer())
        {
            UseShellExecute = false,
            RedirectStandardOutput = false,
            RedirectStandardError = false,
        };
        foreach (string argument in ListenArguments().Concat(
        [
            "--bind", "127.0.0.1",
            "--requirepass", Password,
            "--dir", Directory,
            "--logfile", logFile,
            "--save", "",
            "--appendonly", "no",
            "--daemonize", "no",
        ]))
        {
            start.ArgumentList.Add(argument);
        }
        _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        var stopwatch = Stopwatch.StartNew();
        while (!IsReady(logFile))
        {
            if (_process.HasExited || stopwatch.Elapsed > s_startTimeout)
            {
                string log = File.Exists(logFile) ? await File.ReadAllTextAsync(logFile) : "(no log)";
                throw new InvalidOperationException(
                    $"redis-server on port {Port} did not report 'Ready to accept connections' within {s_startTimeout.TotalSeconds} s "
                    + $"(exited: {_process.HasExited}). Log:\n{log}");
            }
            await Task.Delay(10);
        }
    }

    public async Task StopAsync()
    {
        if (_process is null)
        {
            return;
        }
        if (!_process.HasExited)
        {
            // SIGKILL, like a crash: in-flight commands see the connection drop mid-way.
            _process.Kill(entireProcessTree: true);
        }
        await _process.WaitForExitAsync();
        _process.Dispose();
        _process = null;
    }

    /// <summary>Stops the server process (SIGSTOP): it neither reads nor answers, like a hung host, until <see cref="ThawAsync"/>.</summary>
    public Task FreezeAsync() => SignalAsync("-STOP");

    /// <summary>Resumes a frozen server (SIGCONT).</summary>
    public Task ThawAsync() => SignalAsync("-CONT");

    private async Task SignalAsync(string signal)
    {
        int pid = _process?.Id ?? throw new InvalidOperationException("redis-server is not running.");
        using Process kill = Process.Start(new ProcessStartInfo("kill", [signal, pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })
            ?? throw new InvalidOperationException("kill did not start.");
        await kill.WaitForExitAsync();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill {signal} {pid} exited with {kill.ExitCode}.");
        }
    }

    public async Task RestartAsync()
    {
        await StopAsync();
        await StartAsync();
    }

    private static bool IsReady(string logFile)
    {
        try
        {
            using var stream = new FileStream(logFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd().Contains("Ready to accept connections", StringComparison.Ordinal);
        }
        catch (FileNotFoundException)
        {
            return false;
        }
    }

    private static string FindRedisServer()
    {
        string? path = Environment.GetEnvironmentVariable("PATH");
        foreach (string folder in (path ?? "").Split(Path.PathSeparator).Append("/usr/bin").Append("/usr/local/bin"))
        {
            string candidate = Path.Combine(folder, "redis-server");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new InvalidOperationException(
            "These tests run a real Redis and redis-server is not installed. Install it with: apt-get install -y redis-server");
    }

    private static int FindFreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
