using PaymentPlatform.Redis.Tests.Infrastructure;

namespace PaymentPlatform.Redis.Tests;

public abstract class SortedSetCommandTests(RedisServerFixture server, RedisProtocol protocol) : RedisTestBase(server, protocol)
{
    public sealed class Resp2(RedisServerFixture server) : SortedSetCommandTests(server, RedisProtocol.Resp2);

    public sealed class Resp3(RedisServerFixture server) : SortedSetCommandTests(server, RedisProtocol.Resp3);

    [Fact]
    public async Task AddReportsWhetherTheMemberIsNewAndUpdatesTheScore()
    {
        await using RedisClient client = await ConnectAsync();

        Assert.True(await client.SortedSetAddAsync(Key("z"), "a", 1));
        Assert.False(await client.SortedSetAddAsync(Key("z"), "a", 2.5));

        Assert.Equal(2.5, await client.SortedSetScoreAsync(Key("z"), "a"));
    }

    [Fact]
    public async Task AddOfSeveralEntriesCountsTheNewOnes()
    {
        await using RedisClient client = await ConnectAsync();
        await client.SortedSetAddAsync(Key("z"), "a", 1);

        Assert.Equal(2, await client.SortedSetAddAsync(Key("z"), [new("a", 5), new("b", 2), new("c", double.PositiveInfinity)]));
        Assert.Equal(3, await client.SortedSetLengthAsync(Key("z")));
        Assert.Equal(double.PositiveInfinity, await client.SortedSetScoreAsync(Key("z"), "c"));
    }

    [Fact]
    public async Task ScoreOfAMissingMemberIsNull()
    {
        await using RedisClient client = await ConnectAsync();

        Assert.Null(await client.SortedSetScoreAsync(Key("z"), "nobody"));
    }

    [Fact]
    public async Task RemoveReportsWhetherTheMemberWasThere()
    {
        await using RedisClient client = await ConnectAsync();
        await client.SortedSetAddAsync(Key("z"), "a", 1);

        Assert.True(await client.SortedSetRemoveAsync(Key("z"), "a"));
        Assert.False(await client.SortedSetRemoveAsync(Key("z"), "a"));
        Assert.Equal(0, await client.SortedSetLengthAsync(Key("z")));
    }

    [Fact]
    public async Task RemoveRangeByScoreHonoursExclusiveBounds()
    {
        await using RedisClient client = await ConnectAsync();
        await client.SortedSetAddAsync(Key("z"), [new("a", 1), new("b", 2), new("c", 3), new("d", 4)]);

        Assert.Equal(1, await client.SortedSetRemoveRangeByScoreAsync(Key("z"), 1, 3, Exclusive.Both));
        Assert.Equal(2, await client.SortedSetRemoveRangeByScoreAsync(Key("z"), double.NegativeInfinity, 3));

        Assert.Equal(["d"], (await client.SortedSetRangeAsync(Key("z"))).Select(e => e.Member.ToString()));
    }

    [Fact]
    public async Task CountCountsMembersInAScoreRange()
    {
        await using RedisClient client = await ConnectAsync();
        await client.SortedSetAddAsync(Key("z"), [new("a", 1), new("b", 2), new("c", 3)]);

        Assert.Equal(3, await client.SortedSetCountAsync(Key("z")));
        Assert.Equal(2, await client.SortedSetCountAsync(Key("z"), 1, 3, Exclusive.Min));
        Assert.Equal(1, await client.SortedSetCountAsync(Key("z"), 1, 3, Exclusive.Both));
        Assert.Equal(0, await client.SortedSetCountAsync(Key("missing")));
    }

    [Fact]
    public async Task RangeByRankReturnsMembersWithScoresInEitherOrder()
    {
        await using RedisClient client = await ConnectAsync();
        await client.SortedSetAddAsync(Key("z"), [new("a", 1), new("b", 2.5), new("c", 3)]);

        IReadOnlyList<SortedSetEntry> ascending = await client.SortedSetRangeAsync(Key("z"));
        IReadOnlyList<SortedSetEntry> topTwo = await client.SortedSetRangeAsync(Key("z"), 0, 1, Order.Descending);

        Assert.Equal([new("a", 1), new("b", 2.5), new("c", 3)], ascending);
        Assert.Equal([new("c", 3), new("b", 2.5)], topTwo);
        Assert.Empty(await client.SortedSetRangeAsync(Key("missing")));
    }

    [Fact]
    public async Task RangeByScoreSupportsBoundsOrderAndPaging()
    {
        await using RedisClient client = await ConnectAsync();
        await client.SortedSetAddAsync(Key("z"), Enumerable.Range(1, 10).Select(i => new SortedSetEntry($"m{i}", i)));

        IReadOnlyList<SortedSetEntry> middle = await client.SortedSetRangeByScoreAsync(Key("z"), 3, 6, Exclusive.Max);
        IReadOnlyList<SortedSetEntry> page = await client.SortedSetRangeByScoreAsync(Key("z"), 2, 9, order: Order.Descending, offset: 1, count: 3);

        Assert.Equal(["m3", "m4", "m5"], middle.Select(e => e.Member.ToString()));
        Assert.Equal([8.0, 7.0, 6.0], page.Select(e => e.Score));
    }

    [Fact]
    public async Task ASlidingWindowCounterWorksAsTheRateLimiterUsesIt()
    {
        await using RedisClient client = await ConnectAsync();
        DateTimeOffset now = await client.TimeAsync();
        long nowMs = now.ToUnixTimeMilliseconds();
        for (int i = 0; i < 5; i++)
        {
            await client.SortedSetAddAsync(Key("window"), $"req-{i}", nowMs - (i * 20_000));
        }

        await client.SortedSetRemoveRangeByScoreAsync(Key("window"), double.NegativeInfinity, nowMs - 60_000);

        Assert.Equal(3, await client.SortedSetLengthAsync(Key("window")));
    }
}
