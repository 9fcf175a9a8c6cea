using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace PaymentPlatform.Redis.Benchmarks;

/// <summary>A redis-server of the benchmark's own, on a free loopback port in a throwaway directory.</summary>
internal sealed class RedisServerProcess : IAsyncDisposable
{
    public const string Password = "bench";

    private readonly Process _process;
    private readonly string _directory;

    private RedisServerProcess(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    public static async Task<RedisServerProcess> StartAsync(string redisServer, IEnumerable<string> persistence)
    {
        int port = FreePort();
        string directory = Directory.CreateTempSubdirectory("redis-bench-").FullName;
        string log = Path.Combine(directory, "redis.log");
        var start = new ProcessStartInfo(redisServer) { UseShellExecute = false };
        foreach (string argument in new[]
        {
            "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--requirepass", Password,
            "--dir", directory, "--logfile", log, "--save", "", "--daemonize", "no",
        }.Concat(persistence))
        {
            start.ArgumentList.Add(argument);
        }
        Process process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        var server = new RedisServerProcess(process, directory, port);
        var stopwatch = Stopwatch.StartNew();
        while (!File.Exists(log) || !(await File.ReadAllTextAsync(log)).Contains("Ready to accept connections", StringComparison.Ordinal))
        {
            if (process.HasExited || stopwatch.Elapsed > TimeSpan.FromSeconds(15))
            {
                await server.DisposeAsync();
                throw new InvalidOperationException($"redis-server did not become ready; see {log}.");
            }
            await Task.Delay(10);
        }
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        await _process.WaitForExitAsync();
        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
