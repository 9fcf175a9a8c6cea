using PaymentPlatform.Redis.Connections;

namespace PaymentPlatform.Redis;

/// <summary>A message received on a subscribed channel.</summary>
/// <param name="Channel">The channel it was published to.</param>
/// <param name="Message">The message.</param>
public readonly record struct RedisChannelMessage(string Channel, RedisValue Message);

/// <summary>
/// A handler subscribed to a channel. The client keeps the server-side subscription across
/// reconnects; dispose this (or call <see cref="UnsubscribeAsync"/>) to stop receiving messages.
/// </summary>
public sealed class RedisSubscription : IAsyncDisposable
{
    private readonly RedisClient _client;

    internal RedisSubscription(RedisClient client, string channel, Action<RedisChannelMessage> handler)
    {
        _client = client;
        Channel = channel;
        Handler = handler;
    }

    /// <summary>The channel.</summary>
    public string Channel { get; }

    internal Action<RedisChannelMessage> Handler { get; }

    /// <summary>
    /// Stops this handler at once (messages not yet delivered to it are dropped); when it is the
    /// channel's last, unsubscribes on the server (UNSUBSCRIBE). Does nothing the second time.
    /// </summary>
    /// <exception cref="RedisTimeoutException">The server did not confirm in time (the handler is removed regardless).</exception>
    public Task UnsubscribeAsync(CancellationToken cancellationToken = default) => _client.UnsubscribeAsync(this, cancellationToken);

    /// <summary>Unsubscribes, ignoring a server that cannot be reached (the handler is removed regardless).</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await UnsubscribeAsync().ConfigureAwait(false);
        }
        catch (RedisException)
        {
            // The handler is gone either way; the server drops the subscription with the connection.
        }
    }
}

public sealed partial class RedisClient
{
    private readonly Lock _subscriptionGate = new();
    private readonly Dictionary<string, List<RedisSubscription>> _subscriptions = new(StringComparer.Ordinal);

    // A copy of _subscriptions for the subscriber's reading thread, replaced whenever it changes,
    // so delivering a message takes no lock.
    private volatile Dictionary<string, RedisSubscription[]> _routes = new(StringComparer.Ordinal);

    /// <summary>Publishes a message to a channel (PUBLISH) and returns how many subscribers received it.</summary>
    public async Task<long> PublishAsync(string channel, RedisValue message, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(channel);
        return (long)await ExecuteCoreAsync("PUBLISH", [channel, message], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Subscribes a handler to a channel (SUBSCRIBE) over the subscriber connection, which is
    /// opened on first use. Returns once the server has confirmed the subscription. After a
    /// reconnect the client subscribes again by itself; messages published while it was
    /// disconnected are lost, as Redis pub/sub does not store them.
    /// </summary>
    /// <remarks>
    /// Handlers run one at a time, in order, on the subscriber connection's reading thread: keep
    /// them short and hand longer work off. An exception from a handler is logged and ignored.
    /// </remarks>
    /// <exception cref="RedisConnectionException">The subscriber connection is down.</exception>
    public async Task<RedisSubscription> SubscribeAsync(
        string channel, Action<RedisChannelMessage> handler, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(channel);
        ArgumentNullException.ThrowIfNull(handler);
        ThrowIfDisposed();
        cancellationToken.ThrowIfCancellationRequested();
        using var scope = new CommandScope(this, "SUBSCRIBE");
        try
        {
            await _subscriber.GetAsync("SUBSCRIBE", cancellationToken).ConfigureAwait(false);
            var subscription = new RedisSubscription(this, channel, handler);
            var pending = new PendingCommand("SUBSCRIBE", [channel]);
            RedisConnection connection;
            // Registering and queueing under one lock keeps SUBSCRIBE and UNSUBSCRIBE for a
            // channel on the wire in the same order as the registry changes.
            lock (_subscriptionGate)
            {
                connection = _subscriber.Current ?? throw _subscriber.NotConnected("SUBSCRIBE");
                if (!connection.TryEnqueue(pending))
                {
                    throw _subscriber.NotConnected("SUBSCRIBE");
                }
                AddRoute(subscription);
            }
            try
            {
                ThrowIfError("SUBSCRIBE", await WaitForReplyAsync(pending, connection, _options.CommandTimeout, cancellationToken).ConfigureAwait(false));
            }
            catch (Exception ex) when (ex is RedisException or OperationCanceledException)
            {
                await subscription.DisposeAsync().ConfigureAwait(false);
                throw;
            }
            return subscription;
        }
        catch (Exception ex) when (scope.IsTraced)
        {
            scope.Fail(ex);
            throw;
        }
    }

    internal async Task UnsubscribeAsync(RedisSubscription subscription, CancellationToken cancellationToken)
    {
        PendingCommand pending;
        RedisConnection? connection;
        lock (_subscriptionGate)
        {
            if (!RemoveRoute(subscription) || _subscriptions.ContainsKey(subscription.Channel) || Volatile.Read(ref _disposed) != 0)
            {
                return;
            }
            connection = _subscriber.Current;
            pending = new PendingCommand("UNSUBSCRIBE", [subscription.Channel]);
            if (connection is null || !connection.TryEnqueue(pending))
            {
                // Disconnected: the server has already forgotten the subscription, and the
                // channel is no longer in the registry, so the reconnect will not restore it.
                return;
            }
        }
        using var scope = new CommandScope(this, "UNSUBSCRIBE");
        try
        {
            ThrowIfError("UNSUBSCRIBE", await WaitForReplyAsync(pending, connection, _options.CommandTimeout, cancellationToken).ConfigureAwait(false));
        }
        catch (RedisConnectionException)
        {
            // As above: the connection dropped, and the subscription with it.
        }
        catch (Exception ex) when (scope.IsTraced)
        {
            scope.Fail(ex);
            throw;
        }
    }

    /// <summary>Subscribes a new subscriber connection to every channel that has handlers.</summary>
    private async Task ResubscribeAsync(RedisConnection connection, CancellationToken cancellationToken)
    {
        Task<RedisResult>[] confirmations;
        lock (_subscriptionGate)
        {
            confirmations = _subscriptions.Keys.Select(channel => connection.Send("SUBSCRIBE", [channel])).ToArray();
        }
        if (confirmations.Length == 0)
        {
            return;
        }
        foreach (RedisResult reply in await Task.WhenAll(confirmations).WaitAsync(_options.CommandTimeout, cancellationToken).ConfigureAwait(false))
        {
            ThrowIfError("SUBSCRIBE", reply);
        }
        Log.Resubscribed(_logger, EndPoint, confirmations.Length);
    }

    /// <summary>
    /// Sees every reply on the subscriber connection first: delivers messages and lets
    /// subscribe/unsubscribe confirmations through to the commands awaiting them.
    /// </summary>
    private bool OnSubscriberReply(RedisResult reply)
    {
        if (reply.StartsWith("message") && reply.Elements.Count == 3)
        {
            Deliver((string)reply[1]!, reply[2].Value);
            return true;
        }
        if (reply.StartsWith("subscribe") || reply.StartsWith("unsubscribe"))
        {
            return false;
        }
        return reply.Type == RedisResultType.Push;
    }

    private void Deliver(string channel, RedisValue message)
    {
        if (!_routes.TryGetValue(channel, out RedisSubscription[]? subscriptions))
        {
            return;
        }
        var received = new RedisChannelMessage(channel, message);
        foreach (RedisSubscription subscription in subscriptions)
        {
            try
            {
                subscription.Handler(received);
            }
            catch (Exception ex)
            {
                // A handler's failure is its own; it must not stop delivery to the others or kill the connection.
                Log.HandlerFailed(_logger, channel, ex);
            }
        }
    }

    private void AddRoute(RedisSubscription subscription)
    {
        if (!_subscriptions.TryGetValue(subscription.Channel, out List<RedisSubscription>? list))
        {
            _subscriptions[subscription.Channel] = list = [];
        }
        list.Add(subscription);
        PublishRoutes();
    }

    private bool RemoveRoute(RedisSubscription subscription)
    {
        if (!_subscriptions.TryGetValue(subscription.Channel, out List<RedisSubscription>? list) || !list.Remove(subscription))
        {
            return false;
        }
        if (list.Count == 0)
        {
            _subscriptions.Remove(subscription.Channel);
        }
        PublishRoutes();
        return true;
    }

    private void PublishRoutes() =>
        _routes = _subscriptions.ToDictionary(pair => pair.Key, pair => pair.Value.ToArray(), StringComparer.Ordinal);
}
