using System.Net;
using System.Net.Sockets;

namespace PaymentPlatform.ServiceDefaults.Tests;

internal static class FreePort
{
    /// <summary>A loopback port nothing listens on (bound, read back, released).</summary>
    public static int Closed()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
