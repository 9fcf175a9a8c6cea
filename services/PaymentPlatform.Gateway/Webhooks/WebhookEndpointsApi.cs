using Microsoft.AspNetCore.Http.HttpResults;
using PaymentPlatform.Gateway.Downstream;
using PaymentPlatform.Gateway.Infrastructure;
using PaymentPlatform.Gateway.Merchants;
using PaymentPlatform.Gateway.Payments;
using PaymentPlatform.Gateway.RateLimiting;
using PaymentPlatform.Gateway.Webhooks;
using PaymentPlatform.ServiceDefaults;

namespace Microsoft.AspNetCore.Builder;

/// <summary>
/// Webhook endpoints and deliveries, proxied to notify (contracts.md, "Who owns what"): notify owns the data, the
/// gateway adds the merchant id from the API key, so a merchant only ever reaches its own endpoints and deliveries.
/// </summary>
public static class WebhookEndpointsApi
{
    public static IEndpointRouteBuilder MapWebhookEndpointsApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var endpoints = app.MapGroup("/v1/webhook_endpoints").RequireMerchant().RequireMerchantRateLimit();
        // Every route may answer 502 notify_error (a contract bug) and 503 notify_unavailable.
        const int BadRequest = StatusCodes.Status400BadRequest, NotFound = StatusCodes.Status404NotFound, TooLarge = StatusCodes.Status413PayloadTooLarge,
            BadGateway = StatusCodes.Status502BadGateway, Unavailable = StatusCodes.Status503ServiceUnavailable,
            UnsupportedType = StatusCodes.Status415UnsupportedMediaType;
        endpoints.MapPost("/", CreateEndpoint).WithProblems(BadRequest, TooLarge, UnsupportedType, BadGateway, Unavailable)
            .Accepts<CreateWebhookEndpointRequest>("application/json");
        endpoints.MapGet("/", ListEndpoints).WithProblems(BadGateway, Unavailable);
        endpoints.MapGet("/{id}", GetEndpoint).WithProblems(NotFound, BadGateway, Unavailable);
        endpoints.MapDelete("/{id}", DeleteEndpoint).WithProblems(NotFound, BadGateway, Unavailable);
        endpoints.MapPost("/{id}/roll_secret", RollSecret).WithProblems(BadRequest, NotFound, TooLarge, UnsupportedType, BadGateway, Unavailable)
            .Accepts<RollSecretRequest>(isOptional: true, "application/json");

        var events = app.MapGroup("/v1/events").RequireMerchant().RequireMerchantRateLimit();
        events.MapGet("/{id}/deliveries", ListDeliveries).WithProblems(NotFound, BadGateway, Unavailable);
        events.MapPost("/{id}/retry", RetryEvent).WithProblems(NotFound, BadGateway, Unavailable);
        return app;
    }

    internal static async Task<Results<Created<WebhookEndpointResponse>, ProblemHttpResult>> CreateEndpoint(
        HttpContext http, NotifyClient notify, CancellationToken cancellationToken)
    {
        var (body, invalid) = await JsonBody.ReadAsync<CreateWebhookEndpointRequest>(http.Request, cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }
        return await CallAsync<Created<WebhookEndpointResponse>>(async () =>
        {
            var answer = await notify.CreateEndpointAsync(http.GetMerchant().MerchantId, body!, cancellationToken);
            return answer.Value is { } created
                ? TypedResults.Created($"/v1/webhook_endpoints/{created.Id}", created.ToResponse())
                : Refused(answer, null);
        });
    }

    internal static Task<Results<Ok<ListResponse<WebhookEndpointResponse>>, ProblemHttpResult>> ListEndpoints(
        HttpContext http, NotifyClient notify, CancellationToken cancellationToken) =>
        CallAsync<Ok<ListResponse<WebhookEndpointResponse>>>(async () =>
        {
            var answer = await notify.ListEndpointsAsync(http.GetMerchant().MerchantId, cancellationToken);
            return answer.Value is { } list
                ? TypedResults.Ok(new ListResponse<WebhookEndpointResponse>("list", "/v1/webhook_endpoints", [.. list.Data.Select(e => e.ToResponse())], list.HasMore))
                : Refused(answer, null);
        });

    /// <summary>Notify lists a merchant's endpoints whole (a merchant has a handful), so one is found in the list.</summary>
    internal static Task<Results<Ok<WebhookEndpointResponse>, ProblemHttpResult>> GetEndpoint(
        string id, HttpContext http, NotifyClient notify, CancellationToken cancellationToken) =>
        CallAsync<Ok<WebhookEndpointResponse>>(async () =>
        {
            var answer = await notify.ListEndpointsAsync(http.GetMerchant().MerchantId, cancellationToken);
            if (answer.Value is not { } list)
            {
                return Refused(answer, null);
            }
            return list.Data.FirstOrDefault(e => e.Id == id) is { } endpoint
                ? TypedResults.Ok(endpoint.ToResponse())
                : EndpointNotFound(id);
        });

    internal static Task<Results<Ok<WebhookEndpointDeleted>, ProblemHttpResult>> DeleteEndpoint(
        string id, HttpContext http, NotifyClient notify, CancellationToken cancellationToken) =>
        CallAsync<Ok<WebhookEndpointDeleted>>(async () =>
        {
            var answer = await notify.DeleteEndpointAsync(http.GetMerchant().MerchantId, id, cancellationToken);
            return answer.Value is { } deleted
                ? TypedResults.Ok(new WebhookEndpointDeleted(deleted.Id, "webhook_endpoint", deleted.Deleted))
                : Refused(answer, () => EndpointNotFound(id));
        });

    /// <summary>A new secret, shown once; the previous one keeps signing for <c>expires_in</c> seconds (default 24 h, at most 7 days).</summary>
    internal static async Task<Results<Ok<WebhookEndpointResponse>, ProblemHttpResult>> RollSecret(
        string id, HttpContext http, NotifyClient notify, CancellationToken cancellationToken)
    {
        var (body, invalid) = await JsonBody.ReadAsync<RollSecretRequest>(http.Request, cancellationToken, allowEmpty: true);
        if (invalid is not null)
        {
            return invalid;
        }
        if (body?.ExpiresIn is < 0 or > 7 * 24 * 3600)
        {
            return Problems.BadRequest("invalid_request", "expires_in is 0 to 604800 seconds.");
        }
        return await CallAsync<Ok<WebhookEndpointResponse>>(async () =>
        {
            var answer = await notify.RollSecretAsync(http.GetMerchant().MerchantId, id, body?.ExpiresIn, cancellationToken);
            return answer.Value is { } rolled ? TypedResults.Ok(rolled.ToResponse()) : Refused(answer, () => EndpointNotFound(id));
        });
    }

    /// <summary>
    /// The event's deliveries. The event must be the merchant's (the gateway's table decides); one notify has not
    /// recorded yet (the relay and notify take a moment) has none so far.
    /// </summary>
    internal static async Task<Results<Ok<ListResponse<WebhookDeliveryResponse>>, ProblemHttpResult>> ListDeliveries(
        string id, HttpContext http, PaymentStore store, NotifyClient notify, CancellationToken cancellationToken)
    {
        var merchantId = http.GetMerchant().MerchantId;
        if (await store.FindEventAsync(id, merchantId, cancellationToken) is null)
        {
            return EventNotFound(id);
        }
        return await CallAsync<Ok<ListResponse<WebhookDeliveryResponse>>>(async () =>
        {
            var answer = await notify.ListDeliveriesAsync(merchantId, id, cancellationToken);
            return answer.Value is not null || answer.Status == StatusCodes.Status404NotFound
                ? TypedResults.Ok(Deliveries(id, answer.Value))
                : Refused(answer, null);
        });
    }

    /// <summary>Every delivery of the event to an enabled endpoint is attempted again now (a succeeded one too), the schedule from its start.</summary>
    internal static async Task<Results<Accepted<ListResponse<WebhookDeliveryResponse>>, ProblemHttpResult>> RetryEvent(
        string id, HttpContext http, PaymentStore store, NotifyClient notify, CancellationToken cancellationToken)
    {
        var merchantId = http.GetMerchant().MerchantId;
        if (await store.FindEventAsync(id, merchantId, cancellationToken) is null)
        {
            return EventNotFound(id);
        }
        return await CallAsync<Accepted<ListResponse<WebhookDeliveryResponse>>>(async () =>
        {
            var answer = await notify.RetryEventAsync(merchantId, id, cancellationToken);
            // 404 from notify: the event has not reached it yet; its deliveries will be first attempts when it does.
            return answer.Value is not null || answer.Status == StatusCodes.Status404NotFound
                ? TypedResults.Accepted($"/v1/events/{id}/deliveries", Deliveries(id, answer.Value))
                : Refused(answer, null);
        });
    }

    private static ListResponse<WebhookDeliveryResponse> Deliveries(string eventId, NotifyList<WebhookDeliveryResponse>? list) =>
        new("list", $"/v1/events/{eventId}/deliveries", list?.Data ?? [], list?.HasMore ?? false);

    /// <summary>Runs one proxied call; notify not answering (after the pipeline's retries, where allowed) is 503 <c>notify_unavailable</c>.</summary>
    private static async Task<Results<T, ProblemHttpResult>> CallAsync<T>(Func<Task<Results<T, ProblemHttpResult>>> call)
        where T : IResult
    {
        try
        {
            return await call();
        }
        catch (DownstreamException ex) when (ex.Unavailable)
        {
            return Problems.ServiceUnavailable("notify_unavailable", "Webhook endpoints are unavailable for the moment; retry.");
        }
    }

    /// <summary>
    /// Notify's refusal as the public problem: 400 <c>invalid_request</c> with notify's own explanation (its validation
    /// of the URL and event types), 404 through <paramref name="notFound"/>; anything else is a contract bug, 502.
    /// </summary>
    private static ProblemHttpResult Refused<T>(NotifyAnswer<T> answer, Func<ProblemHttpResult>? notFound) where T : class => answer.Status switch
    {
        StatusCodes.Status400BadRequest => Problems.BadRequest("invalid_request", answer.Detail ?? "The webhook endpoint is invalid."),
        StatusCodes.Status404NotFound when notFound is not null => notFound(),
        _ => Problems.Result(StatusCodes.Status502BadGateway, "notify_error", "Webhook endpoints answered unexpectedly.",
            $"Notify answered {answer.Status}{(answer.Code is null ? "" : $" ({answer.Code})")}."),
    };

    private static ProblemHttpResult EndpointNotFound(string id) => Problems.NotFound("webhook_endpoint_not_found", $"No webhook endpoint {id}.");

    private static ProblemHttpResult EventNotFound(string id) => Problems.NotFound("event_not_found", $"No event {id}.");
}
