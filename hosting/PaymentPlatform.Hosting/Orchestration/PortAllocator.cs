using System.Net;
using System.Net.Sockets;

namespace PaymentPlatform.Hosting.Orchestration;

/// <summary>
/// Hands out free loopback ports: the kernel picks one (bind to port 0), and the host never
/// hands the same port out twice. A port is held by the child that binds it from then on;
/// the host keeps it for that resource for its whole lifetime, so restarts come back on it.
/// </summary>
internal sealed class PortAllocator
{
    private readonly HashSet<int> _issued = [];
    private readonly Queue<int> _handOutFirst = new();

    /// <summary>For tests: the next allocation returns this port, taken or not.</summary>
    internal void HandOutNext(int port)
    {
        lock (_issued)
        {
            _handOutFirst.Enqueue(port);
        }
    }

    public int Allocate()
    {
        lock (_issued)
        {
            if (_handOutFirst.TryDequeue(out var next) && _issued.Add(next))
            {
                return next;
            }
            for (var attempt = 0; attempt < 100; attempt++)
            {
                using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                var port = ((IPEndPoint)listener.LocalEndPoint!).Port;
                if (_issued.Add(port))
                {
                    return port;
                }
            }
        }
        throw new DistributedApplicationException("Could not find a free loopback port after 100 attempts; is the machine out of ephemeral ports?");
    }

    /// <summary>Whether something is already listening on the port.</summary>
    public static bool IsInUse(int port)
    {
        try
        {
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            probe.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return false;
        }
        catch (SocketException)
        {
            return true;
        }
    }
}
