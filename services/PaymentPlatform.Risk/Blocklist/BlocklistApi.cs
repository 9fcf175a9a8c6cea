using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using PaymentPlatform.ServiceDefaults.Http;
using PaymentPlatform.ServiceDefaults;

namespace PaymentPlatform.Risk.Blocklist;

internal static class BlocklistApi
{
    public const int MaxPageSize = 500;

    public static RouteGroupBuilder MapBlocklistApi(this RouteGroupBuilder v1)
    {
        v1.MapGet("/blocklist", List);
        v1.MapPost("/blocklist", Add);
        v1.MapDelete("/blocklist/{id}", Delete);
        return v1;
    }

    /// <summary>Adds a value; adding one already listed answers 200 with the existing entry (<c>result: exists</c>).</summary>
    public static async Task<Results<Created<BlocklistEntry>, Ok<BlocklistEntry>, ProblemHttpResult>> Add(
        HttpRequest request, BlocklistStore store, BlocklistCache cache, CancellationToken cancellationToken)
    {
        var (body, invalid) = await RequestBody.ReadAsync(request, cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }
        var (create, wrongType) = RequestBody.Convert<CreateBlocklistEntryRequest>(body, request);
        if (wrongType is not null)
        {
            return wrongType;
        }
        var (errors, normalized) = create!.Validate();
        if (errors.Problem() is { } problem)
        {
            return problem;
        }
        var (entry, created) = await store.AddAsync(create.Kind!, normalized!, create.Reason, cancellationToken);
        if (created)
        {
            await cache.ChangedAsync(cancellationToken);
        }
        return created
            ? TypedResults.Created($"/v1/blocklist/{entry.Id}", entry with { Result = "created" })
            : TypedResults.Ok(entry with { Result = "exists" });
    }

    public static async Task<Results<Ok<BlocklistPage>, ProblemHttpResult>> List(
        string? kind, string? value, string? cursor, string? limit, BlocklistStore store, CancellationToken cancellationToken)
    {
        if (kind is not null && !BlocklistKinds.All.Contains(kind))
        {
            return RequestBody.Invalid($"kind must be one of {string.Join(", ", BlocklistKinds.All)}.");
        }
        if (value is not null && kind is null)
        {
            return RequestBody.Invalid("value needs kind.");
        }
        var size = 100;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size is < 1 or > MaxPageSize))
        {
            return RequestBody.Invalid($"limit must be between 1 and {MaxPageSize}.");
        }
        var normalized = value is null ? null : BlocklistKinds.Normalize(kind!, value) ?? value;
        var (page, hasMore) = await store.ListAsync(kind, normalized, cursor, size, cancellationToken);
        return TypedResults.Ok(new BlocklistPage(page, hasMore, hasMore ? page[^1].Id : null));
    }

    public static async Task<Results<Ok<BlocklistDeleted>, ProblemHttpResult>> Delete(
        string id, BlocklistStore store, BlocklistCache cache, CancellationToken cancellationToken)
    {
        if (!await store.DeleteAsync(id, cancellationToken))
        {
            return Problems.NotFound("blocklist_entry_not_found", $"No block list entry {id}.");
        }
        await cache.ChangedAsync(cancellationToken);
        return TypedResults.Ok(new BlocklistDeleted(id, true));
    }
}
