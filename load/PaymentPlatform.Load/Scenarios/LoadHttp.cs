using System.Net;

namespace PaymentPlatform.Load.Scenarios;

/// <summary>The generator's HTTP client: a large connection pool, so the open model is never limited by connections.</summary>
public static class LoadHttp
{
    public static HttpClient CreateClient(Uri baseAddress, TimeSpan timeout, int maxConnections) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = maxConnections,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        UseProxy = false,
    })
    {
        BaseAddress = baseAddress,
        Timeout = timeout,
        DefaultRequestVersion = HttpVersion.Version11,
    };
}
