using Microsoft.AspNetCore.Http.HttpResults;
using PaymentPlatform.Gateway.Infrastructure;
using PaymentPlatform.Gateway.Merchants;
using PaymentPlatform.Gateway.Payments;
using PaymentPlatform.ServiceDefaults;

namespace Microsoft.AspNetCore.Builder;

/// <summary>
/// Merchants and their keys. Admin routes (the admin key) create merchants, set their fee rule and rate
/// limit, and issue or revoke keys; a merchant rolls and revokes its own keys with its secret key.
/// </summary>
public static class MerchantsApi
{
    private static readonly TimeSpan DefaultRollOverlap = TimeSpan.FromHours(24);
    private const long MaxRollOverlapSeconds = 7 * 24 * 60 * 60;

    public static IEndpointRouteBuilder MapMerchantsApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var admin = app.MapGroup("/v1/merchants").RequireAdmin();
        admin.MapPost("/", CreateMerchant).Reads<CreateMerchantRequest>().WithProblems(400, 413);
        admin.MapGet("/{id}", GetMerchant).WithProblems(404);
        admin.MapPost("/{id}", UpdateMerchant).Reads<UpdateMerchantRequest>().WithProblems(400, 404, 413);
        admin.MapPost("/{id}/api_keys", AddKey).WithProblems(404);
        admin.MapPost("/{id}/api_keys/{keyId}/revoke", AdminRevokeKey).WithProblems(404);

        var keys = app.MapGroup("/v1/api_keys").RequireMerchant();
        keys.MapGet("/", ListKeys).WithProblems();
        keys.MapPost("/roll", RollKey).Reads<RollKeyRequest>().WithProblems(400, 413);
        keys.MapPost("/{keyId}/revoke", RevokeKey).WithProblems(404);
        return app;
    }

    internal static async Task<Results<Created<MerchantResponse>, ProblemHttpResult>> CreateMerchant(
        HttpRequest http, MerchantStore store, CancellationToken cancellationToken)
    {
        var (body, invalid) = await JsonBody.ReadAsync<CreateMerchantRequest>(http, cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }
        if (string.IsNullOrWhiteSpace(body!.Name) || body.Name.Length > 200)
        {
            return Problems.BadRequest("invalid_request", "name is required: 1 to 200 characters.");
        }
        var (fee, rateLimit, error) = Settings(body.FeeRule, body.RateLimit, FeeRule.Default, RateLimitSettings.Default);
        if (error is not null)
        {
            return Problems.BadRequest("invalid_request", error);
        }
        var secret = ApiKeys.NewSecret(livemode: false);
        var (merchant, _) = await store.CreateAsync(Ids.New("mer"), body.Name, fee!, rateLimit!, secret, cancellationToken);
        return TypedResults.Created($"/v1/merchants/{merchant.Id}", merchant.ToResponse(secret));
    }

    internal static async Task<Results<Ok<MerchantResponse>, ProblemHttpResult>> GetMerchant(string id, MerchantStore store, CancellationToken cancellationToken) =>
        await store.FindAsync(id, cancellationToken) is { } merchant
            ? TypedResults.Ok(merchant.ToResponse())
            : Problems.NotFound("merchant_not_found", $"No merchant {id}.");

    internal static async Task<Results<Ok<MerchantResponse>, ProblemHttpResult>> UpdateMerchant(
        string id, HttpRequest http, MerchantStore store, ApiKeyInvalidation keys, CancellationToken cancellationToken)
    {
        var (body, invalid) = await JsonBody.ReadAsync<UpdateMerchantRequest>(http, cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }
        if (await store.FindAsync(id, cancellationToken) is not { } current)
        {
            return Problems.NotFound("merchant_not_found", $"No merchant {id}.");
        }
        var (fee, rateLimit, error) = Settings(body!.FeeRule, body.RateLimit, current.FeeRule, current.RateLimit);
        if (error is not null)
        {
            return Problems.BadRequest("invalid_request", error);
        }
        var updated = await store.UpdateAsync(id, fee, rateLimit, cancellationToken);
        await keys.KeysChangedAsync(cancellationToken);
        return updated is null ? Problems.NotFound("merchant_not_found", $"No merchant {id}.") : TypedResults.Ok(updated.ToResponse());
    }

    internal static async Task<Results<Created<ApiKeyResponse>, ProblemHttpResult>> AddKey(string id, MerchantStore store, CancellationToken cancellationToken)
    {
        if (await store.FindAsync(id, cancellationToken) is null)
        {
            return Problems.NotFound("merchant_not_found", $"No merchant {id}.");
        }
        var secret = ApiKeys.NewSecret(livemode: false);
        var key = await store.AddKeyAsync(id, secret, cancellationToken);
        return TypedResults.Created($"/v1/api_keys/{key.Id}", key.ToResponse(secret));
    }

    internal static async Task<Results<Ok<ApiKeyResponse>, ProblemHttpResult>> AdminRevokeKey(
        string id, string keyId, MerchantStore store, ApiKeyInvalidation keys, CancellationToken cancellationToken)
    {
        var revoked = await store.RevokeAsync(id, keyId, cancellationToken);
        await keys.KeysChangedAsync(cancellationToken);
        return revoked is null ? Problems.NotFound("api_key_not_found", $"Merchant {id} has no key {keyId}.") : TypedResults.Ok(revoked.ToResponse());
    }

    internal static async Task<Ok<ListResponse<ApiKeyResponse>>> ListKeys(HttpContext http, MerchantStore store, CancellationToken cancellationToken)
    {
        var keys = await store.ListKeysAsync(http.GetMerchant().MerchantId, cancellationToken);
        return TypedResults.Ok(new ListResponse<ApiKeyResponse>("list", "/v1/api_keys", [.. keys.Select(k => k.ToResponse())], HasMore: false));
    }

    internal static async Task<Results<Created<RollKeyResponse>, ProblemHttpResult>> RollKey(
        HttpContext http, MerchantStore store, ApiKeyInvalidation keys, CancellationToken cancellationToken)
    {
        var (body, invalid) = await JsonBody.ReadAsync<RollKeyRequest>(http.Request, cancellationToken, allowEmpty: true);
        if (invalid is not null)
        {
            return invalid;
        }
        // The range first: TimeSpan.FromSeconds overflows on a huge number.
        if (body?.ExpiresInSeconds is < 0 or > MaxRollOverlapSeconds)
        {
            return Problems.BadRequest("invalid_request", $"expires_in_seconds is from 0 to {MaxRollOverlapSeconds} (7 days).");
        }
        var overlap = body?.ExpiresInSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : DefaultRollOverlap;
        var merchant = http.GetMerchant();
        var secret = ApiKeys.NewSecret(merchant.Livemode);
        var (newKey, oldKey) = await store.RollAsync(merchant.MerchantId, merchant.KeyId, secret, overlap, cancellationToken);
        await keys.KeysChangedAsync(cancellationToken);
        return TypedResults.Created($"/v1/api_keys/{newKey.Id}", new RollKeyResponse("api_key_roll", newKey.ToResponse(secret), oldKey.ToResponse()));
    }

    internal static async Task<Results<Ok<ApiKeyResponse>, ProblemHttpResult>> RevokeKey(
        string keyId, HttpContext http, MerchantStore store, ApiKeyInvalidation keys, CancellationToken cancellationToken)
    {
        var revoked = await store.RevokeAsync(http.GetMerchant().MerchantId, keyId, cancellationToken);
        await keys.KeysChangedAsync(cancellationToken);
        return revoked is null ? Problems.NotFound("api_key_not_found", $"No API key {keyId}.") : TypedResults.Ok(revoked.ToResponse());
    }

    private static (FeeRule? Fee, RateLimitSettings? RateLimit, string? Error) Settings(
        FeeRuleData? fee, RateLimitData? rateLimit, FeeRule currentFee, RateLimitSettings currentLimit)
    {
        var basisPoints = fee?.BasisPoints ?? currentFee.BasisPoints;
        var fixedPart = fee?.Fixed ?? currentFee.FixedMinorUnits;
        if (basisPoints is < 0 or > 10_000 || fixedPart is < 0 or > PaymentValidation.MaxAmount)
        {
            return (null, null, "fee_rule.basis_points is from 0 to 10000 and fee_rule.fixed from 0 to 99999999 minor units.");
        }
        var perSecond = rateLimit?.RequestsPerSecond ?? currentLimit.RequestsPerSecond;
        var burst = rateLimit?.Burst ?? Math.Max(currentLimit.Burst, perSecond);
        if (perSecond is < 1 or > 1_000_000 || burst < perSecond || burst > 10_000_000)
        {
            return (null, null, "rate_limit.requests_per_second is from 1 to 1000000, and rate_limit.burst at least that.");
        }
        return (new FeeRule(basisPoints, fixedPart), new RateLimitSettings(perSecond, burst), null);
    }
}
