using System.Diagnostics;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PaymentPlatform.Redis.Connections;

namespace PaymentPlatform.Redis;

/// <summary>
/// A client for one Redis server, meant to be shared by the whole process (register it as a
/// singleton). All commands go over one pipelined connection: concurrent calls are written
/// in batches and their replies matched in order. Subscriptions use a second connection and
/// blocking stream reads use dedicated ones.
/// </summary>
/// <remarks>
/// <para>
/// Failures: when the connection drops, every command queued or awaiting a reply fails at once
/// with <see cref="RedisConnectionException"/> (its <see cref="RedisConnectionException.CommandMayHaveRun"/>
/// says whether it was sent), and calls made while reconnecting fail at once too. Nothing is
/// re-sent behind the caller's back; the one exception is a script evaluation that the server
/// refused with NOSCRIPT, which did not run and is sent again with its source.
/// </para>
/// <para>
/// Each call waits at most <see cref="RedisClientOptions.CommandTimeout"/> for its reply, then
/// throws <see cref="RedisTimeoutException"/>; pass a <see cref="CancellationToken"/> for a
/// shorter deadline. Error replies throw <see cref="RedisServerException"/>.
/// </para>
/// </remarks>
public sealed partial class RedisClient : IAsyncDisposable, IDisposable
{
    private const string InteractiveRole = "interactive";

    private readonly RedisClientOptions _options;
    private readonly ILogger _logger;
    private readonly ReconnectingConnection _interactive;
    private readonly ReconnectingConnection _subscriber;
    private readonly BlockingConnectionPool _blocking;
    private int _disposed;

    private RedisClient(RedisClientOptions options, ILoggerFactory? loggerFactory)
    {
        _options = options;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<RedisClient>();
        _interactive = new ReconnectingConnection(options, InteractiveRole, _logger);
        _subscriber = new ReconnectingConnection(options, "subscriber", _logger, OnSubscriberReply, ResubscribeAsync);
        _blocking = new BlockingConnectionPool(options);
    }

    /// <summary>The server's endpoint as <c>host:port</c>.</summary>
    public string EndPoint => _options.EndPoint;

    /// <summary>The database every command uses.</summary>
    public int Database => _options.Database;

    /// <summary>Whether the shared command connection is open right now.</summary>
    public bool IsConnected => _interactive.Current is not null;

    /// <summary>
    /// Creates a client and starts connecting in the background; returns at once. Commands
    /// issued before the first connection is made wait for it, up to their timeout.
    /// </summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public static RedisClient Create(RedisClientOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var client = new RedisClient(options.ValidateAndCopy(), loggerFactory);
        client._interactive.EnsureStarted();
        return client;
    }

    /// <summary>Parses <paramref name="connectionString"/> and connects; see <see cref="ConnectAsync(RedisClientOptions, ILoggerFactory?, CancellationToken)"/>.</summary>
    /// <exception cref="FormatException">The connection string is malformed.</exception>
    /// <exception cref="RedisConnectionException">The first attempt failed and <c>abortConnect</c> is true.</exception>
    public static Task<RedisClient> ConnectAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        return ConnectAsync(RedisClientOptions.Parse(connectionString), null, cancellationToken);
    }

    /// <summary>
    /// Creates a client and waits for its first attempt to connect. If that attempt fails and
    /// <see cref="RedisClientOptions.AbortOnConnectFail"/> is true, throws; otherwise returns a
    /// client that keeps trying in the background.
    /// </summary>
    /// <exception cref="RedisConnectionException">The first attempt failed and <see cref="RedisClientOptions.AbortOnConnectFail"/> is true.</exception>
    public static async Task<RedisClient> ConnectAsync(
        RedisClientOptions options, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        RedisClient client = Create(options, loggerFactory);
        Exception? failure;
        try
        {
            failure = await client._interactive.FirstAttempt.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        if (failure is not null && client._options.AbortOnConnectFail)
        {
            await client.DisposeAsync().ConfigureAwait(false);
            ExceptionDispatchInfo.Throw(failure);
        }
        return client;
    }

    /// <summary>Sends a command on the shared connection and returns its reply.</summary>
    internal async Task<RedisResult> ExecuteCoreAsync(string command, RedisValue[] arguments, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        cancellationToken.ThrowIfCancellationRequested();
        using var scope = new CommandScope(this, command);
        try
        {
            RedisConnection connection = await _interactive.GetAsync(command, cancellationToken).ConfigureAwait(false);
            var pending = new PendingCommand(command, arguments);
            if (!connection.TryEnqueue(pending))
            {
                throw _interactive.NotConnected(command);
            }
            RedisResult reply = await WaitForReplyAsync(pending, connection, _options.CommandTimeout, cancellationToken).ConfigureAwait(false);
            return ThrowIfError(command, reply);
        }
        catch (Exception ex) when (scope.IsTraced)
        {
            scope.Fail(ex);
            throw;
        }
    }

    /// <summary>
    /// Sends a blocking command on a dedicated connection, waiting up to <paramref name="block"/>
    /// plus the command timeout (<see cref="Timeout.InfiniteTimeSpan"/>: until cancelled).
    /// </summary>
    internal async Task<RedisResult> ExecuteBlockingAsync(
        string command, RedisValue[] arguments, TimeSpan block, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        cancellationToken.ThrowIfCancellationRequested();
        using var scope = new CommandScope(this, command);
        try
        {
            RedisConnection connection = await _blocking.RentAsync(cancellationToken).ConfigureAwait(false);
            bool reusable = false;
            try
            {
                var pending = new PendingCommand(command, arguments);
                if (!connection.TryEnqueue(pending))
                {
                    throw new RedisConnectionException(
                        $"The blocking connection to {EndPoint} closed; {command} was not sent.", commandMayHaveRun: false, null);
                }
                TimeSpan timeout = block == Timeout.InfiniteTimeSpan ? Timeout.InfiniteTimeSpan : block + _options.CommandTimeout;
                RedisResult reply = await WaitForReplyAsync(pending, connection, timeout, cancellationToken).ConfigureAwait(false);
                reusable = true;
                return ThrowIfError(command, reply);
            }
            finally
            {
                _blocking.Return(connection, reusable);
            }
        }
        catch (Exception ex) when (scope.IsTraced)
        {
            scope.Fail(ex);
            throw;
        }
    }

    private static async Task<RedisResult> WaitForReplyAsync(
        PendingCommand pending, RedisConnection connection, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            return await pending.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            pending.Abandon();
            bool sent = pending.WasWritten;
            throw new RedisTimeoutException(
                $"{pending.Command} got no reply from {connection.EndPoint} within {timeout.TotalMilliseconds:0} ms; "
                    + (sent ? "it was sent and may still run" : "it was never sent")
                    + $" ({connection.AwaitingReplyCount} commands were awaiting replies).",
                sent);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            pending.Abandon();
            throw;
        }
    }

    private static RedisResult ThrowIfError(string command, RedisResult reply) =>
        reply.Type == RedisResultType.Error ? throw new RedisServerException(command, reply.ErrorMessage!) : reply;

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

    /// <summary>Closes every connection; commands still waiting fail with <see cref="RedisConnectionException"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        _blocking.Dispose();
        await _subscriber.DisposeAsync().ConfigureAwait(false);
        await _interactive.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Closes every connection without waiting for them to finish closing.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        _blocking.Dispose();
        _subscriber.Stop();
        _interactive.Stop();
    }

    /// <summary>A span and a duration measurement around one command.</summary>
    private readonly struct CommandScope : IDisposable
    {
        private readonly RedisClient _client;
        private readonly string _command;
        private readonly Activity? _activity;
        private readonly long _started;

        public CommandScope(RedisClient client, string command)
        {
            _client = client;
            _command = command;
            _started = Stopwatch.GetTimestamp();
            RedisClientOptions options = client._options;
            if (!options.DisableTracing && RedisInstrumentation.ActivitySource.HasListeners())
            {
                _activity = RedisInstrumentation.ActivitySource.StartActivity(command, ActivityKind.Client);
                if (_activity is { IsAllDataRequested: true })
                {
                    _activity.SetTag("db.system", "redis");
                    _activity.SetTag("db.operation", command);
                    _activity.SetTag("server.address", options.Host);
                    _activity.SetTag("server.port", options.Port);
                    _activity.SetTag("db.redis.database_index", options.Database);
                }
            }
        }

        public bool IsTraced => _activity is not null;

        public void Fail(Exception exception)
        {
            string errorType = exception is RedisServerException server ? server.ErrorPrefix : exception.GetType().Name;
            _activity?.SetTag("error.type", errorType);
            _activity?.SetStatus(ActivityStatusCode.Error, errorType);
        }

        public void Dispose()
        {
            _activity?.Dispose();
            if (!_client._options.DisableMetrics && RedisInstrumentation.CommandDuration.Enabled)
            {
                RedisInstrumentation.CommandDuration.Record(
                    Stopwatch.GetElapsedTime(_started).TotalSeconds,
                    new KeyValuePair<string, object?>("db.operation", _command));
            }
        }
    }
}
