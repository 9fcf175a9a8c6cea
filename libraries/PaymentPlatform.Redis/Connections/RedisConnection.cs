using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using PaymentPlatform.Redis.Protocol;

namespace PaymentPlatform.Redis.Connections;

/// <summary>
/// One socket to the server, pipelined. A caller's command is written by the caller's own thread
/// when nothing else is being written, and otherwise by the thread already writing, which sends
/// everything queued behind it in one write; replies are read by a dedicated thread that matches
/// them to commands in order. It never reconnects; when it fails every command still queued or
/// awaiting a reply fails with a <see cref="RedisConnectionException"/>, and
/// <see cref="Completion"/> completes.
/// </summary>
/// <remarks>
/// Why no write loop and no asynchronous reads: each handoff between threads is a wake-up, and
/// on a small, busy machine each wake-up can wait for a core. A command used to cross four of
/// them (caller to write loop, socket event thread to thread pool for the read, and the reply to
/// the caller). Now the write needs none while the connection is idle (the socket send is made
/// by the caller and almost always completes at once), and the read needs one: the reading
/// thread waits in <c>poll(2)</c> on the socket itself, so the kernel wakes it directly, rather
/// than waking the runtime's socket event thread, which would then wake a thread-pool thread.
/// Replies still complete their callers' tasks asynchronously, so callers' code never runs on
/// (and never stalls) the reading thread.
/// </remarks>
internal sealed class RedisConnection
{
    // Past this much unsent output the writing thread sends mid-batch, bounding its buffer.
    private const int FlushThreshold = 64 * 1024;
    private const int ReadBufferSize = 64 * 1024;
    // How often the reading thread looks up from poll(2) to check for Abort; closing also wakes it.
    private static readonly TimeSpan s_pollInterval = TimeSpan.FromSeconds(1);

    private readonly Socket _socket;
    private readonly Stream _stream;
    private readonly ConcurrentQueue<PendingCommand> _outgoing = new();
    private readonly ConcurrentQueue<PendingCommand> _awaitingReply = new();
    private readonly ArrayBufferWriter<byte> _output = new(16 * 1024);
    private readonly Func<RedisResult, bool> _replyInterceptor;
    private readonly TaskCompletionSource<Exception> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Exception? _failure;
    private int _aborted;
    // 1 while a thread owns the right to write (_output and the stream's write side).
    private int _writing;

    private RedisConnection(Socket socket, Stream stream, string endPoint, Func<RedisResult, bool>? replyInterceptor)
    {
        _socket = socket;
        _stream = stream;
        EndPoint = endPoint;
        _replyInterceptor = replyInterceptor ?? IgnorePush;
        var reader = new Thread(ReadLoop) { IsBackground = true, Name = "Redis reader" };
        reader.UnsafeStart();
    }

    public string EndPoint { get; }

    /// <summary>Completes, with the reason, once the connection has failed or been closed and every command has been failed.</summary>
    public Task<Exception> Completion => _completion.Task;

    public bool IsAlive => Volatile.Read(ref _aborted) == 0;

    public int AwaitingReplyCount => _awaitingReply.Count;

    /// <summary>
    /// Opens a socket (and TLS when asked), then authenticates, selects the database and pings,
    /// all within <see cref="RedisClientOptions.ConnectTimeout"/>. The <c>replyInterceptor</c>
    /// sees each reply first; returning true consumes it (a push message) instead of matching
    /// it to a command. By default RESP3 push messages are consumed and ignored.
    /// </summary>
    public static async Task<RedisConnection> ConnectAsync(
        RedisClientOptions options, Func<RedisResult, bool>? replyInterceptor, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        RedisConnection? connection = null;
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            EndPoint target = IPAddress.TryParse(options.Host, out IPAddress? address)
                ? new IPEndPoint(address, options.Port)
                : new DnsEndPoint(options.Host, options.Port);
            await socket.ConnectAsync(target, timeout.Token).ConfigureAwait(false);
            Stream stream = new NetworkStream(socket, ownsSocket: true);
            if (options.Ssl)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = ssl;
                await ssl.AuthenticateAsClientAsync(
                    new SslClientAuthenticationOptions
                    {
                        TargetHost = options.SslHost ?? options.Host,
                        RemoteCertificateValidationCallback = options.CertificateValidation,
                    },
                    timeout.Token).ConfigureAwait(false);
            }
            connection = new RedisConnection(socket, stream, options.EndPoint, replyInterceptor);
            await connection.HandshakeAsync(options, timeout.Token).ConfigureAwait(false);
            return connection;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Exception failure = ex switch
            {
                OperationCanceledException => new RedisConnectionException(
                    $"Could not connect to {options.EndPoint} within {options.ConnectTimeout.TotalMilliseconds:0} ms (connectTimeout)."),
                RedisServerException server => new RedisConnectionException(
                    $"{options.EndPoint} refused the connection: {server.ServerMessage}", server),
                RedisConnectionException => ex,
                SocketException or IOException or AuthenticationException => new RedisConnectionException(
                    $"Could not connect to {options.EndPoint}: {ex.Message}", ex),
                _ => new RedisConnectionException($"Could not connect to {options.EndPoint}: {ex.Message}", ex),
            };
            await Close(connection, socket, failure).ConfigureAwait(false);
            throw failure;
        }
        catch (OperationCanceledException ex)
        {
            await Close(connection, socket, ex).ConfigureAwait(false);
            throw;
        }

        static async Task Close(RedisConnection? connection, Socket socket, Exception reason)
        {
            if (connection is null)
            {
                socket.Dispose();
                return;
            }
            connection.Abort(reason);
            await connection.Completion.ConfigureAwait(false);
        }
    }

    private async Task HandshakeAsync(RedisClientOptions options, CancellationToken cancellationToken)
    {
        var replies = new List<Task<RedisResult>>();
        if (options.Protocol == RedisProtocol.Resp3)
        {
            var hello = new List<RedisValue> { 3 };
            if (options.Password is not null)
            {
                hello.AddRange(["AUTH", options.User ?? "default", options.Password]);
            }
            if (options.ClientName is not null)
            {
                hello.AddRange(["SETNAME", options.ClientName]);
            }
            replies.Add(Send("HELLO", [.. hello]));
        }
        else
        {
            if (options.Password is not null)
            {
                replies.Add(Send("AUTH", options.User is null ? [options.Password] : [options.User, options.Password]));
            }
            if (options.ClientName is not null)
            {
                replies.Add(Send("CLIENT", ["SETNAME", options.ClientName]));
            }
        }
        if (options.Database != 0)
        {
            replies.Add(Send("SELECT", [options.Database]));
        }
        // PING proves the connection is usable (a server wanting a password answers NOAUTH).
        replies.Add(Send("PING", []));
        foreach (RedisResult result in await Task.WhenAll(replies).WaitAsync(cancellationToken).ConfigureAwait(false))
        {
            if (result.Type == RedisResultType.Error)
            {
                throw new RedisServerException("connection handshake", result.ErrorMessage!);
            }
        }
    }

    /// <summary>
    /// Queues a command and writes it (with whatever else is queued) unless another thread is
    /// writing, in which case that thread sends it. False when the connection has failed (the
    /// command was not queued).
    /// </summary>
    public bool TryEnqueue(PendingCommand command)
    {
        if (Volatile.Read(ref _aborted) != 0)
        {
            return false;
        }
        _outgoing.Enqueue(command);
        WriteQueued();
        if (Volatile.Read(ref _aborted) != 0)
        {
            // Abort may have swept the queues just before this command joined them.
            FailAll();
        }
        return true;
    }

    /// <summary>Queues a command and returns its reply, for the connection's own bookkeeping.</summary>
    public Task<RedisResult> Send(string command, RedisValue[] arguments)
    {
        var pending = new PendingCommand(command, arguments);
        return TryEnqueue(pending)
            ? pending.Task
            : Task.FromException<RedisResult>(new RedisConnectionException(
                $"The connection to {EndPoint} is closed; {command} was not sent.", commandMayHaveRun: false, _failure));
    }

    /// <summary>Closes the connection; every queued or in-flight command fails. Safe to call more than once.</summary>
    public void Abort(Exception reason)
    {
        if (Interlocked.Exchange(ref _aborted, 1) != 0)
        {
            return;
        }
        _failure = reason;
        try
        {
            // Wakes the reading thread from poll(2) or a blocked read at once.
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
        _stream.Dispose();
        FailAll();
    }

    private static bool IgnorePush(RedisResult reply) => reply.Type == RedisResultType.Push;

    /// <summary>
    /// Writes until the queue is empty, if no other thread is writing. The write gate is released
    /// before the queue is checked again (with full fences on both sides), so a command queued by
    /// a thread that found the gate taken is always written by the thread that held it.
    /// </summary>
    private void WriteQueued()
    {
        while (!_outgoing.IsEmpty && Interlocked.CompareExchange(ref _writing, 1, 0) == 0)
        {
            ValueTask sent;
            try
            {
                sent = WriteBatch();
            }
            catch (Exception ex)
            {
                ReleaseAfterWriteFailed(ex);
                return;
            }
            if (!sent.IsCompletedSuccessfully)
            {
                // The socket's send buffer is full: finish on the thread pool, keeping the gate,
                // so no caller waits for the server to read.
                _ = CompleteWriteAsync(sent);
                return;
            }
            Interlocked.Exchange(ref _writing, 0);
        }
        if (Volatile.Read(ref _aborted) != 0)
        {
            // A command this thread moved to the awaiting queue after Abort swept it must still fail.
            FailAll();
        }
    }

    private async Task CompleteWriteAsync(ValueTask sent)
    {
        try
        {
            await sent.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            ReleaseAfterWriteFailed(ex);
            return;
        }
        Interlocked.Exchange(ref _writing, 0);
        WriteQueued();
    }

    private void ReleaseAfterWriteFailed(Exception ex)
    {
        Abort(ex is RedisException ? ex : new RedisConnectionException($"Writing to {EndPoint} failed: {ex.Message}", ex));
        Interlocked.Exchange(ref _writing, 0);
        FailAll();
    }

    /// <summary>Encodes every queued command into one buffer and sends it; only the holder of the write gate calls this.</summary>
    private ValueTask WriteBatch()
    {
        while (_outgoing.TryDequeue(out PendingCommand? command))
        {
            if (!command.TryMarkWritten())
            {
                continue;
            }
            // Queued before the bytes can reach the server, so its reply always finds it.
            _awaitingReply.Enqueue(command);
            RespWriter.WriteCommand(_output, command.Command, command.Arguments);
            if (_output.WrittenCount >= FlushThreshold)
            {
                ValueTask sent = SendOutput();
                if (!sent.IsCompletedSuccessfully)
                {
                    return ContinueBatchAsync(sent);
                }
            }
        }
        return SendOutput();
    }

    private async ValueTask ContinueBatchAsync(ValueTask sent)
    {
        await sent.ConfigureAwait(false);
        await WriteBatch().ConfigureAwait(false);
    }

    private ValueTask SendOutput()
    {
        if (_output.WrittenCount == 0)
        {
            return ValueTask.CompletedTask;
        }
        // An asynchronous send tries the socket at once and completes synchronously when the
        // kernel takes the bytes, which is nearly always; only a full send buffer makes it wait.
        ValueTask sent = _stream.WriteAsync(_output.WrittenMemory);
        if (sent.IsCompletedSuccessfully)
        {
            // Consumed even when complete: a pooled operation behind the ValueTask is released only by GetResult.
            sent.GetAwaiter().GetResult();
            ResetOutput();
            return ValueTask.CompletedTask;
        }
        return AwaitSendAsync(sent);
    }

    private async ValueTask AwaitSendAsync(ValueTask sent)
    {
        await sent.ConfigureAwait(false);
        ResetOutput();
    }

    private void ResetOutput()
    {
        if (_output.Capacity > 4 * FlushThreshold)
        {
            // A huge command grew the buffer; do not keep it for the connection's lifetime.
            _output.Clear();
        }
        _output.ResetWrittenCount();
    }

    /// <summary>The reading thread: waits for bytes, parses every complete reply, and completes its command.</summary>
    private void ReadLoop()
    {
        byte[] buffer = new byte[ReadBufferSize];
        int start = 0;
        int end = 0;
        // Waiting in poll(2) on the socket itself lets the kernel wake this thread directly. With
        // TLS, the stream may hold decrypted bytes the socket no longer shows, so it reads directly.
        bool poll = _stream is NetworkStream;
        try
        {
            while (Volatile.Read(ref _aborted) == 0)
            {
                if (poll && !_socket.Poll(s_pollInterval, SelectMode.SelectRead))
                {
                    continue;
                }
                if (end == buffer.Length)
                {
                    if (start > 0)
                    {
                        Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                        end -= start;
                        start = 0;
                    }
                    else
                    {
                        // One reply larger than the buffer: grow it to hold the whole reply.
                        Array.Resize(ref buffer, buffer.Length * 2);
                    }
                }
                int read = _stream.Read(buffer, end, buffer.Length - end);
                if (read == 0)
                {
                    Abort(new RedisConnectionException($"{EndPoint} closed the connection."));
                    break;
                }
                end += read;
                start += DispatchReplies(new ReadOnlySequence<byte>(buffer, start, end - start));
                if (start == end)
                {
                    start = end = 0;
                    if (buffer.Length > ReadBufferSize)
                    {
                        buffer = new byte[ReadBufferSize];
                    }
                }
            }
        }
        catch (Exception ex)
        {
            // Whatever stops this loop must reach the callers awaiting replies, or they would hang.
            Abort(ex is RedisException ? ex : new RedisConnectionException($"Reading from {EndPoint} failed: {ex.Message}", ex));
        }
        Abort(new RedisConnectionException($"The connection to {EndPoint} was closed."));
        FailAll();
        _completion.TrySetResult(_failure!);
    }

    /// <summary>Parses and delivers every complete reply; returns how many bytes they took.</summary>
    private int DispatchReplies(in ReadOnlySequence<byte> buffer)
    {
        var reader = new SequenceReader<byte>(buffer);
        long consumed = 0;
        while (RespParser.TryRead(ref reader, out RedisResult? reply))
        {
            consumed = reader.Consumed;
            if (_replyInterceptor(reply))
            {
                continue;
            }
            if (!_awaitingReply.TryDequeue(out PendingCommand? command))
            {
                throw new RedisProtocolException($"{EndPoint} sent a {reply.Type} reply that no command was waiting for.");
            }
            command.TrySetResult(reply);
        }
        return (int)consumed;
    }

    /// <summary>
    /// Fails every command still queued or awaiting a reply. Called by Abort and again by any
    /// thread that may have queued a command after Abort's sweep; completing twice is harmless.
    /// </summary>
    private void FailAll()
    {
        Exception reason = _failure ?? new RedisConnectionException($"The connection to {EndPoint} was closed.");
        while (_outgoing.TryDequeue(out PendingCommand? command))
        {
            command.TrySetException(new RedisConnectionException(
                $"The connection to {EndPoint} failed before {command.Command} was sent; it did not run. {reason.Message}",
                commandMayHaveRun: false, reason));
        }
        while (_awaitingReply.TryDequeue(out PendingCommand? command))
        {
            command.TrySetException(new RedisConnectionException(
                $"The connection to {EndPoint} failed while {command.Command} awaited its reply; it may or may not have run. {reason.Message}",
                commandMayHaveRun: true, reason));
        }
    }
}
