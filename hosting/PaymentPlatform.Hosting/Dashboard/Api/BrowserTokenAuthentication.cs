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
                return Results.Content(LoginPage(returnUrl, wrongToken: t is not null), "text/html; charset=utf-8", statusCode: StatusCodes.Status401Unauthorized);
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

    /// <summary>Where the login link is, and a field to paste the token into (Aspire's login page offers the same).</summary>
    private static string LoginPage(string? returnUrl, bool wrongToken)
    {
        var encodedReturn = System.Net.WebUtility.HtmlEncode(returnUrl ?? "/");
        var message = wrongToken ? "<p class=\"error\">That token is not this dashboard's.</p>" : "";
        return $$"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Log in · PaymentPlatform dashboard</title>
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <style>
            body { font: 15px/1.5 system-ui, sans-serif; background: #f4f5f7; color: #1f2328; display: grid; place-items: center; min-height: 100vh; margin: 0 }
            main { background: #fff; border: 1px solid #d0d7de; border-radius: 8px; padding: 2rem 2.5rem; max-width: 34rem }
            h1 { font-size: 1.3rem; margin-top: 0 } code { background: #f0f2f4; padding: 0 .3em; border-radius: 4px }
            input[type=password] { width: 100%; box-sizing: border-box; padding: .5rem; font: inherit; margin: .5rem 0 1rem }
            button { padding: .45rem 1.2rem; font: inherit; background: #5b3cc4; color: #fff; border: 0; border-radius: 6px; cursor: pointer }
            .error { color: #b42318 }
            </style></head>
            <body><main>
            <h1>PaymentPlatform dashboard</h1>
            <p>This dashboard needs its login link. Open the URL the AppHost printed at start
            (<code>Dashboard: http://localhost:&lt;port&gt;/login?t=&lt;token&gt;</code>), or paste the token here.</p>
            {{message}}
            <form method="get" action="/login">
            <label for="t">Browser token</label>
            <input id="t" name="t" type="password" autocomplete="off" autofocus required>
            <input type="hidden" name="returnUrl" value="{{encodedReturn}}">
            <button type="submit">Log in</button>
            </form>
            </main></body></html>
            """;
    }

    private static bool Matches(string presented, byte[] expected) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), expected);
}
