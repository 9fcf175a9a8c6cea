using System.Globalization;
using System.Net.Sockets;
using System.Text;
using PaymentPlatform.Hosting.ApplicationModel;
using PaymentPlatform.Hosting.Orchestration;

namespace PaymentPlatform.Hosting.Redis;

/// <summary>
/// Runs Redis as a local process, configured as the platform's event path needs it: a
/// password, AOF with fsync on every write (an acknowledged stream entry survives kill -9),
/// and no eviction (the server refuses writes rather than dropping data).
/// </summary>
internal sealed class RedisRunner : ResourceRunner
{
    private readonly RedisResource _redis;
    private readonly EndpointAnnotation _tcp;
    private readonly string _dataDirectory;
    private ReplicaSupervisor? _replica;

    public RedisRunner(RedisResource redis, RunContext context)
        : base(redis, "Redis", context)
    {
        _redis = redis;
        _tcp = redis.Annotations.OfType<EndpointAnnotation>().Single();
        _dataDirectory = context.Data.DataDirectoryFor(redis);
    }

    public override IReadOnlyList<ReplicaSupervisor> Replicas => _replica is null ? [] : [_replica];

    public override string? Url => _tcp.Primary is { } e ? $"{e.Host}:{e.Port}" : null;

    public void AllocateEndpoints() =>
        _tcp.Replicas = [new AllocatedEndpoint("tcp", "127.0.0.1", Context.Ports.Allocate())];

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        var server = Context.Binaries.Require("redis-server", "redis-server");
        DataLayout.CreateTraversable(_dataDirectory);
        var configPath = Path.Combine(_dataDirectory, "redis.conf");
        var password = await _redis.PasswordParameter.GetValueAsync(cancellationToken).ConfigureAwait(false);
        var config = string.Join('\n',
            "bind 127.0.0.1",
            $"port {_tcp.Replicas[0].Port.ToString(CultureInfo.InvariantCulture)}",
            "protected-mode yes",
            "daemonize no",
            $"dir \"{_dataDirectory}\"",
            $"requirepass \"{password}\"",
            "appendonly yes",
            "appendfsync always",
            "maxmemory-policy noeviction",
            // The append-only file is the durability; skip RDB snapshots and their fork pauses.
            "save \"\"",
            "") ;
        // The file holds the password: only the host's user may read it.
        await File.WriteAllTextAsync(configPath, "", cancellationToken).ConfigureAwait(false);
        File.SetUnixFileMode(configPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await File.WriteAllTextAsync(configPath, config, cancellationToken).ConfigureAwait(false);

        _replica = CreateSupervisor(new ReplicaDefinition(
            _redis.Name, 0, Url,
            _ => Task.FromResult(new ProcessSpec(server, [configPath], new Dictionary<string, string>(), _dataDirectory, PosixSignalNumber.Terminate)),
            ProbeAsync,
            PosixSignalNumber.Terminate));
        _replica.Start();
    }

    public override Task StopAsync() => _replica?.StopAsync() ?? Task.CompletedTask;

    /// <summary>A real authenticated round trip: AUTH, then PING.</summary>
    private async Task<bool> ProbeAsync(CancellationToken cancellationToken)
    {
        var endpoint = _tcp.Replicas[0];
        var password = await _redis.PasswordParameter.GetValueAsync(cancellationToken).ConfigureAwait(false);
        using var client = new TcpClient();
        await client.ConnectAsync(endpoint.Host, endpoint.Port, cancellationToken).ConfigureAwait(false);
        var stream = client.GetStream();
        var request = $"*2\r\n$4\r\nAUTH\r\n${Encoding.UTF8.GetByteCount(password!)}\r\n{password}\r\n*1\r\n$4\r\nPING\r\n";
        await stream.WriteAsync(Encoding.UTF8.GetBytes(request), cancellationToken).ConfigureAwait(false);
        var expected = "+OK\r\n+PONG\r\n"u8.ToArray();
        var buffer = new byte[expected.Length];
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                return false;
            }
            read += n;
            if (buffer[0] != (byte)'+')
            {
                return false; // -LOADING while replaying the AOF, or -ERR: not ready
            }
        }
        return buffer.AsSpan().SequenceEqual(expected);
    }
}
