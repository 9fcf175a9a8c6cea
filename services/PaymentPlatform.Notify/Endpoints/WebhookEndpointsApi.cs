using System.Net;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using PaymentPlatform.Notify.Endpoints;
using PaymentPlatform.ServiceDefaults;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Notify's internal API (contracts.md, "Internal APIs"); the gateway proxies the merchant-facing parts.</summary>
public static partial class WebhookEndpointsApi
{
    private const int MaxDescriptionLength = 5000;

    public static IEndpointRouteBuilder MapWebhookEndpointsApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var merchant = app.MapGroup("/v1/merchants/{merchantId}").RequireInternalToken();
        merchant.MapPost("/endpoints", CreateEndpoint);
        merchant.MapGet("/endpoints", ListEndpoints);
        // Deepened by the notify issue (deliveries, retries, replay); the routes exist now so the
        // gateway and tests see the contract's shape.
        merchant.MapDelete("/endpoints/{id}", NotImplementedYet);
        merchant.MapPost("/endpoints/{id}/roll_secret", NotImplementedYet);
        merchant.MapGet("/events/{eventId}/deliveries", NotImplementedYet);
        merchant.MapPost("/events/{eventId}/retry", NotImplementedYet);
        merchant.MapPost("/replay", NotImplementedYet);
        return app;
    }

    internal static async Task<Results<Created<WebhookEndpointResponse>, ProblemHttpResult>> CreateEndpoint(
        string merchantId,
        CreateWebhookEndpointRequest? request,
        WebhookEndpointStore store,
        SecretProtector protector,
        IHostEnvironment environment,
        CancellationToken cancellationToken)
    {
        if (!MerchantIdPattern().IsMatch(merchantId))
        {
            return Problems.BadRequest("invalid_request", "The merchant id looks like mer_ followed by 1 to 64 letters or digits.");
        }
        if (Validate(request, environment.IsDevelopment()) is { } error)
        {
            return Problems.BadRequest("invalid_request", error);
        }
        var id = $"we_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12))}";
        var secret = $"whsec_{Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))}";
        var enabledEvents = request!.EnabledEvents!.Distinct(StringComparer.Ordinal).ToArray();
        var created = await store.InsertAsync(id, merchantId, request.Url!, enabledEvents, request.Description, protector.Protect(secret), cancellationToken);
        return TypedResults.Created($"/v1/merchants/{merchantId}/endpoints/{id}", new WebhookEndpointResponse(
            id, "webhook_endpoint", merchantId, request.Url!, enabledEvents, request.Description, "enabled", created.ToUnixTimeSeconds(), secret));
    }

    internal static async Task<Results<Ok<ListResponse<WebhookEndpointResponse>>, ProblemHttpResult>> ListEndpoints(
        string merchantId, WebhookEndpointStore store, CancellationToken cancellationToken)
    {
        if (!MerchantIdPattern().IsMatch(merchantId))
        {
            return Problems.BadRequest("invalid_request", "The merchant id looks like mer_ followed by 1 to 64 letters or digits.");
        }
        return TypedResults.Ok(new ListResponse<WebhookEndpointResponse>("list", await store.ListAsync(merchantId, cancellationToken), HasMore: false));
    }

    internal static ProblemHttpResult NotImplementedYet(CancellationToken cancellationToken) =>
        Problems.Result(StatusCodes.Status501NotImplemented, "not_implemented_yet", "Not implemented yet.", "This route arrives with the notify issue.");

    /// <summary>
    /// The request's own rules. Whether the URL may be connected to is decided again at delivery,
    /// on the address actually connected (contracts.md, SSRF); this only refuses the obvious.
    /// </summary>
    internal static string? Validate(CreateWebhookEndpointRequest? request, bool development)
    {
        if (request is null)
        {
            return "The body must be a JSON object.";
        }
        if (!Uri.TryCreate(request.Url, UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http") || request.Url!.Length > 2048)
        {
            return "url is required: an absolute http or https URL of at most 2048 characters.";
        }
        var loopback = url.IsLoopback || (IPAddress.TryParse(url.DnsSafeHost, out var ip) && IPAddress.IsLoopback(ip));
        if (!development && (url.Scheme != "https" || loopback))
        {
            return "url must be https and not a loopback address (loopback http URLs are allowed in Development only).";
        }
        if (request.EnabledEvents is not { Count: > 0 } events)
        {
            return "enabled_events is required: event types, or [\"*\"] for all.";
        }
        if (events.Contains("*") ? events.Count != 1 : events.Any(e => !EventTypes.All.Contains(e)))
        {
            return $"enabled_events is [\"*\"] or a list of: {string.Join(", ", EventTypes.All)}.";
        }
        if (request.Description is { Length: > MaxDescriptionLength })
        {
            return $"description is at most {MaxDescriptionLength} characters.";
        }
        return null;
    }

    [GeneratedRegex("^mer_[A-Za-z0-9]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex MerchantIdPattern();
}
