using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace PaymentPlatform.Hosting.Dashboard.Api;

/// <summary>
/// Aspire's browser-token login: the AppHost prints <c>/login?t=&lt;token&gt;</c>; opening it sets
/// a session cookie. Scripts send the token itself as <c>Authorization: Bearer &lt;token&gt;</c>.
/// </summary>
/// <remarks>
/// The cookie holds an HMAC of the token, not the token. Its name carries the port because
/// cookies ignore ports: two AppHosts on one machine must not overwrite each other's session.
/// SameSite=Strict keeps other sites from riding the cookie into the command endpoints.
/// </remarks>
internal sealed class BrowserTokenAuthentication
{
    private readonly byte[] _token;
    private readonly string _sessionValue;

    public BrowserTokenAuthentication(string token)
    {
        _token = Encoding.UTF8.GetBytes(token);
        _sessionValue = Convert.ToBase64String(HMACSHA256.HashData(_token, "paymentplatform-dashboard-session"u8)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>Set once Kestrel has bound its port (before any request can arrive).</summary>
    public int Port { get; set; }

    public string CookieName => $"paymentplatform-dashboard-{Port}";

    public bool IsAuthenticated(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return Matches(authorization["Bearer ".Length..].Trim(), _token);
        }
        return request.Cookies.TryGetValue(CookieName, out var cookie)
            && Matches(cookie, Encoding.UTF8.GetBytes(_sessionValue));
    }

    /// <summary>Maps <c>GET /login?t=token[&amp;returnUrl=/path]</c>.</summary>
    public void MapLogin(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/login", (HttpContext context, string? t, string? returnUrl, CancellationToken cancellationToken) =>
        {
            if (t is null || !Matches(t, _token))
            {
                return Results.Text(
                    "This dashboard needs its login link. Open the URL the AppHost printed at start (Dashboard: http://127.0.0.1:<port>/login?t=<token>).",
                    "text/plain", statusCode: StatusCodes.Status401Unauthorized);
            }
            context.Response.Cookies.Append(CookieName, _sessionValue, new CookieOptions
            {
                HttpOnly = true,
                SameSite = SameSiteMode.Strict,
                Path = "/",
                IsEssential = true,
            });
            // Only local paths: an open redirect would turn the login link into a phishing tool.
            var target = returnUrl is { Length: > 0 } && returnUrl[0] == '/' && !returnUrl.StartsWith("//", StringComparison.Ordinal) && !returnUrl.Contains('\\', StringComparison.Ordinal)
                ? returnUrl
                : "/";
            return Results.Redirect(target);
        });
    }

    /// <summary>An endpoint filter for a route group: 401 problem unless the caller is authenticated.</summary>
    public ValueTask<object?> RequireAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        IsAuthenticated(context.HttpContext.Request)
            ? next(context)
            : ValueTask.FromResult<object?>(DashboardProblems.Create(StatusCodes.Status401Unauthorized, "unauthorized",
                "Authentication required",
                "Open the login URL the AppHost printed (/login?t=<token>), or send 'Authorization: Bearer <token>'."));

    private static bool Matches(string presented, byte[] expected) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), expected);
}
