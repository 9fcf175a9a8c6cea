using System.Diagnostics;
using PaymentPlatform.Redis.Tests.Infrastructure;

namespace PaymentPlatform.Redis.Tests;

public abstract class StreamCommandTests(RedisServerFixture server, RedisProtocol protocol) : RedisTestBase(server, protocol)
{
    public sealed class Resp2(RedisServerFixture server) : StreamCommandTests(server, RedisProtocol.Resp2);

    public sealed class Resp3(RedisServerFixture server) : StreamCommandTests(server, RedisProtocol.Resp3);

    private static KeyValuePair<string, RedisValue>[] Payment(int n) => [new("payment", $"p-{n}"), new("amount", n * 100)];

    [Fact]
    public async Task AddReturnsIncreasingIdsAndRangeReadsTheEntriesBack()
    {
        await using RedisClient client = await ConnectAsync();

        string first = await client.StreamAddAsync(Key("s"), Payment(1));
        string second = await client.StreamAddAsync(Key("s"), Payment(2));

        IReadOnlyList<StreamEntry> entries = await client.StreamRangeAsync(Key("s"));
        Assert.Equal([first, second], entries.Select(e => e.Id));
        Assert.Equal("p-1", (string?)entries[0]["payment"]);
        Assert.Equal(200, (long)entries[1]["amount"]);
        Assert.True(entries[0]["absent"].IsNull);
        Assert.Equal(["payment", "amount"], entries[0].Fields.Select(f => f.Key));
    }

    [Fact]
    public async Task RangeHonoursBoundsAndCount()
    {
        await using RedisClient client = await ConnectAsync();
        var ids = new List<string>();
        for (int i = 0; i < 5; i++)
        {
            ids.Add(await client.StreamAddAsync(Key("s"), Payment(i)));
        }

        Assert.Equal(ids[1..3], (await client.StreamRangeAsync(Key("s"), ids[1], ids[2])).Select(e => e.Id));
        Assert.Equal(ids[..2], (await client.StreamRangeAsync(Key("s"), count: 2)).Select(e => e.Id));
        Assert.Empty(await client.StreamRangeAsync(Key("missing")));
    }

    [Fact]
    public async Task AddWithAnExplicitIdUsesIt()
    {
        await using RedisClient client = await ConnectAsync();

        Assert.Equal("5-1", await client.StreamAddAsync(Key("s"), Payment(1), id: "5-1"));
    }

    [Fact]
    public async Task AddWithExactMaxLengthKeepsTheStreamAtThatLength()
    {
        await using RedisClient client = await ConnectAsync();
        for (int i = 0; i < 20; i++)
        {
            await client.StreamAddAsync(Key("s"), Payment(i), maxLength: 5, approximateMaxLength: false);
        }

        Assert.Equal(5, await client.StreamLengthAsync(Key("s")));
    }

    [Fact]
    public async Task AddWithApproximateMaxLengthTrimsWholeNodesOnly()
    {
        await using RedisClient client = await ConnectAsync();
        for (int i = 0; i < 300; i++)
        {
            await client.StreamAddAsync(Key("s"), Payment(i), maxLength: 10);
        }

        // With the default 100 entries per node, ~ keeps at least 10 and trims whole nodes.
        Assert.InRange(await client.StreamLengthAsync(Key("s")), 10, 200);
    }

    [Fact]
    public async Task TrimRemovesTheOldestEntries()
    {
        await using RedisClient client = await ConnectAsync();
        for (int i = 0; i < 10; i++)
        {
            await client.StreamAddAsync(Key("s"), Payment(i));
        }

        Assert.Equal(7, await client.StreamTrimAsync(Key("s"), 3, approximate: false));
        Assert.Equal(0, await client.StreamTrimAsync(Key("s"), 3));
        Assert.Equal(3, await client.StreamLengthAsync(Key("s")));
        Assert.Equal("p-7", (string?)(await client.StreamRangeAsync(Key("s")))[0]["payment"]);
    }

    [Fact]
    public async Task LengthOfAMissingStreamIsZero()
    {
        await using RedisClient client = await ConnectAsync();

        Assert.Equal(0, await client.StreamLengthAsync(Key("missing")));
    }

    [Fact]
    public async Task CreateGroupMakesTheStreamAndReportsAnExistingGroup()
    {
        await using RedisClient client = await ConnectAsync();

        Assert.True(await client.StreamCreateGroupAsync(Key("s"), "workers"));
        Assert.False(await client.StreamCreateGroupAsync(Key("s"), "workers"));
        Assert.Equal(0, await client.StreamLengthAsync(Key("s")));
        RedisServerException error = await Assert.ThrowsAsync<RedisServerException>(
            () => client.StreamCreateGroupAsync(Key("other"), "workers", createStream: false));
        Assert.Equal("ERR", error.ErrorPrefix);
    }

    [Fact]
    public async Task AConsumerGroupDeliversAcknowledgesAndReclaimsEntries()
    {
        await using RedisClient client = await ConnectAsync();
        string stream = Key("events");
        await client.StreamCreateGroupAsync(stream, "ledger", startId: "0");
        var ids = new List<string>();
        for (int i = 0; i < 3; i++)
        {
            ids.Add(await client.StreamAddAsync(stream, Payment(i)));
        }

        // Consumer A takes all three and then "crashes" without acknowledging.
        IReadOnlyList<StreamEntry> delivered = await client.StreamReadGroupAsync(stream, "ledger", "a", count: 10);
        Assert.Equal(ids, delivered.Select(e => e.Id));
        Assert.Empty(await client.StreamReadGroupAsync(stream, "ledger", "a"));

        StreamPendingSummary summary = await client.StreamPendingAsync(stream, "ledger");
        Assert.Equal(3, summary.Count);
        Assert.Equal(ids[0], summary.LowestId);
        Assert.Equal(ids[2], summary.HighestId);
        Assert.Equal([new StreamConsumerPending("a", 3)], summary.Consumers);

        // Consumer B claims what A left idle.
        StreamAutoClaimResult claim = await client.StreamAutoClaimAsync(stream, "ledger", "b", TimeSpan.Zero, count: 2);
        Assert.Equal(ids[..2], claim.Claimed.Select(e => e.Id));
        Assert.Equal("p-0", (string?)claim.Claimed[0]["payment"]);
        Assert.Equal(ids[2], claim.NextStartId);
        StreamAutoClaimResult rest = await client.StreamAutoClaimAsync(stream, "ledger", "b", TimeSpan.Zero, claim.NextStartId);
        Assert.Equal([ids[2]], rest.Claimed.Select(e => e.Id));
        Assert.Equal("0-0", rest.NextStartId);
        Assert.Empty(rest.DeletedIds);

        IReadOnlyList<StreamPendingEntry> pending = await client.StreamPendingEntriesAsync(stream, "ledger", consumer: "b");
        Assert.Equal(ids, pending.Select(p => p.Id));
        Assert.All(pending, p => Assert.Equal(("b", 2L), (p.Consumer, p.DeliveryCount)));

        // B re-reads its own pending entries, then acknowledges them.
        Assert.Equal(ids, (await client.StreamReadGroupAsync(stream, "ledger", "b", id: "0")).Select(e => e.Id));
        Assert.True(await client.StreamAcknowledgeAsync(stream, "ledger", ids[0]));
        Assert.False(await client.StreamAcknowledgeAsync(stream, "ledger", ids[0]));
        Assert.Equal(2, await client.StreamAcknowledgeAsync(stream, "ledger", ids[1..]));

        StreamPendingSummary after = await client.StreamPendingAsync(stream, "ledger");
        Assert.Equal((0L, null, null), (after.Count, after.LowestId, after.HighestId));
        Assert.Empty(after.Consumers);
    }

    [Fact]
    public async Task AutoClaimSkipsEntriesNotIdleLongEnough()
    {
        await using RedisClient client = await ConnectAsync();
        await client.StreamCreateGroupAsync(Key("s"), "g");
        await client.StreamAddAsync(Key("s"), Payment(1));
        await client.StreamReadGroupAsync(Key("s"), "g", "a");

        StreamAutoClaimResult claim = await client.StreamAutoClaimAsync(Key("s"), "g", "b", TimeSpan.FromMinutes(5));

        Assert.Empty(claim.Claimed);
    }

    [Fact]
    public async Task AutoClaimReportsPendingEntriesThatWereDeleted()
    {
        await using RedisClient client = await ConnectAsync();
        await client.StreamCreateGroupAsync(Key("s"), "g");
        string id = await client.StreamAddAsync(Key("s"), Payment(1));
        await client.StreamReadGroupAsync(Key("s"), "g", "a");
        await client.ExecuteAsync("XDEL", Key("s"), id);

        StreamAutoClaimResult claim = await client.StreamAutoClaimAsync(Key("s"), "g", "b", TimeSpan.Zero);

        Assert.Empty(claim.Claimed);
        Assert.Equal([id], claim.DeletedIds);
    }

    [Fact]
    public async Task PendingEntriesCanBeFilteredByIdleTime()
    {
        await using RedisClient client = await ConnectAsync();
        await client.StreamCreateGroupAsync(Key("s"), "g");
        await client.StreamAddAsync(Key("s"), Payment(1));
        await client.StreamReadGroupAsync(Key("s"), "g", "a");

        Assert.Single(await client.StreamPendingEntriesAsync(Key("s"), "g", minIdleTime: TimeSpan.Zero));
        Assert.Empty(await client.StreamPendingEntriesAsync(Key("s"), "g", minIdleTime: TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public async Task ReadingFromAMissingGroupThrowsNoGroup()
    {
        await using RedisClient client = await ConnectAsync();

        RedisServerException error = await Assert.ThrowsAsync<RedisServerException>(
            () => client.StreamReadGroupAsync(Key("s"), "nope", "a"));

        Assert.Equal("NOGROUP", error.ErrorPrefix);
    }

    [Fact]
    public async Task ABlockingReadWaitsOnItsOwnConnectionAndWakesForANewEntry()
    {
        await using RedisClient client = await ConnectAsync();
        await client.StreamCreateGroupAsync(Key("s"), "g");

        Task<IReadOnlyList<StreamEntry>> read = client.StreamReadGroupAsync(Key("s"), "g", "a", block: TimeSpan.FromSeconds(20));
        await Eventually.WaitUntilAsync(
            async () => await CommandStats.InfoAsync(client, "clients", "blocked_clients") == 1,
            TimeSpan.FromSeconds(5), "the blocking XREADGROUP to reach the server");

        // The shared connection still answers while the read is blocked.
        TimeSpan ping = await client.PingAsync();
        Assert.False(read.IsCompleted);
        string id = await client.StreamAddAsync(Key("s"), Payment(7));

        IReadOnlyList<StreamEntry> entries = await read.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal([id], entries.Select(e => e.Id));
        Assert.True(ping < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task ABlockingReadReturnsNothingWhenTheBlockTimePasses()
    {
        await using RedisClient client = await ConnectAsync();
        await client.StreamCreateGroupAsync(Key("s"), "g");
        var stopwatch = Stopwatch.StartNew();

        IReadOnlyList<StreamEntry> entries = await client.StreamReadGroupAsync(Key("s"), "g", "a", block: TimeSpan.FromMilliseconds(100));

        Assert.Empty(entries);
        Assert.InRange(stopwatch.Elapsed, TimeSpan.FromMilliseconds(90), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task CancellingABlockingReadEndsItPromptlyAndFreesTheServer()
    {
        await using RedisClient client = await ConnectAsync();
        await client.StreamCreateGroupAsync(Key("s"), "g");
        using var cancellation = new CancellationTokenSource();
        Task<IReadOnlyList<StreamEntry>> read = client.StreamReadGroupAsync(
            Key("s"), "g", "a", block: Timeout.InfiniteTimeSpan, cancellationToken: cancellation.Token);
        await Eventually.WaitUntilAsync(
            async () => await CommandStats.InfoAsync(client, "clients", "blocked_clients") == 1,
            TimeSpan.FromSeconds(5), "the blocking XREADGROUP to reach the server");

        cancellation.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read.WaitAsync(TimeSpan.FromSeconds(5)));
        await Eventually.WaitUntilAsync(
            async () => await CommandStats.InfoAsync(client, "clients", "blocked_clients") == 0,
            TimeSpan.FromSeconds(5), "the server to drop the cancelled read's connection");
    }
}
