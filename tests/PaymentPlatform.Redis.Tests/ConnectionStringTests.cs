namespace PaymentPlatform.Redis.Tests;

public sealed class ConnectionStringTests
{
    [Fact]
    public void AspireConnectionStringGivesHostPortAndPassword()
    {
        RedisClientOptions options = RedisClientOptions.Parse("localhost:6380,password=p4ss");

        Assert.Equal("localhost", options.Host);
        Assert.Equal(6380, options.Port);
        Assert.Equal("p4ss", options.Password);
        Assert.Null(options.User);
        Assert.Equal(0, options.Database);
        Assert.False(options.Ssl);
    }

    [Fact]
    public void AHostWithoutAPortUsesTheDefaultPort()
    {
        Assert.Equal(6379, RedisClientOptions.Parse("cache.internal").Port);
    }

    [Fact]
    public void APasswordKeepsEverythingAfterTheFirstEqualsSign()
    {
        Assert.Equal("a=b==c", RedisClientOptions.Parse("h:1,password=a=b==c").Password);
    }

    [Fact]
    public void EveryDocumentedOptionIsRead()
    {
        RedisClientOptions options = RedisClientOptions.Parse(
            " redis:7000 , user=app, password=x, ssl=true, sslHost=redis.example, abortConnect=false, defaultDatabase=3,"
            + " connectTimeout=1500, syncTimeout=250, name=gateway, protocol=resp3 ");

        Assert.Equal("redis", options.Host);
        Assert.Equal(7000, options.Port);
        Assert.Equal("app", options.User);
        Assert.Equal("x", options.Password);
        Assert.True(options.Ssl);
        Assert.Equal("redis.example", options.SslHost);
        Assert.False(options.AbortOnConnectFail);
        Assert.Equal(3, options.Database);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), options.ConnectTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(250), options.CommandTimeout);
        Assert.Equal("gateway", options.ClientName);
        Assert.Equal(RedisProtocol.Resp3, options.Protocol);
    }

    [Fact]
    public void KeysAreCaseInsensitive()
    {
        RedisClientOptions options = RedisClientOptions.Parse("h,PASSWORD=x,AbortConnect=False,SSL=false");

        Assert.Equal("x", options.Password);
        Assert.False(options.AbortOnConnectFail);
    }

    [Fact]
    public void AsyncTimeoutAlsoSetsTheCommandTimeout()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(42), RedisClientOptions.Parse("h,asyncTimeout=42").CommandTimeout);
    }

    [Fact]
    public void DefaultsMatchTheDocumentation()
    {
        RedisClientOptions options = RedisClientOptions.Parse("h");

        Assert.True(options.AbortOnConnectFail);
        Assert.Equal(TimeSpan.FromSeconds(5), options.ConnectTimeout);
        Assert.Equal(TimeSpan.FromSeconds(5), options.CommandTimeout);
        Assert.Equal(RedisProtocol.Resp2, options.Protocol);
    }

    [Theory]
    [InlineData("[::1]:6390", "::1", 6390)]
    [InlineData("[::1]", "::1", 6379)]
    [InlineData("::1", "::1", 6379)]
    [InlineData("10.0.0.5:6381", "10.0.0.5", 6381)]
    public void EndpointsMayBeIpAddresses(string endPoint, string host, int port)
    {
        RedisClientOptions options = RedisClientOptions.Parse(endPoint);

        Assert.Equal(host, options.Host);
        Assert.Equal(port, options.Port);
    }

    [Fact]
    public void OptionsFromOtherClientsThatChangeNothingAreIgnored()
    {
        RedisClientOptions options = RedisClientOptions.Parse("h,allowAdmin=true,keepAlive=60,connectRetry=3,resolveDns=true");

        Assert.Equal("h", options.Host);
    }

    [Theory]
    [InlineData("", "no endpoint")]
    [InlineData("password=x", "no endpoint")]
    [InlineData("a:1,b:2", "more than one endpoint")]
    [InlineData("h:0", "invalid port")]
    [InlineData("h:99999", "invalid port")]
    [InlineData("h:abc", "invalid port")]
    [InlineData("h,ssl=yes", "true or false")]
    [InlineData("h,defaultDatabase=-1", "at least 0")]
    [InlineData("h,syncTimeout=0", "at least 1")]
    [InlineData("h,protocol=resp4", "resp2 or resp3")]
    [InlineData("h,tpyo=1", "'tpyo' is not known")]
    [InlineData("h,serviceName=mymaster", "Sentinel")]
    [InlineData("[::1:6379", "closing ']'")]
    public void MalformedConnectionStringsThrowFormatExceptionsThatSayWhy(string connectionString, string reason)
    {
        FormatException exception = Assert.Throws<FormatException>(() => RedisClientOptions.Parse(connectionString));

        Assert.Contains(reason, exception.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void ToStringMasksThePassword()
    {
        string text = RedisClientOptions.Parse("h:1,password=hunter2,defaultDatabase=2").ToString();

        Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
        Assert.StartsWith("h:1,password=*****,defaultDatabase=2", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ToStringParsesBackToTheSameOptions()
    {
        RedisClientOptions original = RedisClientOptions.Parse("h:1,user=u,defaultDatabase=2,abortConnect=false,syncTimeout=300,name=n,protocol=resp3");

        RedisClientOptions copy = RedisClientOptions.Parse(original.ToString());

        Assert.Equal((original.Host, original.Port, original.User, original.Database, original.AbortOnConnectFail, original.CommandTimeout, original.ClientName, original.Protocol),
            (copy.Host, copy.Port, copy.User, copy.Database, copy.AbortOnConnectFail, copy.CommandTimeout, copy.ClientName, copy.Protocol));
    }

    [Fact]
    public void CreatingAClientRejectsInvalidOptions()
    {
        var options = new RedisClientOptions { CommandTimeout = TimeSpan.Zero };

        Assert.Throws<ArgumentOutOfRangeException>(() => RedisClient.Create(options));
    }
}
