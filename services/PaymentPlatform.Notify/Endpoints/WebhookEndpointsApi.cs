using System.Net;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using PaymentPlatform.Notify.Delivery;
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
        merchant.MapDelete("/endpoints/{id}", DeleteEndpoint);
        merchant.MapPost("/endpoints/{id}/roll_secret", RollSecret);
        merchant.MapGet("/events/{eventId}/deliveries", ListDeliveries);
        merchant.MapPost("/events/{eventId}/retry", RetryEvent);
        merchant.MapPost("/replay", Replay);
        return app;
    }

    internal static async Task<Results<Created<WebhookEndpointResponse>, ProblemHttpResult>> CreateEndpoint(
        string merchantId,
        CreateWebhookEndpointRequest? request,
        WebhookEndpointStore store,
        SecretProtector protector,
        NetworkPolicy policy,
        IHostEnvironment environment,
        CancellationToken cancellationToken)
    {
        if (!MerchantIdPattern().IsMatch(merchantId))
        {
            return Problems.BadRequest("invalid_request", "The merchant id looks like mer_ followed by 1 to 64 letters or digits.");
        }
        if (Validate(request, environment.IsDevelopment(), policy) is { } error)
        {
            return Problems.BadRequest("invalid_request", error);
        }
        var id = $"we_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12))}";
        var secret = WebhookSigner.NewSecret();
        var enabledEvents = request!.EnabledEvents!.Distinct(StringComparer.Ordinal).ToArray();
        var created = await store.InsertAsync(id, merchantId, request.Url!, enabledEvents, request.Description, request.RateLimit, protector.Protect(secret), cancellationToken);
        return TypedResults.Created($"/v1/merchants/{merchantId}/endpoints/{id}", new WebhookEndpointResponse(
            id, "webhook_endpoint", merchantId, request.Url!, enabledEvents, request.Description, "enabled", created.ToUnixTimeSeconds(), secret,
            RateLimit: request.RateLimit));
    }

    internal static async Task<Results<Ok<DeletedResponse>, ProblemHttpResult>> DeleteEndpoint(
        string merchantId, string id, WebhookEndpointStore store, CancellationToken cancellationToken)
    {
        if (!MerchantIdPattern().IsMatch(merchantId))
        {
            return InvalidMerchant();
        }
        return await store.DeleteAsync(merchantId, id, cancellationToken)
            ? TypedResults.Ok(new DeletedResponse(id, "webhook_endpoint", Deleted: true))
            : Problems.NotFound("resource_missing", $"No webhook endpoint {id}.");
    }

    /// <summary>A new secret, shown once; the previous one keeps signing (both signatures sent) until it expires.</summary>
    internal static async Task<Results<Ok<WebhookEndpointResponse>, ProblemHttpResult>> RollSecret(
        string merchantId, string id, HttpRequest httpRequest, WebhookEndpointStore store, SecretProtector protector,
        IOptions<DeliveryOptions> options, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!MerchantIdPattern().IsMatch(merchantId))
        {
            return InvalidMerchant();
        }
        RollSecretRequest? request = null;
        if (httpRequest.ContentLength is > 0 || httpRequest.Headers.TransferEncoding.Count > 0)
        {
            try
            {
                request = await httpRequest.ReadFromJsonAsync<RollSecretRequest>(cancellationToken);
            }
            catch (System.Text.Json.JsonException)
            {
                return Problems.BadRequest("invalid_request", "The body is empty or a JSON object {\"expires_in\": seconds}.");
            }
        }
        if (request?.ExpiresIn is < 0 or > 7 * 24 * 3600)
        {
            return Problems.BadRequest("invalid_request", "expires_in is 0 to 604800 seconds.");
        }
        var overlap = request?.ExpiresIn is { } seconds ? TimeSpan.FromSeconds(seconds) : options.Value.SecretRollOverlap;
        var secret = WebhookSigner.NewSecret();
        var endpoint = await store.RollSecretAsync(merchantId, id, protector.Protect(secret), time.GetUtcNow() + overlap, cancellationToken);
        return endpoint is null
            ? Problems.NotFound("resource_missing", $"No webhook endpoint {id}.")
            : TypedResults.Ok(endpoint with { Secret = secret });
    }

    internal static async Task<Results<Ok<ListResponse<DeliveryResponse>>, ProblemHttpResult>> ListDeliveries(
        string merchantId, string eventId, WebhookEndpointStore store, CancellationToken cancellationToken)
    {
        if (!MerchantIdPattern().IsMatch(merchantId))
        {
            return InvalidMerchant();
        }
        return await store.DeliveriesAsync(merchantId, eventId, cancellationToken) is { } deliveries
            ? TypedResults.Ok(new ListResponse<DeliveryResponse>("list", deliveries, HasMore: false))
            : Problems.NotFound("resource_missing", $"No event {eventId}.");
    }

    /// <summary>Attempts the event's deliveries again now, whatever their state (a succeeded one is sent again).</summary>
    internal static async Task<Results<Accepted<ListResponse<DeliveryResponse>>, ProblemHttpResult>> RetryEvent(
        string merchantId, string eventId, WebhookEndpointStore store, DeliverySignal signal, CancellationToken cancellationToken)
    {
        if (!MerchantIdPattern().IsMatch(merchantId))
        {
            return InvalidMerchant();
        }
        if (!await store.RetryAsync(merchantId, eventId, cancellationToken))
        {
            return Problems.NotFound("resource_missing", $"No event {eventId}.");
        }
        signal.Notify();
        var deliveries = await store.DeliveriesAsync(merchantId, eventId, cancellationToken) ?? [];
        return TypedResults.Accepted($"/v1/merchants/{merchantId}/events/{eventId}/deliveries", new ListResponse<DeliveryResponse>("list", deliveries, HasMore: false));
    }

    /// <summary>Exhausted deliveries of the merchant's events created in [since, until): attempted again, from the schedule's start.</summary>
    internal static async Task<Results<Accepted<ReplayResponse>, ProblemHttpResult>> Replay(
        string merchantId, ReplayRequest? request, WebhookEndpointStore store, DeliverySignal signal, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!MerchantIdPattern().IsMatch(merchantId))
        {
            return InvalidMerchant();
        }
        if (request?.Since is not { } since || since < 0 || request.Until is < 0 || (request.Until is { } u && u <= since))
        {
            return Problems.BadRequest("invalid_request", "since is required (Unix seconds); until, when given, is after it.");
        }
        var until = request.Until is { } end ? DateTimeOffset.FromUnixTimeSeconds(end) : time.GetUtcNow().AddSeconds(1);
        var replayed = await store.ReplayAsync(merchantId, DateTimeOffset.FromUnixTimeSeconds(since), until, cancellationToken);
        if (replayed > 0)
        {
            signal.Notify();
        }
        return TypedResults.Accepted((string?)null, new ReplayResponse("replay", replayed));
    }

    private static ProblemHttpResult InvalidMerchant() =>
        Problems.BadRequest("invalid_request", "The merchant id looks like mer_ followed by 1 to 64 letters or digits.");

    internal static async Task<Results<Ok<ListResponse<WebhookEndpointResponse>>, ProblemHttpResult>> ListEndpoints(
        string merchantId, WebhookEndpointStore store, CancellationToken cancellationToken)
    {
        if (!MerchantIdPattern().IsMatch(merchantId))
        {
            return Problems.BadRequest("invalid_request", "The merchant id looks like mer_ followed by 1 to 64 letters or digits.");
        }
        return TypedResults.Ok(new ListResponse<WebhookEndpointResponse>("list", await store.ListAsync(merchantId, cancellationToken), HasMore: false));
    }

    /// <summary>
    /// The request's own rules. Whether the URL may be connected to is decided again at delivery,
    /// on the address actually connected (contracts.md, SSRF); this only refuses the obvious.
    /// </summary>
    internal static string? Validate(CreateWebhookEndpointRequest? request, bool development, NetworkPolicy policy)
    {
        if (request is null)
        {
            return "The body must be a JSON object.";
        }
        if (!Uri.TryCreate(request.Url, UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http") || request.Url!.Length > 2048)
        {
            return "url is required: an absolute http or https URL of at most 2048 characters.";
        }
        if (!development)
        {
            // Outside Development: https, and no loopback, private, link-local or metadata literal,
            // unless the address is on the explicit allowlist (tests). Names are checked again on
            // the address actually connected, at every attempt.
            var literal = IPAddress.TryParse(url.DnsSafeHost, out var ip) ? ip : null;
            var allowlisted = literal is not null && policy.IsAllowed(literal) && !NetworkPolicy.PublicOnly.IsAllowed(literal);
            if (!allowlisted && (url.Scheme != "https" || url.IsLoopback))
            {
                return "url must be https and not a loopback address (loopback http URLs are allowed in Development only).";
            }
            if (!allowlisted && literal is not null && !NetworkPolicy.PublicOnly.IsAllowed(literal))
            {
                return "url must not be a loopback, private, link-local or metadata address.";
            }
        }
        if (request.EnabledEvents is not { Count: > 0 } events)
        {
            return "enabled_events is required: event types, or [\"*\"] for all.";
        }
        if (events.Contains("*") ? events.Count != 1 : events.Any(e => !EventTypes.All.Contains(e)))
        {
            return $"enabled_events is [\"*\"] or a list of: {string.Join(", ", EventTypes.All)}.";
        }
        if (request.RateLimit is <= 0 or > 100_000)
        {
            return "rate_limit, when given, is 1 to 100000 attempts per second.";
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
