using Microsoft.AspNetCore.Http.HttpResults;
using PaymentPlatform.Gateway.Events;
using PaymentPlatform.Gateway.Infrastructure;
using PaymentPlatform.Gateway.Merchants;
using PaymentPlatform.Gateway.Payments;
using PaymentPlatform.Gateway.RateLimiting;
using PaymentPlatform.ServiceDefaults;

namespace Microsoft.AspNetCore.Builder;

/// <summary>The public events API (contracts.md, "The event path" 6): the merchant's own events, read from the outbox table.</summary>
public static class EventsApi
{
    public static IEndpointRouteBuilder MapEventsApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var events = app.MapGroup("/v1/events").RequireMerchant().RequireMerchantRateLimit();
        events.MapGet("/", ListEvents).WithProblems(StatusCodes.Status400BadRequest);
        events.MapGet("/{id}", GetEvent).WithProblems(StatusCodes.Status404NotFound);
        return app;
    }

    internal static async Task<Results<Ok<EventResponse>, ProblemHttpResult>> GetEvent(
        string id, HttpContext http, PaymentStore store, CancellationToken cancellationToken) =>
        await store.FindEventAsync(id, http.GetMerchant().MerchantId, cancellationToken) is { } stored
            ? TypedResults.Ok(stored.ToResponse())
            : Problems.NotFound("event_not_found", $"No event {id}.");

    /// <summary>Stripe's list parameters (<see cref="ListQueries"/>) and <c>type</c>, one of the closed list.</summary>
    internal static async Task<Results<Ok<ListResponse<EventResponse>>, ProblemHttpResult>> ListEvents(
        HttpContext http, PaymentStore store, CancellationToken cancellationToken)
    {
        var (query, invalid) = ListQueries.Parse(http.Request);
        if (invalid is not null)
        {
            return invalid;
        }
        // As for the other lists' filters, an empty value is no filter.
        var types = http.Request.Query["type"];
        var type = types.Count > 0 && !string.IsNullOrEmpty(types[0]) ? types[0] : null;
        if (type is not null)
        {
            if (types.Count > 1 || !EventTypeList.Contains(type))
            {
                return Problems.BadRequest("invalid_request", $"type is one of: {string.Join(", ", EventTypeList.All)}.");
            }
        }
        if (await store.ListEventsAsync(http.GetMerchant().MerchantId, query!, type, cancellationToken) is not { } page)
        {
            return Problems.BadRequest("invalid_request", "starting_after or ending_before is not one of your events.");
        }
        return TypedResults.Ok(new ListResponse<EventResponse>("list", "/v1/events", [.. page.Items.Select(e => e.ToResponse())], page.HasMore));
    }
}
