using Microsoft.Extensions.Logging;

namespace PaymentPlatform.Redis.Connections;

/// <summary>
/// Keeps one <see cref="RedisConnection"/> open for a role (interactive or subscriber),
/// opening a new one with exponential backoff whenever it is lost. Commands are never
/// carried over from a lost connection to the next one.
/// </summary>
internal sealed class ReconnectingConnection : IAsyncDisposable
{
    private static readonly TimeSpan s_firstRetryDelay = TimeSpan.FromMilliseconds(50);

    private readonly RedisClientOptions _options;
    private readonly string _role;
    private readonly ILogger _logger;
    private readonly Func<RedisResult, bool>? _replyInterceptor;
    private readonly Func<RedisConnection, CancellationToken, Task>? _onConnected;
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource<Exception?> _firstAttempt = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _firstConnection = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private RedisConnection? _current;
    private Exception? _lastError;
    private Task? _run;
    private bool _disposed;

    /// <summary>
    /// <c>onConnected</c> runs on each new connection before commands may use it (the subscriber
    /// resubscribes here); if it throws, the connection is closed and the attempt counts as failed.
    /// </summary>
    public ReconnectingConnection(
        RedisClientOptions options,
        string role,
        ILogger logger,
        Func<RedisResult, bool>? replyInterceptor = null,
        Func<RedisConnection, CancellationToken, Task>? onConnected = null)
    {
        _options = options;
        _role = role;
        _logger = logger;
        _replyInterceptor = replyInterceptor;
        _onConnected = onConnected;
    }

    /// <summary>The open connection, or null while (re)connecting.</summary>
    public RedisConnection? Current => Volatile.Read(ref _current);

    /// <summary>Completes with null once the first attempt succeeds, or with its error once it fails.</summary>
    public Task<Exception?> FirstAttempt => _firstAttempt.Task;

    public void EnsureStarted()
    {
        if (Volatile.Read(ref _run) is not null)
        {
            return;
        }
        lock (_gate)
        {
            if (_run is null && !_disposed)
            {
                Volatile.Write(ref _run, Task.Run(RunAsync));
            }
        }
    }

    /// <summary>
    /// The open connection. Before the first connection has ever been made, waits for it (up to
    /// the command timeout); afterwards, while reconnecting, fails at once rather than letting
    /// callers pile up behind an outage.
    /// </summary>
    public ValueTask<RedisConnection> GetAsync(string command, CancellationToken cancellationToken)
    {
        RedisConnection? current = Current;
        if (current is not null)
        {
            return ValueTask.FromResult(current);
        }
        EnsureStarted();
        if (_firstConnection.Task.IsCompleted)
        {
            return ValueTask.FromException<RedisConnection>(NotConnected(command));
        }
        return WaitForFirstConnectionAsync(command, cancellationToken);
    }

    private async ValueTask<RedisConnection> WaitForFirstConnectionAsync(string command, CancellationToken cancellationToken)
    {
        try
        {
            await _firstConnection.Task.WaitAsync(_options.CommandTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw NotConnected(command);
        }
        return Current ?? throw NotConnected(command);
    }

    public RedisConnectionException NotConnected(string command)
    {
        Exception? lastError = Volatile.Read(ref _lastError);
        string state = _firstConnection.Task.IsCompleted ? "reconnecting" : "not connected yet";
        return new RedisConnectionException(
            $"No {_role} connection to {_options.EndPoint} ({state}); {command} was not sent."
                + (lastError is null ? "" : $" Last error: {lastError.Message}"),
            commandMayHaveRun: false,
            lastError);
    }

    private async Task RunAsync()
    {
        CancellationToken stopping = _stopping.Token;
        int failures = 0;
        bool connectedBefore = false;
        while (!stopping.IsCancellationRequested)
        {
            RedisConnection connection;
            try
            {
                connection = await RedisConnection.ConnectAsync(_options, _replyInterceptor, stopping).ConfigureAwait(false);
                await PrepareAsync(connection, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // Whatever went wrong, the loop must go on trying: it is the only way back to a connection.
                failures++;
                Volatile.Write(ref _lastError, ex);
                _firstAttempt.TrySetResult(ex);
                TimeSpan delay = Backoff(failures);
                Log.ConnectFailed(_logger, _role, _options.EndPoint, failures, (long)delay.TotalMilliseconds, ex);
                try
                {
                    await Task.Delay(delay, stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                continue;
            }

            lock (_gate)
            {
                if (_disposed)
                {
                    connection.Abort(Disposed());
                }
                else
                {
                    Volatile.Write(ref _current, connection);
                }
            }
            if (!_disposed)
            {
                failures = 0;
                Record(RedisInstrumentation.ConnectionsOpened);
                if (connectedBefore)
                {
                    Record(RedisInstrumentation.Reconnects);
                }
                connectedBefore = true;
                Log.Connected(_logger, _role, _options.EndPoint);
                _firstAttempt.TrySetResult(null);
                _firstConnection.TrySetResult();
            }

            Exception reason = await connection.Completion.ConfigureAwait(false);
            Volatile.Write(ref _current, null);
            if (stopping.IsCancellationRequested)
            {
                break;
            }
            Volatile.Write(ref _lastError, reason);
            Record(RedisInstrumentation.ConnectionsLost);
            Log.ConnectionLost(_logger, _role, _options.EndPoint, reason);
        }
    }

    private async Task PrepareAsync(RedisConnection connection, CancellationToken cancellationToken)
    {
        if (_onConnected is null)
        {
            return;
        }
        try
        {
            await _onConnected(connection, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            connection.Abort(ex);
            await connection.Completion.ConfigureAwait(false);
            throw;
        }
    }

    private TimeSpan Backoff(int failures)
    {
        double milliseconds = s_firstRetryDelay.TotalMilliseconds * Math.Pow(2, Math.Min(failures - 1, 16));
        milliseconds = Math.Min(milliseconds, _options.ReconnectMaxDelay.TotalMilliseconds);
        // Jitter keeps many clients from reconnecting in lockstep after a server restart.
        return TimeSpan.FromMilliseconds(milliseconds * (0.8 + (Random.Shared.NextDouble() * 0.4)));
    }

    private void Record(System.Diagnostics.Metrics.Counter<long> counter)
    {
        if (!_options.DisableMetrics)
        {
            counter.Add(1, new KeyValuePair<string, object?>("redis.connection.role", _role));
        }
    }

    private static RedisConnectionException Disposed() => new("The Redis client was disposed.");

    /// <summary>Stops reconnecting and closes the connection without waiting for it.</summary>
    public void Stop()
    {
        RedisConnection? current;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            current = _current;
        }
        _stopping.Cancel();
        current?.Abort(Disposed());
        _firstAttempt.TrySetResult(Disposed());
        _firstConnection.TrySetException(new ObjectDisposedException(nameof(RedisClient)));
        // Nobody may be waiting for the first connection; observe the exception so it is not reported as unobserved.
        _ = _firstConnection.Task.Exception;
    }

    public async ValueTask DisposeAsync()
    {
        Stop();
        Task? run = Volatile.Read(ref _run);
        if (run is not null)
        {
            await run.ConfigureAwait(false);
        }
    }
}
