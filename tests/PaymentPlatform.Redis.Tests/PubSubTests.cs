using System.Collections.Concurrent;
using PaymentPlatform.Redis.Tests.Infrastructure;

namespace PaymentPlatform.Redis.Tests;

public abstract class PubSubTests(RedisServerFixture server, RedisProtocol protocol) : RedisTestBase(server, protocol)
{
    public sealed class Resp2(RedisServerFixture server) : PubSubTests(server, RedisProtocol.Resp2);

    public sealed class Resp3(RedisServerFixture server) : PubSubTests(server, RedisProtocol.Resp3);

    private static readonly TimeSpan s_deliveryTimeout = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task ASubscriberReceivesWhatIsPublishedInOrder()
    {
        await using RedisClient client = await ConnectAsync();
        var received = new ConcurrentQueue<RedisChannelMessage>();
        await using RedisSubscription subscription = await client.SubscribeAsync(Key("ch"), received.Enqueue);

        for (int i = 0; i < 20; i++)
        {
            Assert.Equal(1, await client.PublishAsync(Key("ch"), i));
        }

        await Eventually.WaitUntilAsync(() => received.Count == 20, s_deliveryTimeout, "20 messages to arrive");
        Assert.All(received, m => Assert.Equal(Key("ch"), m.Channel));
        Assert.Equal(Enumerable.Range(0, 20), received.Select(m => (int)m.Message));
    }

    [Fact]
    public async Task PublishingToAChannelWithoutSubscribersReachesNobody()
    {
        await using RedisClient client = await ConnectAsync();

        Assert.Equal(0, await client.PublishAsync(Key("empty"), "hello"));
    }

    [Fact]
    public async Task EveryHandlerOfAChannelGetsEachMessageEvenIfAnotherThrows()
    {
        await using RedisClient client = await ConnectAsync();
        int first = 0, second = 0;
        await using RedisSubscription failing = await client.SubscribeAsync(Key("ch"), _ => throw new InvalidOperationException("handler bug"));
        await using RedisSubscription a = await client.SubscribeAsync(Key("ch"), _ => Interlocked.Increment(ref first));
        await using RedisSubscription b = await client.SubscribeAsync(Key("ch"), _ => Interlocked.Increment(ref second));

        // One server-side subscription serves all three handlers.
        Assert.Equal(1, await client.PublishAsync(Key("ch"), "x"));
        Assert.Equal(1, await client.PublishAsync(Key("ch"), "y"));

        await Eventually.WaitUntilAsync(() => Volatile.Read(ref first) == 2 && Volatile.Read(ref second) == 2, s_deliveryTimeout, "both healthy handlers to get both messages");
    }

    [Fact]
    public async Task UnsubscribingTheLastHandlerUnsubscribesOnTheServer()
    {
        await using RedisClient client = await ConnectAsync();
        var received = new ConcurrentQueue<RedisChannelMessage>();
        RedisSubscription first = await client.SubscribeAsync(Key("ch"), received.Enqueue);
        RedisSubscription second = await client.SubscribeAsync(Key("ch"), received.Enqueue);

        await first.UnsubscribeAsync();
        Assert.Equal(1, await client.PublishAsync(Key("ch"), "still subscribed"));
        await Eventually.WaitUntilAsync(() => received.Count == 1, s_deliveryTimeout, "the message to reach the remaining handler");
        await second.DisposeAsync();
        await second.DisposeAsync();

        Assert.Equal(0, await client.PublishAsync(Key("ch"), "nobody"));
        Assert.Equal("still subscribed", (string?)received.Single().Message);
    }

    [Fact]
    public async Task ChannelsAreIndependent()
    {
        await using RedisClient client = await ConnectAsync();
        var a = new ConcurrentQueue<RedisChannelMessage>();
        var b = new ConcurrentQueue<RedisChannelMessage>();
        await using RedisSubscription subA = await client.SubscribeAsync(Key("a"), a.Enqueue);
        await using RedisSubscription subB = await client.SubscribeAsync(Key("b"), b.Enqueue);

        await client.PublishAsync(Key("a"), "for a");
        await client.PublishAsync(Key("b"), "for b");

        await Eventually.WaitUntilAsync(() => a.Count == 1 && b.Count == 1, s_deliveryTimeout, "one message on each channel");
        Assert.Equal("for a", (string?)a.Single().Message);
        Assert.Equal("for b", (string?)b.Single().Message);
    }

    [Fact]
    public async Task CommandsKeepWorkingWhileSubscribed()
    {
        await using RedisClient client = await ConnectAsync();
        await using RedisSubscription subscription = await client.SubscribeAsync(Key("ch"), _ => { });

        await client.SetAsync(Key("k"), "v");

        Assert.Equal("v", (string?)await client.GetAsync(Key("k")));
    }
}
