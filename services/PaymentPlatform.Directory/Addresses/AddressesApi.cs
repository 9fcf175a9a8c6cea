using Microsoft.AspNetCore.Http.HttpResults;
using PaymentPlatform.ServiceDefaults.Http;
using PaymentPlatform.ServiceDefaults;

namespace PaymentPlatform.Directory.Addresses;

internal static class AddressesApi
{
    public static RouteGroupBuilder MapAddressesApi(this RouteGroupBuilder v1)
    {
        v1.MapPost("/addresses/validate", Validate);
        v1.MapGet("/addresses/{handle}/status", Status);
        v1.MapPost("/collect", Collect);
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

    /// <summary>Debits the handle; the outcome depends only on the handle, so a retried collect answers alike.</summary>
    public static async Task<Results<Ok<CollectResponse>, ProblemHttpResult>> Collect(HttpRequest request, CancellationToken cancellationToken)
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
        var decline = SimulatedDirectory.CollectDeclineCode(collect.Handle!);
        return TypedResults.Ok(new CollectResponse(collect.CollectId!, collect.Handle!, collect.Amount!.Value, collect.Currency!,
            decline is null ? "succeeded" : "declined", decline));
    }
}
