using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace PaymentPlatform.Notify.Delivery;

/// <summary>
/// The client that calls merchants' endpoints: not the platform's internal client (no service
/// discovery, no resilience pipeline; retries are the delivery schedule's), no redirects, no
/// proxy, no cookies, no trace headers to merchants, and the SSRF check in ConnectCallback on each
/// address it is about to connect to.
/// </summary>
internal static class WebhookHttpClient
{
    public static HttpClient Create(NetworkPolicy policy, DeliveryOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = options.AttemptTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            ActivityHeadersPropagator = DistributedContextPropagator.CreateNoOutputPropagator(),
            ConnectCallback = (context, cancellationToken) => ConnectAsync(policy, context.DnsEndPoint, cancellationToken),
        };
        return new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    internal static ValueTask<Stream> ConnectAsync(NetworkPolicy policy, DnsEndPoint endpoint, CancellationToken cancellationToken) =>
        ConnectAsync(policy, endpoint, Dns.GetHostAddressesAsync, cancellationToken);

    /// <summary>The connection with a given name resolution (the system's in service; tests give names their own answers).</summary>
    internal static async ValueTask<Stream> ConnectAsync(
        NetworkPolicy policy, DnsEndPoint endpoint, Func<string, CancellationToken, Task<IPAddress[]>> resolve, CancellationToken cancellationToken)
    {
        var addresses = IPAddress.TryParse(endpoint.Host, out var literal)
            ? [literal]
            : await resolve(endpoint.Host, cancellationToken).ConfigureAwait(false);
        var allowed = addresses.Where(policy.IsAllowed).ToArray();
        if (allowed.Length == 0)
        {
            throw new TargetRefusedException(endpoint.Host, addresses);
        }
        Exception? last = null;
        foreach (var address in allowed)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                // Connect to the checked address itself, never to the name again (no second resolution).
                await socket.ConnectAsync(new IPEndPoint(address, endpoint.Port), cancellationToken).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        throw last!;
    }
}
