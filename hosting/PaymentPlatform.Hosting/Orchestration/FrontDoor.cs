using System.Net;
using System.Net.Sockets;

namespace PaymentPlatform.Hosting.Orchestration;

/// <summary>
/// The one stable address of an external endpoint: a TCP proxy on loopback that hands each
/// new connection to the next healthy replica (round-robin). Internal callers never use it;
/// they balance over the replicas themselves, so internal calls stay a single hop.
/// </summary>
internal sealed class FrontDoor : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly Func<IReadOnlyList<int>> _healthyPorts;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _acceptLoop;
    private int _next;

    public FrontDoor(Func<IReadOnlyList<int>> healthyPorts)
    {
        _healthyPorts = healthyPorts;
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(512);
        Port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
        _acceptLoop = AcceptLoopAsync();
    }

    public int Port { get; }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(Socket client)
    {
        using (client)
        {
            client.NoDelay = true;
            using var backend = await ConnectToReplicaAsync().ConfigureAwait(false);
            if (backend is null)
            {
                // No healthy replica: closing at once tells the caller to retry, rather than hanging.
                return;
            }
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            await using var clientStream = new NetworkStream(client, ownsSocket: false);
            await using var backendStream = new NetworkStream(backend, ownsSocket: false);
            var upstream = PumpAsync(clientStream, backend, backendStream, cts.Token);
            var downstream = PumpAsync(backendStream, client, clientStream, cts.Token);
            await Task.WhenAny(upstream, downstream).ConfigureAwait(false);
            // One side closed its sending half; let the other finish, unless it errored.
            await Task.WhenAll(upstream, downstream).ConfigureAwait(false);
        }
    }

    private static async Task PumpAsync(NetworkStream from, Socket toSocket, NetworkStream to, CancellationToken cancellationToken)
    {
        try
        {
            await from.CopyToAsync(to, 64 * 1024, cancellationToken).ConfigureAwait(false);
            toSocket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            try
            {
                toSocket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception inner) when (inner is SocketException or ObjectDisposedException)
            {
            }
        }
    }

    private async Task<Socket?> ConnectToReplicaAsync()
    {
        var ports = _healthyPorts();
        for (var attempt = 0; attempt < ports.Count; attempt++)
        {
            var port = ports[(int)((uint)Interlocked.Increment(ref _next) % (uint)ports.Count)];
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), _stopping.Token).ConfigureAwait(false);
                return socket;
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException)
            {
                socket.Dispose();
            }
        }
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        await _acceptLoop.ConfigureAwait(false);
        _stopping.Dispose();
    }
}
