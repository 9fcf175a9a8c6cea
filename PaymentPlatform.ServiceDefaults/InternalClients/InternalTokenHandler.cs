using System.Net.Http.Headers;
using Microsoft.Extensions.Options;
using PaymentPlatform.ServiceDefaults.InternalApi;

namespace PaymentPlatform.ServiceDefaults.InternalClients;

/// <summary>Attaches <c>Authorization: Bearer &lt;InternalApi:Token&gt;</c> to every internal call.</summary>
internal sealed class InternalTokenHandler(IOptionsMonitor<InternalApiOptions> options) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Headers.Authorization is null && options.CurrentValue.Token is { Length: > 0 } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return base.SendAsync(request, cancellationToken);
    }
}
