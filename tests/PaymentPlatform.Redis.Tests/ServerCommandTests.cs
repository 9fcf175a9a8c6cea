using PaymentPlatform.Redis.Tests.Infrastructure;

namespace PaymentPlatform.Redis.Tests;

public abstract class ServerCommandTests(RedisServerFixture server, RedisProtocol protocol) : RedisTestBase(server, protocol)
{
    public sealed class Resp2(RedisServerFixture server) : ServerCommandTests(server, RedisProtocol.Resp2);

    public sealed class Resp3(RedisServerFixture server) : ServerCommandTests(server, RedisProtocol.Resp3);

    [Fact]
    public async Task PingReturnsTheRoundTripTime()
    {
        await using RedisClient client = await ConnectAsync();

        TimeSpan roundTrip = await client.PingAsync();

        Assert.InRange(roundTrip, TimeSpan.Zero, TimeSpan.FromSeconds(5));
        Assert.True(client.IsConnected);
    }

    [Fact]
    public async Task TimeReturnsTheServerClock()
    {
        await using RedisClient client = await ConnectAsync();

        DateTimeOffset serverTime = await client.TimeAsync();

        Assert.InRange(serverTime, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
    }

    [Fact]
    public async Task ExecuteSendsAnyCommandAndReturnsTheRawReply()
    {
        await using RedisClient client = await ConnectAsync();
        await client.ExecuteAsync("RPUSH", Key("list"), "a", "b", 3);

        RedisResult list = await client.ExecuteAsync("LRANGE", [Key("list"), 0, -1]);
        RedisResult type = await client.ExecuteAsync("type", Key("list"));

        Assert.Equal(RedisResultType.Array, list.Type);
        Assert.Equal(["a", "b", "3"], list.Elements.Select(e => (string?)e));
        Assert.Equal("list", (string?)type);
    }

    [Fact]
    public async Task TheNegotiatedProtocolIsTheOneAskedFor()
    {
        await using RedisClient client = await ConnectAsync();

        string info = (string)(await client.ExecuteAsync("CLIENT", "INFO"))!;

        Assert.Contains($"resp={(int)Protocol}", info.Split(' ', '\n', '\r'));
    }

    [Theory]
    [InlineData("SUBSCRIBE")]
    [InlineData("select")]
    [InlineData("MULTI")]
    [InlineData("BLPOP")]
    [InlineData("MONITOR")]
    [InlineData("QUIT")]
    public async Task CommandsThatWouldDisturbTheSharedConnectionAreRefused(string command)
    {
        await using RedisClient client = await ConnectAsync();

        ArgumentException error = await Assert.ThrowsAsync<ArgumentException>(() => client.ExecuteAsync(command, "x"));

        Assert.Contains("shared connection", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClientReplyIsRefusedButOtherClientSubcommandsAreNot()
    {
        await using RedisClient client = await ConnectAsync();

        await Assert.ThrowsAsync<ArgumentException>(() => client.ExecuteAsync("CLIENT", "reply", "OFF"));

        Assert.True((long)await client.ExecuteAsync("CLIENT", "ID") > 0);
    }

    [Fact]
    public async Task ACommandWithSpacesIsRefusedWithAHint()
    {
        await using RedisClient client = await ConnectAsync();

        ArgumentException error = await Assert.ThrowsAsync<ArgumentException>(() => client.ExecuteAsync("SCRIPT FLUSH"));

        Assert.Contains("as arguments", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownCommandIsAnErrError()
    {
        await using RedisClient client = await ConnectAsync();

        RedisServerException error = await Assert.ThrowsAsync<RedisServerException>(() => client.ExecuteAsync("NOSUCHCOMMAND"));

        Assert.Equal("ERR", error.ErrorPrefix);
        Assert.Equal("NOSUCHCOMMAND", error.Command);
        Assert.StartsWith("ERR unknown command", error.ServerMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreatingAConsumerGroupTwiceByHandIsABusyGroupError()
    {
        await using RedisClient client = await ConnectAsync();
        await client.ExecuteAsync("XGROUP", "CREATE", Key("s"), "g", "$", "MKSTREAM");

        RedisServerException error = await Assert.ThrowsAsync<RedisServerException>(
            () => client.ExecuteAsync("XGROUP", "CREATE", Key("s"), "g", "$", "MKSTREAM"));

        Assert.Equal("BUSYGROUP", error.ErrorPrefix);
    }

    [Fact]
    public async Task AWrongPasswordFailsTheConnectionWithTheServersReason()
    {
        RedisConnectionException error = await Assert.ThrowsAsync<RedisConnectionException>(
            () => ConnectAsync(options => options.Password = "wrong"));

        Assert.Contains("WRONGPASS", error.Message, StringComparison.Ordinal);
        Assert.Equal("WRONGPASS", Assert.IsType<RedisServerException>(error.InnerException).ErrorPrefix);
    }

    [Fact]
    public async Task AMissingPasswordFailsTheConnectionWithNoAuth()
    {
        RedisConnectionException error = await Assert.ThrowsAsync<RedisConnectionException>(
            () => ConnectAsync(options => options.Password = null));

        Assert.Contains("NOAUTH", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheDefaultDatabaseIsSelectedOnConnect()
    {
        await using RedisClient db3 = await ConnectAsync(options => options.Database = 3);
        await using RedisClient db0 = await ConnectAsync();

        await db3.SetAsync(Key("k"), "in three");

        Assert.Equal("in three", (string?)await db3.GetAsync(Key("k")));
        Assert.True((await db0.GetAsync(Key("k"))).IsNull);
        Assert.Equal(3, db3.Database);
    }

    [Fact]
    public async Task TheClientNameIsSetOnConnect()
    {
        await using RedisClient client = await ConnectAsync(options => options.ClientName = "payments-test");

        Assert.Equal("payments-test", (string?)await client.ExecuteAsync("CLIENT", "GETNAME"));
    }

    [Fact]
    public async Task AConnectionStringFromAspireConnects()
    {
        await using RedisClient client = await RedisClient.ConnectAsync(Server.ConnectionString + ",abortConnect=false");

        Assert.True(client.IsConnected);
        Assert.Equal($"127.0.0.1:{Server.Port}", client.EndPoint);
    }

    [Fact]
    public async Task ConnectingToAClosedPortThrowsUnlessAbortConnectIsFalse()
    {
        RedisClientOptions options = RedisClientOptions.Parse($"127.0.0.1:{ClosedPort()},connectTimeout=2000,syncTimeout=500");

        RedisConnectionException error = await Assert.ThrowsAsync<RedisConnectionException>(() => RedisClient.ConnectAsync(options));
        Assert.Contains($"127.0.0.1:", error.Message, StringComparison.Ordinal);

        options.AbortOnConnectFail = false;
        await using RedisClient client = await RedisClient.ConnectAsync(options);
        Assert.False(client.IsConnected);
        RedisConnectionException notConnected = await Assert.ThrowsAsync<RedisConnectionException>(() => client.GetAsync(Key("k")));
        Assert.False(notConnected.CommandMayHaveRun);
    }

    [Fact]
    public async Task ADisposedClientRefusesCommands()
    {
        RedisClient client = await ConnectAsync();
        await client.DisposeAsync();
        await client.DisposeAsync();
        client.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.PingAsync());
        Assert.False(client.IsConnected);
    }

    [Fact]
    public async Task ArgumentsAreCheckedBeforeAnythingIsSent()
    {
        await using RedisClient client = await ConnectAsync();

        await Assert.ThrowsAsync<ArgumentNullException>(() => client.GetAsync(null!));
        await Assert.ThrowsAsync<ArgumentNullException>(() => client.HashGetAsync(Key("h"), null!));
        await Assert.ThrowsAsync<ArgumentException>(() => client.StreamReadGroupAsync(Key("s"), "", "c"));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => client.StreamReadGroupAsync(Key("s"), "g", "c", count: 0));
        await Assert.ThrowsAsync<ArgumentException>(() => client.SortedSetAddAsync(Key("z"), "m", double.NaN));
        await Assert.ThrowsAsync<ArgumentNullException>(() => client.SubscribeAsync("ch", null!));
    }

    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
