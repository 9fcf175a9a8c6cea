using PaymentPlatform.ServiceDefaults.InternalApi;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Internal-call authentication for endpoints.</summary>
public static class InternalTokenEndpointConventionBuilderExtensions
{
    /// <summary>
    /// Requires <c>Authorization: Bearer &lt;InternalApi:Token&gt;</c> on the endpoints of
    /// <paramref name="builder"/> (a route group or a single endpoint), e.g.
    /// <c>app.MapGroup("/v1").RequireInternalToken()</c>. A call without the token, or with
    /// a wrong one, gets 401 problem+json. A service that maps such endpoints fails at start
    /// when <c>InternalApi:Token</c> is not configured.
    /// </summary>
    public static TBuilder RequireInternalToken<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Add(endpoint =>
        {
            if (endpoint.Metadata.Contains(InternalTokenRequiredMetadata.Instance))
            {
                return;
            }

            endpoint.Metadata.Add(InternalTokenRequiredMetadata.Instance);
            var next = endpoint.RequestDelegate
                ?? throw new InvalidOperationException($"Endpoint '{endpoint.DisplayName}' has no request delegate to protect.");
            endpoint.RequestDelegate = InternalTokenGate.Wrap(next);
        });
        return builder;
    }
}
