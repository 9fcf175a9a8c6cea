using PaymentPlatform.Redis.Tests.Infrastructure;

namespace PaymentPlatform.Redis.Tests;

public abstract class StringCommandTests(RedisServerFixture server, RedisProtocol protocol) : RedisTestBase(server, protocol)
{
    public sealed class Resp2(RedisServerFixture server) : StringCommandTests(server, RedisProtocol.Resp2);

    public sealed class Resp3(RedisServerFixture server) : StringCommandTests(server, RedisProtocol.Resp3);

    [Fact]
    public async Task GetOfAMissingKeyReturnsNull()
    {
        await using RedisClient client = await ConnectAsync();

        Assert.True((await client.GetAsync(Key("missing"))).IsNull);
    }

    [Fact]
    public async Task SetThenGetReturnsStringsBytesAndNumbersUnchanged()
    {
        await using RedisClient client = await ConnectAsync();

        Assert.True(await client.SetAsync(Key("s"), "grüezi"));
        Assert.True(await client.SetAsync(Key("b"), new byte[] { 0, 255, 13, 10 }));
        Assert.True(await client.SetAsync(Key("i"), long.MinValue));
        Assert.True(await client.SetAsync(Key("d"), 0.125));

        Assert.Equal("grüezi", (string?)await client.GetAsync(Key("s")));
        Assert.Equal(new byte[] { 0, 255, 13, 10 }, (byte[]?)await client.GetAsync(Key("b")));
        Assert.Equal(long.MinValue, (long)await client.GetAsync(Key("i")));
        Assert.Equal(0.125, (double)await client.GetAsync(Key("d")));
    }

    [Fact]
    public async Task SetWithNotExistsWritesOnlyTheFirstTime()
    {
        await using RedisClient client = await ConnectAsync();

        Assert.True(await client.SetAsync(Key("lock"), "first", condition: SetCondition.NotExists));
        Assert.False(await client.SetAsync(Key("lock"), "second", condition: SetCondition.NotExists));

        Assert.Equal("first", (string?)await client.GetAsync(Key("lock")));
    }

    [Fact]
    public async Task SetWithExistsWritesOnlyAKeyThatExists()
    {
        await using RedisClient client = await ConnectAsync();

        Assert.False(await client.SetAsync(Key("k"), "v", condition: SetCondition.Exists));
        await client.SetAsync(Key("k"), "v");
        Assert.True(await client.SetAsync(Key("k"), "w", condition: SetCondition.Exists));

        Assert.Equal("w", (string?)await client.GetAsync(Key("k")));
    }

    [Fact]
    public async Task SetWithAnExpiryInWholeSecondsOrMillisecondsSetsTheTimeToLive()
    {
        await using RedisClient client = await ConnectAsync();

        await client.SetAsync(Key("ex"), "v", TimeSpan.FromSeconds(100));
        await client.SetAsync(Key("px"), "v", TimeSpan.FromMilliseconds(100_500), SetCondition.NotExists);

        TimeSpan? ex = await client.TimeToLiveAsync(Key("ex"));
        TimeSpan? px = await client.TimeToLiveAsync(Key("px"));
        Assert.InRange(ex!.Value, TimeSpan.FromSeconds(99), TimeSpan.FromSeconds(100));
        Assert.InRange(px!.Value, TimeSpan.FromSeconds(99.5), TimeSpan.FromSeconds(100.5));
    }

    [Fact]
    public async Task AnExpiryBelowOneMillisecondIsRejectedBeforeSending()
    {
        await using RedisClient client = await ConnectAsync();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => client.SetAsync(Key("k"), "v", TimeSpan.Zero));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => client.ExpireAsync(Key("k"), TimeSpan.FromMilliseconds(-5)));
    }

    [Fact]
    public async Task DeleteReportsWhetherTheKeyExisted()
    {
        await using RedisClient client = await ConnectAsync();
        await client.SetAsync(Key("k"), "v");

        Assert.True(await client.DeleteAsync(Key("k")));
        Assert.False(await client.DeleteAsync(Key("k")));
        Assert.True((await client.GetAsync(Key("k"))).IsNull);
    }

    [Fact]
    public async Task DeleteOfSeveralKeysCountsTheOnesThatExisted()
    {
        await using RedisClient client = await ConnectAsync();
        await client.SetAsync(Key("a"), 1);
        await client.SetAsync(Key("b"), 2);

        Assert.Equal(2, await client.DeleteAsync([Key("a"), Key("b"), Key("c")]));
        await Assert.ThrowsAsync<ArgumentException>(() => client.DeleteAsync(Array.Empty<string>()));
    }

    [Fact]
    public async Task IncrementByOneAndByMoreReturnTheNewValueStartingFromZero()
    {
        await using RedisClient client = await ConnectAsync();
        long incrBefore = await CommandStats.CallsAsync(client, "INCR");
        long incrByBefore = await CommandStats.CallsAsync(client, "INCRBY");

        Assert.Equal(1, await client.IncrementAsync(Key("n")));
        Assert.Equal(11, await client.IncrementAsync(Key("n"), 10));
        Assert.Equal(6, await client.IncrementAsync(Key("n"), -5));

        Assert.Equal(incrBefore + 1, await CommandStats.CallsAsync(client, "INCR"));
        Assert.Equal(incrByBefore + 2, await CommandStats.CallsAsync(client, "INCRBY"));
    }

    [Fact]
    public async Task IncrementOfANonIntegerIsAServerError()
    {
        await using RedisClient client = await ConnectAsync();
        await client.SetAsync(Key("n"), "not a number");

        RedisServerException error = await Assert.ThrowsAsync<RedisServerException>(() => client.IncrementAsync(Key("n")));

        Assert.Equal("ERR", error.ErrorPrefix);
        Assert.Equal("INCR", error.Command);
    }

    [Fact]
    public async Task ExpireUsesSecondsWhenWholeAndMillisecondsOtherwise()
    {
        await using RedisClient client = await ConnectAsync();
        await client.SetAsync(Key("k"), "v");
        long expireBefore = await CommandStats.CallsAsync(client, "EXPIRE");
        long pexpireBefore = await CommandStats.CallsAsync(client, "PEXPIRE");

        Assert.True(await client.ExpireAsync(Key("k"), TimeSpan.FromSeconds(50)));
        Assert.InRange((await client.TimeToLiveAsync(Key("k")))!.Value, TimeSpan.FromSeconds(49), TimeSpan.FromSeconds(50));
        Assert.True(await client.ExpireAsync(Key("k"), TimeSpan.FromMilliseconds(20_250)));
        Assert.InRange((await client.TimeToLiveAsync(Key("k")))!.Value, TimeSpan.FromSeconds(19), TimeSpan.FromMilliseconds(20_250));
        Assert.False(await client.ExpireAsync(Key("missing"), TimeSpan.FromSeconds(1)));

        Assert.Equal(expireBefore + 2, await CommandStats.CallsAsync(client, "EXPIRE"));
        Assert.Equal(pexpireBefore + 1, await CommandStats.CallsAsync(client, "PEXPIRE"));
    }

    [Fact]
    public async Task AnExpiredKeyIsGone()
    {
        await using RedisClient client = await ConnectAsync();
        await client.SetAsync(Key("k"), "v", TimeSpan.FromMilliseconds(30));

        await Eventually.WaitUntilAsync(async () => (await client.GetAsync(Key("k"))).IsNull, TimeSpan.FromSeconds(5), "the key to expire");
    }

    [Fact]
    public async Task TimeToLiveIsNullForAKeyWithoutExpiryOrAMissingKey()
    {
        await using RedisClient client = await ConnectAsync();
        await client.SetAsync(Key("k"), "v");

        Assert.Null(await client.TimeToLiveAsync(Key("k")));
        Assert.Null(await client.TimeToLiveAsync(Key("missing")));
    }

    [Fact]
    public async Task GetOfAKeyHoldingAHashThrowsWrongType()
    {
        await using RedisClient client = await ConnectAsync();
        await client.HashSetAsync(Key("h"), "f", "v");

        RedisServerException error = await Assert.ThrowsAsync<RedisServerException>(() => client.GetAsync(Key("h")));

        Assert.Equal("WRONGTYPE", error.ErrorPrefix);
    }
}
