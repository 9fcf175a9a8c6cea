using PaymentPlatform.Redis.Tests.Infrastructure;

namespace PaymentPlatform.Redis.Tests;

public sealed class PipeliningTests(RedisServerFixture server) : RedisTestBase(server, RedisProtocol.Resp2)
{
    private const int Callers = 64;
    private const int RoundsPerCaller = 50;

    [Fact]
    public async Task SixtyFourConcurrentCallersEachGetTheirOwnRepliesOverOneConnection()
    {
        await using RedisClient client = await ConnectAsync();
        long connectionsBefore = await CommandStats.InfoAsync(client, "stats", "total_connections_received");
        long commandsBefore = await CommandStats.InfoAsync(client, "stats", "total_commands_processed");
        long readsBefore = await CommandStats.InfoAsync(client, "stats", "total_reads_processed");

        Task[] callers = Enumerable.Range(0, Callers).Select(caller => Task.Run(async () =>
        {
            string key = Key($"caller-{caller}");
            for (int round = 0; round < RoundsPerCaller; round++)
            {
                string expected = $"{caller}:{round}";
                Task<bool> set = client.SetAsync(key, expected);
                Task<RedisValue> get = client.GetAsync(key);
                Task<long> count = client.IncrementAsync(Key("total"));
                Task<long> own = client.HashIncrementAsync(Key("per-caller"), key, caller);
                await Task.WhenAll(set, get, count, own);
                Assert.Equal(expected, (string?)get.Result);
                Assert.Equal((long)caller * (round + 1), own.Result);
            }
        })).ToArray();
        await Task.WhenAll(callers);

        Assert.Equal(Callers * RoundsPerCaller, (long)await client.GetAsync(Key("total")));
        const int commandsSent = Callers * RoundsPerCaller * 4;
        long commands = await CommandStats.InfoAsync(client, "stats", "total_commands_processed") - commandsBefore;
        long reads = await CommandStats.InfoAsync(client, "stats", "total_reads_processed") - readsBefore;
        Assert.InRange(commands, commandsSent, commandsSent + 10);
        // Pipelined: the server read many commands per socket read.
        Assert.True(reads < commandsSent / 2, $"{commandsSent} commands took {reads} socket reads; expected batching.");
        Assert.Equal(connectionsBefore, await CommandStats.InfoAsync(client, "stats", "total_connections_received"));
    }

    [Fact]
    public async Task LargeValuesInterleavedWithSmallOnesStayMatched()
    {
        await using RedisClient client = await ConnectAsync();
        byte[] large = new byte[3 * 1024 * 1024];
        Random.Shared.NextBytes(large);

        Task<bool> setLarge = client.SetAsync(Key("large"), large);
        Task<long>[] small = Enumerable.Range(0, 200).Select(_ => client.IncrementAsync(Key("n"))).ToArray();
        await setLarge;
        Task<RedisValue> getLarge = client.GetAsync(Key("large"));
        Task<long>[] more = Enumerable.Range(0, 200).Select(_ => client.IncrementAsync(Key("n"))).ToArray();

        Assert.Equal(large, (byte[]?)await getLarge);
        Assert.Equal(Enumerable.Range(1, 400).Select(i => (long)i), await Task.WhenAll(small.Concat(more)));
    }
}
