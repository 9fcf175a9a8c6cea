namespace PaymentPlatform.ServiceDefaults.ServiceDiscovery;

/// <summary>Rewrites each request's service URL to a concrete endpoint just before it is sent.</summary>
/// <remarks>
/// It sits inside the resilience handler, so every attempt resolves again and a retry goes
/// to the next replica.
/// </remarks>
internal sealed class ServiceDiscoveryHandler(ServiceEndpointResolver resolver) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri is { IsAbsoluteUri: true } uri)
        {
            request.RequestUri = resolver.Resolve(uri);
        }

        return base.SendAsync(request, cancellationToken);
    }
}
