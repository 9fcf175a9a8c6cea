using System.Collections.Concurrent;

namespace PaymentPlatform.Redis.Connections;

/// <summary>
/// Dedicated connections for blocking commands (XREADGROUP ... BLOCK), one command at a time
/// each, so a read waiting for entries never holds up the shared pipelined connection.
/// A few idle connections are kept for reuse; a connection whose command was cancelled or
/// timed out is closed, which also ends the server-side wait.
/// </summary>
internal sealed class BlockingConnectionPool : IDisposable
{
    private const int MaxIdle = 4;

    private readonly RedisClientOptions _options;
    private readonly ConcurrentStack<RedisConnection> _idle = new();
    private readonly ConcurrentDictionary<RedisConnection, byte> _rented = new();
    private volatile bool _disposed;

    public BlockingConnectionPool(RedisClientOptions options) => _options = options;

    public async ValueTask<RedisConnection> RentAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, typeof(RedisClient));
        RedisConnection? connection = null;
        while (_idle.TryPop(out RedisConnection? idle))
        {
            if (idle.IsAlive)
            {
                connection = idle;
                break;
            }
        }
        if (connection is null)
        {
            connection = await RedisConnection.ConnectAsync(_options, replyInterceptor: null, cancellationToken).ConfigureAwait(false);
            if (!_options.DisableMetrics)
            {
                RedisInstrumentation.ConnectionsOpened.Add(1, new KeyValuePair<string, object?>("redis.connection.role", "blocking"));
            }
        }
        _rented.TryAdd(connection, 0);
        if (_disposed)
        {
            Close(connection);
            ObjectDisposedException.ThrowIf(true, typeof(RedisClient));
        }
        return connection;
    }

    /// <summary>Takes a connection back; closes it when <c>reusable</c> is false (its command did not complete normally).</summary>
    public void Return(RedisConnection connection, bool reusable)
    {
        _rented.TryRemove(connection, out _);
        if (!reusable || _disposed || !connection.IsAlive || _idle.Count >= MaxIdle)
        {
            Close(connection);
            return;
        }
        _idle.Push(connection);
        if (_disposed)
        {
            CloseIdle();
        }
    }

    public void Dispose()
    {
        _disposed = true;
        CloseIdle();
        foreach (RedisConnection rented in _rented.Keys)
        {
            Close(rented);
        }
    }

    private void CloseIdle()
    {
        while (_idle.TryPop(out RedisConnection? connection))
        {
            Close(connection);
        }
    }

    private static void Close(RedisConnection connection) =>
        connection.Abort(new RedisConnectionException("The blocking connection was closed."));
}
