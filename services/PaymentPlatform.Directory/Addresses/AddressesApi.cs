using Microsoft.AspNetCore.Http.HttpResults;
using PaymentPlatform.ServiceDefaults.Http;
using PaymentPlatform.ServiceDefaults;
using PaymentPlatform.Directory.Simulation;

namespace PaymentPlatform.Directory.Addresses;

internal static class AddressesApi
{
    public static RouteGroupBuilder MapAddressesApi(this RouteGroupBuilder v1)
    {
        v1.MapPost("/addresses/validate", Validate).WithSimulatedConditions(DirectoryRoutes.Validate);
        v1.MapGet("/addresses/{handle}/status", Status).WithSimulatedConditions(DirectoryRoutes.Status);
        v1.MapPost("/collect", Collect).WithSimulatedConditions(DirectoryRoutes.Collect);
        v1.MapGet("/collects/{key}", FindCollect);
        return v1;
    }

    /// <summary>ValAdd: a well-formed handle that does not exist is <c>valid: false</c>, not an error.</summary>
    public static async Task<Results<Ok<ValidateAddressResponse>, ProblemHttpResult>> Validate(HttpRequest request, CancellationToken cancellationToken)
    {
        var (body, invalid) = await RequestBody.ReadAsync(request, cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }
        var (validate, wrongType) = RequestBody.Convert<ValidateAddressRequest>(body, request);
        if (wrongType is not null)
        {
            return wrongType;
        }
        var errors = new FieldErrors();
        AddressRules.RequireHandle(errors, validate!.Handle);
        if (errors.Problem() is { } problem)
        {
            return problem;
        }
        var handle = validate.Handle!;
        var exists = SimulatedDirectory.Exists(handle);
        return TypedResults.Ok(new ValidateAddressResponse(handle, exists, exists ? SimulatedDirectory.MaskedName(handle) : null));
    }

    public static Results<Ok<AddressStatusResponse>, ProblemHttpResult> Status(string handle, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var errors = new FieldErrors();
        AddressRules.RequireHandle(errors, handle);
        if (errors.Problem() is { } problem)
        {
            return problem;
        }
        if (!SimulatedDirectory.Exists(handle))
        {
            return Problems.NotFound("address_not_found", $"No UPI address {handle}.");
        }
        var active = SimulatedDirectory.IsActive(handle);
        return TypedResults.Ok(new AddressStatusResponse(handle, active ? "active" : "inactive", active));
    }

    /// <summary>
    /// Debits the handle once per idempotency key (the <c>Idempotency-Key</c> header, else <c>collect_id</c>): a retry
    /// answers the first outcome; the same key with another handle, amount or currency is 409 <c>idempotency_key_reused</c>.
    /// </summary>
    public static async Task<Results<Ok<CollectResponse>, ProblemHttpResult>> Collect(HttpRequest request, CollectLedger ledger, CancellationToken cancellationToken)
    {
        var (body, invalid) = await RequestBody.ReadAsync(request, cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }
        var (collect, wrongType) = RequestBody.Convert<CollectRequest>(body, request);
        if (wrongType is not null)
        {
            return wrongType;
        }
        if (collect!.Validate().Problem() is { } problem)
        {
            return problem;
        }
        var key = request.Headers["Idempotency-Key"].ToString() is { Length: > 0 } header ? header : collect.CollectId!;
        var fingerprint = $"{collect.CollectId}|{collect.Handle!.ToLowerInvariant()}|{collect.Amount}|{collect.Currency}";
        var (answer, first, _) = ledger.GetOrAdd(key, fingerprint, () =>
        {
            var decline = SimulatedDirectory.CollectDeclineCode(collect.Handle!);
            return new CollectResponse(collect.CollectId!, collect.Handle!, collect.Amount!.Value, collect.Currency!,
                decline is null ? "succeeded" : "declined", decline);
        });
        return first == fingerprint
            ? TypedResults.Ok(answer)
            : Problems.Conflict("idempotency_key_reused", $"Collect key {key} was used for another collect.");
    }

    /// <summary>A collect by its idempotency key, with how many requests asked for it (a test reads that a retry collected once).</summary>
    public static Results<Ok<CollectRecord>, ProblemHttpResult> FindCollect(string key, CollectLedger ledger) =>
        ledger.Find(key) is { } found
            ? TypedResults.Ok(new CollectRecord(key, found.Response, found.Requests))
            : Problems.NotFound("collect_not_found", $"No collect under key {key} on this replica.");
}
