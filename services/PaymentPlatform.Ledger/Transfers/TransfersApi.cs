using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using PaymentPlatform.ServiceDefaults.Http;
using PaymentPlatform.ServiceDefaults;

namespace PaymentPlatform.Ledger.Transfers;

internal static class TransfersApi
{
    /// <summary>TigerBeetle's batch size: one request carries up to this many transfers.</summary>
    public const int MaxBatchSize = 8190;

    public const int MaxPageSize = 500;

    public static RouteGroupBuilder MapTransfersApi(this RouteGroupBuilder v1)
    {
        v1.MapPost("/transfers", CreateTransfers);
        v1.MapGet("/transfers/{id}", GetTransfer);
        v1.MapPost("/transfers/{id}/post", (string id, HttpRequest request, TransferStore store, CancellationToken ct) => Resolve(id, post: true, request, store, ct));
        v1.MapPost("/transfers/{id}/void", (string id, HttpRequest request, TransferStore store, CancellationToken ct) => Resolve(id, post: false, request, store, ct));
        v1.MapGet("/accounts/{id}/transfers", ListAccountTransfers);
        return v1;
    }

    /// <summary>One transfer (an object) or a batch (an array, a result per item, applied in order).</summary>
    public static async Task<Results<Created<TransferResponse>, Ok<TransferResponse>, Ok<BatchResponse>, ProblemHttpResult>> CreateTransfers(
        HttpRequest request, TransferStore store, CancellationToken cancellationToken)
    {
        var (body, invalid) = await RequestBody.ReadAsync(request, cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }
        if (body.ValueKind == JsonValueKind.Array)
        {
            var count = body.GetArrayLength();
            if (count is 0 or > MaxBatchSize)
            {
                return RequestBody.Invalid($"A batch holds 1 to {MaxBatchSize} transfers; this one has {count}.");
            }
            var options = request.HttpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
            var results = new List<BatchItemResult>(count);
            var index = 0;
            foreach (var item in body.EnumerateArray())
            {
                results.Add(await CreateItemAsync(index++, item, options, store, cancellationToken));
            }
            return TypedResults.Ok(new BatchResponse(results));
        }

        var (create, wrongType) = RequestBody.Convert<CreateTransferRequest>(body, request);
        if (wrongType is not null)
        {
            return wrongType;
        }
        if (create!.Validate().Problem() is { } problem)
        {
            return problem;
        }
        var outcome = await store.CreateAsync(create, cancellationToken);
        return outcome switch
        {
            { Error: { } error } => error.ToProblem(),
            { Created: true } => TypedResults.Created($"/v1/transfers/{Uri.EscapeDataString(outcome.Transfer!.Id)}", outcome.Transfer.ToResponse("created")),
            _ => TypedResults.Ok(outcome.Transfer!.ToResponse("exists")),
        };
    }

    private static async Task<BatchItemResult> CreateItemAsync(int index, JsonElement item, JsonSerializerOptions options, TransferStore store, CancellationToken cancellationToken)
    {
        CreateTransferRequest? create;
        try
        {
            create = item.ValueKind == JsonValueKind.Object ? item.Deserialize<CreateTransferRequest>(options) : null;
        }
        catch (JsonException ex)
        {
            return new BatchItemResult(index, null, "invalid_request", StatusCodes.Status400BadRequest, null, $"A field has the wrong type: {ex.Path ?? "$"}.");
        }
        if (create is null)
        {
            return new BatchItemResult(index, null, "invalid_request", StatusCodes.Status400BadRequest, null, "Each item must be a JSON object.");
        }
        var errors = create.Validate();
        if (errors.Any)
        {
            var detail = string.Join(" ", errors.ToDictionary().Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"));
            return new BatchItemResult(index, create.Id, "invalid_request", StatusCodes.Status400BadRequest, null, detail);
        }
        var outcome = await store.CreateAsync(create, cancellationToken);
        return outcome switch
        {
            { Error: { } error } => new BatchItemResult(index, create.Id, error.Code, error.Status, null, error.Detail),
            { Created: true } => new BatchItemResult(index, create.Id, "created", StatusCodes.Status201Created, outcome.Transfer!.ToResponse(), null),
            _ => new BatchItemResult(index, create.Id, "exists", StatusCodes.Status200OK, outcome.Transfer!.ToResponse(), null),
        };
    }

    public static async Task<Results<Ok<TransferResponse>, ProblemHttpResult>> GetTransfer(string id, TransferStore store, CancellationToken cancellationToken) =>
        await store.FindAsync(id, cancellationToken) is { } transfer
            ? TypedResults.Ok(transfer.ToResponse())
            : Problems.NotFound("transfer_not_found", $"No transfer {id}.");

    /// <summary>Posts (optional <c>{"amount": n}</c>, at most the hold; the rest is released) or voids a hold, exactly once.</summary>
    public static async Task<Results<Created<TransferResponse>, Ok<TransferResponse>, ProblemHttpResult>> Resolve(
        string id, bool post, HttpRequest request, TransferStore store, CancellationToken cancellationToken)
    {
        long? amount = null;
        var (body, invalid) = await RequestBody.ReadOptionalAsync(request, cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }
        if (body is { } json)
        {
            var (resolve, wrongType) = RequestBody.Convert<ResolveTransferRequest>(json, request);
            if (wrongType is not null)
            {
                return wrongType;
            }
            amount = resolve!.Amount;
        }
        if (amount is not null && !post)
        {
            return RequestBody.Invalid("A void releases the whole hold; it takes no amount.");
        }
        if (amount is <= 0)
        {
            return RequestBody.Invalid("amount must be a positive number of minor units; to release the whole hold, void it.");
        }

        var outcome = await store.ResolveAsync(id, post, amount, cancellationToken);
        return outcome switch
        {
            { Error: { } error } => error.ToProblem(),
            { Created: true } => TypedResults.Created($"/v1/transfers/{Uri.EscapeDataString(outcome.Transfer!.Id)}", outcome.Transfer.ToResponse("created")),
            _ => TypedResults.Ok(outcome.Transfer!.ToResponse("exists")),
        };
    }

    /// <summary>An account's transfers, oldest first; pass <c>next_cursor</c> back as <c>cursor</c> for the next page.</summary>
    public static async Task<Results<Ok<TransferPage>, ProblemHttpResult>> ListAccountTransfers(
        string id, string? cursor, string? limit, TransferStore store, CancellationToken cancellationToken)
    {
        long after = 0;
        if (cursor is not null && (!long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out after) || after < 0))
        {
            return RequestBody.Invalid("cursor must be a next_cursor from a previous page.");
        }
        var size = 100;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size is < 1 or > MaxPageSize))
        {
            return RequestBody.Invalid($"limit must be between 1 and {MaxPageSize}.");
        }
        var page = await store.ListAsync(id, after, size, cancellationToken);
        if (page is not { } found)
        {
            return Problems.NotFound("account_not_found", $"No account {id}.");
        }
        var next = found.HasMore ? found.Page[^1].Seq.ToString(CultureInfo.InvariantCulture) : null;
        return TypedResults.Ok(new TransferPage([.. found.Page.Select(t => t.ToResponse())], found.HasMore, next));
    }
}
