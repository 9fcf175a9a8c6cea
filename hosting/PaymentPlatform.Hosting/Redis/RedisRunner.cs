using System.Globalization;
using PaymentPlatform.Hosting.ApplicationModel;
using PaymentPlatform.Hosting.Orchestration;
using PaymentPlatform.Redis;

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

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        var server = Context.Binaries.Require("redis-server", "redis-server");
        DataLayout.CreateTraversable(_dataDirectory);
        _replica = CreateSupervisor(new ReplicaDefinition(
            _redis.Name, 0,
            () => _tcp.Replicas[0],
            async ct => new ProcessSpec(server, [await WriteConfigAsync(ct).ConfigureAwait(false)], new Dictionary<string, string>(), _dataDirectory, PosixSignalNumber.Terminate),
            ProbeAsync,
            PosixSignalNumber.Terminate,
            () => MoveToFreshPort(_tcp, 0)));
        _replica.Start();
        return Task.CompletedTask;
    }

    /// <summary>Writes redis.conf for the current port; only the host's user may read it, since it holds the password.</summary>
    private async Task<string> WriteConfigAsync(CancellationToken cancellationToken)
    {
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
            "");
        await using (var file = new FileStream(configPath, new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        await using (var writer = new StreamWriter(file))
        {
            await writer.WriteAsync(config.AsMemory(), cancellationToken).ConfigureAwait(false);
        }
        return configPath;
    }

    public override Task StopAsync() => _replica?.StopAsync() ?? Task.CompletedTask;

    /// <summary>A real authenticated round trip: connect, AUTH, PING (with the platform's own Redis client).</summary>
    private async Task<bool> ProbeAsync(CancellationToken cancellationToken)
    {
        var connectionString = await _redis.ConnectionStringExpression.GetValueAsync(cancellationToken).ConfigureAwait(false);
        var options = RedisClientOptions.Parse(connectionString!);
        options.DisableTracing = true;
        options.DisableMetrics = true;
        await using var client = await RedisClient.ConnectAsync(options, loggerFactory: null, cancellationToken).ConfigureAwait(false);
        await client.PingAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }
}
