using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Threading.Channels;
using PaymentPlatform.Redis.Protocol;

namespace PaymentPlatform.Redis.Connections;

/// <summary>
/// One socket to the server, pipelined: callers enqueue commands, a write loop sends whatever
/// has queued up in one flush, and a read loop matches replies to commands in order.
/// It never reconnects; when it fails every command still queued or awaiting a reply fails
/// with a <see cref="RedisConnectionException"/>, and <see cref="Completion"/> completes.
/// </summary>
internal sealed class RedisConnection
{
    // Past this much unflushed output the write loop flushes mid-batch, bounding its buffer.
    private const int FlushThreshold = 64 * 1024;

    private readonly Stream _stream;
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly Channel<PendingCommand> _outgoing = Channel.CreateUnbounded<PendingCommand>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });
    private readonly ConcurrentQueue<PendingCommand> _awaitingReply = new();
    private readonly Func<RedisResult, bool> _replyInterceptor;
    private readonly CancellationTokenSource _shutdown = new();
    private Exception? _failure;
    private int _aborted;

    private RedisConnection(Stream stream, string endPoint, Func<RedisResult, bool>? replyInterceptor)
    {
        _stream = stream;
        EndPoint = endPoint;
        _replyInterceptor = replyInterceptor ?? IgnorePush;
        _input = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 4 * 1024, leaveOpen: true));
        _output = PipeWriter.Create(stream, new StreamPipeWriterOptions(minimumBufferSize: 16 * 1024, leaveOpen: true));
        Completion = Task.Run(RunAsync);
    }

    public string EndPoint { get; }

    /// <summary>Completes, with the reason, once the connection has failed or been closed and every command has been failed.</summary>
    public Task<Exception> Completion { get; }

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
            connection = new RedisConnection(stream, options.EndPoint, replyInterceptor);
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

    /// <summary>Queues a command; false when the connection has failed (the command was not queued).</summary>
    public bool TryEnqueue(PendingCommand command) =>
        Volatile.Read(ref _aborted) == 0 && _outgoing.Writer.TryWrite(command);

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
        _outgoing.Writer.TryComplete();
        _shutdown.Cancel();
        _stream.Dispose();
    }

    private static bool IgnorePush(RedisResult reply) => reply.Type == RedisResultType.Push;

    private async Task<Exception> RunAsync()
    {
        await Task.WhenAll(ReadLoopAsync(), WriteLoopAsync()).ConfigureAwait(false);
        Exception reason = _failure!;
        // Completing with an exception releases the buffers without trying to flush to a dead socket.
        _output.Complete(reason);
        _input.Complete(reason);
        while (_outgoing.Reader.TryRead(out PendingCommand? command))
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
        return reason;
    }

    private async Task ReadLoopAsync()
    {
        try
        {
            while (true)
            {
                ReadResult read = await _input.ReadAsync(_shutdown.Token).ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = read.Buffer;
                SequencePosition consumed = DispatchReplies(buffer);
                if (read.IsCompleted)
                {
                    Abort(new RedisConnectionException($"{EndPoint} closed the connection."));
                    break;
                }
                _input.AdvanceTo(consumed, buffer.End);
            }
        }
        catch (OperationCanceledException) when (_shutdown.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            // Whatever stops this loop must reach the callers awaiting replies, or they would hang.
            Abort(ex is RedisException ? ex : new RedisConnectionException($"Reading from {EndPoint} failed: {ex.Message}", ex));
        }
    }

    private SequencePosition DispatchReplies(in ReadOnlySequence<byte> buffer)
    {
        var reader = new SequenceReader<byte>(buffer);
        SequencePosition consumed = buffer.Start;
        while (RespParser.TryRead(ref reader, out RedisResult? reply))
        {
            consumed = reader.Position;
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
        return consumed;
    }

    private async Task WriteLoopAsync()
    {
        try
        {
            ChannelReader<PendingCommand> outgoing = _outgoing.Reader;
            while (await outgoing.WaitToReadAsync(_shutdown.Token).ConfigureAwait(false))
            {
                while (outgoing.TryRead(out PendingCommand? command))
                {
                    if (!command.TryMarkWritten())
                    {
                        continue;
                    }
                    // Queued before the bytes can reach the server, so its reply always finds it.
                    _awaitingReply.Enqueue(command);
                    RespWriter.WriteCommand(_output, command.Command, command.Arguments);
                    if (_output.UnflushedBytes >= FlushThreshold)
                    {
                        await _output.FlushAsync(_shutdown.Token).ConfigureAwait(false);
                    }
                }
                await _output.FlushAsync(_shutdown.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_shutdown.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            Abort(ex is RedisException ? ex : new RedisConnectionException($"Writing to {EndPoint} failed: {ex.Message}", ex));
        }
    }
}
