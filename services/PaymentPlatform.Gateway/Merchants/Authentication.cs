using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using PaymentPlatform.ServiceDefaults;

namespace PaymentPlatform.Gateway.Merchants;

/// <summary>The admin key: a secret parameter of the AppHost, for creating merchants and keys.</summary>
public sealed class AdminOptions
{
    public const string SectionName = "Gateway";

    public string? AdminKey { get; set; }
}

/// <summary>
/// Bearer authentication for the public API. Merchant routes take a secret key (<c>sk_test_...</c>)
/// and put its <see cref="MerchantContext"/> in the request's features; admin routes take the admin key.
/// </summary>
public static class Authentication
{
    /// <summary>The merchant the request acts for. Only on routes behind <see cref="RequireMerchant"/>.</summary>
    public static MerchantContext GetMerchant(this HttpContext context) =>
        context.Features.Get<MerchantContext>() ?? throw new InvalidOperationException("This route is not behind RequireMerchant().");

    /// <summary>Requires a live merchant API key on every route of the group.</summary>
    public static TBuilder RequireMerchant<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            if (BearerToken(http) is not { } secret)
            {
                return MissingKey();
            }
            var merchant = ApiKeys.LooksLikeKey(secret)
                ? await http.RequestServices.GetRequiredService<ApiKeyResolver>().ResolveAsync(secret, http.RequestAborted)
                : null;
            if (merchant is null)
            {
                return Problems.Result(StatusCodes.Status401Unauthorized, "invalid_api_key", "Invalid API key.",
                    "The API key is unknown, revoked or expired. Keys look like sk_test_...; the secret is shown only when a key is created.");
            }
            http.Features.Set(merchant);
            return await next(context);
        });

    /// <summary>Requires the admin key (the AppHost's <c>gateway-admin-key</c> parameter).</summary>
    public static TBuilder RequireAdmin<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var expected = http.RequestServices.GetRequiredService<IOptions<AdminOptions>>().Value.AdminKey;
            if (BearerToken(http) is not { } given)
            {
                return MissingKey();
            }
            if (string.IsNullOrEmpty(expected) || !FixedTimeEquals(given, expected))
            {
                return Problems.Result(StatusCodes.Status401Unauthorized, "invalid_admin_key", "Invalid admin key.",
                    "Admin routes take the AppHost's gateway-admin-key parameter as a bearer token.");
            }
            return await next(context);
        });

    private static string? BearerToken(HttpContext http)
    {
        var header = http.Request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && header.Length > "Bearer ".Length
            ? header["Bearer ".Length..].Trim()
            : null;
    }

    private static IResult MissingKey()
    {
        var result = Problems.Result(StatusCodes.Status401Unauthorized, "authentication_required", "An API key is required.",
            "Send Authorization: Bearer sk_test_... (your secret key).");
        return new WithHeader(result, "WWW-Authenticate", "Bearer");
    }

    private static bool FixedTimeEquals(string given, string expected) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));

    private sealed class WithHeader(IResult inner, string name, string value) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers[name] = value;
            return inner.ExecuteAsync(httpContext);
        }
    }
}
