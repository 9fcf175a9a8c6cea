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

    /// <summary>
    /// One transfer (an object: 201 <c>created</c>, 200 <c>exists</c>, or a problem) or a batch (an array of up to
    /// 8,190: 200 with a result per item, in order, applied in one transaction; <c>linked</c> items form chains).
    /// </summary>
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
            var commands = body.EnumerateArray().Select(item => ToCommand(item, options)).ToArray();
            var outcomes = await store.ExecuteAsync(commands, cancellationToken);
            return TypedResults.Ok(new BatchResponse([.. outcomes.Select((outcome, index) => ToItemResult(index, commands[index], outcome))]));
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
        if (create.Linked == true)
        {
            return RequestBody.Invalid("linked applies to an item of a batch (an array), linking it to the next item.");
        }
        return ToResult(await store.CreateAsync(create.ToCommand(), cancellationToken));
    }

    internal static Results<Created<TransferResponse>, Ok<TransferResponse>, Ok<BatchResponse>, ProblemHttpResult> ToResult(TransferOutcome outcome) => outcome switch
    {
        { Error: { } error } => error.ToProblem(),
        { Created: true } => TypedResults.Created($"/v1/transfers/{Uri.EscapeDataString(outcome.Transfer!.Id)}", outcome.Transfer.ToResponse("created")),
        _ => TypedResults.Ok(outcome.Transfer!.ToResponse("exists")),
    };

    internal static BatchItemResult ToItemResult(int index, TransferCommand command, TransferOutcome outcome) => outcome switch
    {
        { Error: { } error } => new BatchItemResult(index, command.Id.Length == 0 ? null : command.Id, error.Code, error.Status, null, error.Detail),
        { Created: true } => new BatchItemResult(index, command.Id, "created", StatusCodes.Status201Created, outcome.Transfer!.ToResponse(), null),
        _ => new BatchItemResult(index, command.Id, "exists", StatusCodes.Status200OK, outcome.Transfer!.ToResponse(), null),
    };

    /// <summary>An item as a command; one that does not parse or validate still takes its place (and fails its chain).</summary>
    private static TransferCommand ToCommand(JsonElement item, JsonSerializerOptions options)
    {
        var linked = item.ValueKind == JsonValueKind.Object && item.TryGetProperty("linked", out var flag) && flag.ValueKind == JsonValueKind.True;
        CreateTransferRequest? create;
        try
        {
            create = item.ValueKind == JsonValueKind.Object ? item.Deserialize<CreateTransferRequest>(options) : null;
        }
        catch (JsonException ex)
        {
            return Invalid(null, linked, $"A field has the wrong type: {ex.Path ?? "$"}.");
        }
        if (create is null)
        {
            return Invalid(null, linked, "Each item must be a JSON object.");
        }
        var errors = create.Validate();
        if (errors.Any)
        {
            return Invalid(create.Id, linked, string.Join(" ", errors.ToDictionary().Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")));
        }
        return create.ToCommand();
    }

    private static TransferCommand Invalid(string? id, bool linked, string detail) =>
        new(id ?? "", TransferKinds.SinglePhase, null, null, null, null, null, null, linked,
            new LedgerError(StatusCodes.Status400BadRequest, "invalid_request", detail));

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
