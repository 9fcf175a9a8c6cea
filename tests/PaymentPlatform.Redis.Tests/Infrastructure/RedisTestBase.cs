namespace PaymentPlatform.Redis.Tests.Infrastructure;

/// <summary>
/// A test class against its own redis-server, speaking one protocol. Every test gets a fresh
/// key prefix, so tests never see each other's data.
/// </summary>
public abstract class RedisTestBase(RedisServerFixture server, RedisProtocol protocol) : IClassFixture<RedisServerFixture>
{
    private readonly string _prefix = Guid.NewGuid().ToString("N");

    protected RedisServerFixture Server { get; } = server;

    protected RedisProtocol Protocol { get; } = protocol;

    protected string Key(string name) => $"{_prefix}:{name}";

    protected Task<RedisClient> ConnectAsync(Action<RedisClientOptions>? configure = null) => Server.ConnectAsync(Protocol, configure);
}
