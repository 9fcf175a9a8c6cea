using PaymentPlatform.Redis.Tests.Infrastructure;

namespace PaymentPlatform.Redis.Tests;

public abstract class HashCommandTests(RedisServerFixture server, RedisProtocol protocol) : RedisTestBase(server, protocol)
{
    public sealed class Resp2(RedisServerFixture server) : HashCommandTests(server, RedisProtocol.Resp2);

    public sealed class Resp3(RedisServerFixture server) : HashCommandTests(server, RedisProtocol.Resp3);

    [Fact]
    public async Task HashSetReportsWhetherTheFieldIsNew()
    {
        await using RedisClient client = await ConnectAsync();

        Assert.True(await client.HashSetAsync(Key("h"), "f", "1"));
        Assert.False(await client.HashSetAsync(Key("h"), "f", "2"));

        Assert.Equal("2", (string?)await client.HashGetAsync(Key("h"), "f"));
    }

    [Fact]
    public async Task HashSetOfSeveralFieldsCountsTheNewOnes()
    {
        await using RedisClient client = await ConnectAsync();
        await client.HashSetAsync(Key("h"), "a", "0");

        long added = await client.HashSetAsync(Key("h"), [new("a", 1), new("b", 2), new("c", "three")]);

        Assert.Equal(2, added);
        await Assert.ThrowsAsync<ArgumentException>(() => client.HashSetAsync(Key("h"), []));
    }

    [Fact]
    public async Task HashGetOfAMissingFieldOrKeyReturnsNull()
    {
        await using RedisClient client = await ConnectAsync();
        await client.HashSetAsync(Key("h"), "f", "v");

        Assert.True((await client.HashGetAsync(Key("h"), "other")).IsNull);
        Assert.True((await client.HashGetAsync(Key("missing"), "f")).IsNull);
    }

    [Fact]
    public async Task HashGetAllReturnsEveryFieldOrNothing()
    {
        await using RedisClient client = await ConnectAsync();
        await client.HashSetAsync(Key("h"), [new("merchant", "m-1"), new("amount", 1250), new("currency", "CHF")]);

        IReadOnlyDictionary<string, RedisValue> all = await client.HashGetAllAsync(Key("h"));

        Assert.Equal(3, all.Count);
        Assert.Equal("m-1", (string?)all["merchant"]);
        Assert.Equal(1250, (long)all["amount"]);
        Assert.Equal("CHF", (string?)all["currency"]);
        Assert.Empty(await client.HashGetAllAsync(Key("missing")));
    }

    [Fact]
    public async Task HashDeleteReportsWhetherTheFieldExisted()
    {
        await using RedisClient client = await ConnectAsync();
        await client.HashSetAsync(Key("h"), "f", "v");

        Assert.True(await client.HashDeleteAsync(Key("h"), "f"));
        Assert.False(await client.HashDeleteAsync(Key("h"), "f"));
    }

    [Fact]
    public async Task HashIncrementAddsToAFieldStartingFromZero()
    {
        await using RedisClient client = await ConnectAsync();

        Assert.Equal(1, await client.HashIncrementAsync(Key("h"), "count"));
        Assert.Equal(-9, await client.HashIncrementAsync(Key("h"), "count", -10));
    }
}
