using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PaymentPlatform.Hosting.Dashboard.Api;

namespace PaymentPlatform.Hosting.Dashboard.Web;

/// <summary>
/// The web UI: one HTML page for every view (the script draws the view the path names), its
/// stylesheet and scripts, all compiled into the host, so nothing is fetched from elsewhere.
/// Everything needs the browser token's session; a page without it redirects to the login.
/// </summary>
internal static class DashboardUi
{
    /// <summary>The views' paths; the script routes between them without reloading.</summary>
    public static readonly string[] Pages = ["/", "/resources", "/console", "/logs", "/traces", "/traces/{traceId}", "/metrics"];

    // Nothing but this origin: no CDN, no fonts, no analytics; the UI talks only to its own API.
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    private static readonly Dictionary<string, Asset> Assets = new(StringComparer.Ordinal)
    {
        ["app.css"] = new(DashboardAssets.Css, "text/css; charset=utf-8"),
        ["core.js"] = new(DashboardAssets.CoreJs, "text/javascript; charset=utf-8"),
        ["charts.js"] = new(DashboardAssets.ChartsJs, "text/javascript; charset=utf-8"),
        ["resources.js"] = new(DashboardAssets.ResourcesJs, "text/javascript; charset=utf-8"),
        ["logs.js"] = new(DashboardAssets.LogsJs, "text/javascript; charset=utf-8"),
        ["traces.js"] = new(DashboardAssets.TracesJs, "text/javascript; charset=utf-8"),
        ["metrics.js"] = new(DashboardAssets.MetricsJs, "text/javascript; charset=utf-8"),
        ["app.js"] = new(DashboardAssets.AppJs, "text/javascript; charset=utf-8"),
    };

    private static readonly Asset Shell = new(DashboardAssets.Html, "text/html; charset=utf-8");

    public static IEndpointRouteBuilder MapDashboardUi(this IEndpointRouteBuilder app, BrowserTokenAuthentication authentication)
    {
        foreach (var page in Pages)
        {
            app.MapGet(page, (HttpContext context) =>
            {
                if (!authentication.IsAuthenticated(context.Request))
                {
                    var here = context.Request.Path + context.Request.QueryString;
                    return Results.Redirect(here == "/" ? "/login" : $"/login?returnUrl={Uri.EscapeDataString(here)}");
                }
                return Serve(context, Shell);
            });
        }
        app.MapGet("/ui/{file}", (HttpContext context, string file) =>
            !authentication.IsAuthenticated(context.Request) ? Results.StatusCode(StatusCodes.Status401Unauthorized)
            : Assets.TryGetValue(file, out var asset) ? Serve(context, asset)
            : Results.NotFound());
        return app;
    }

    private static IResult Serve(HttpContext context, Asset asset)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        // Revalidate every time (the host may have been rebuilt), but skip the body when unchanged.
        headers.CacheControl = "no-cache";
        headers.ETag = asset.ETag;
        if (context.Request.Headers.IfNoneMatch == asset.ETag)
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }
        return Results.Bytes(asset.Body, asset.ContentType);
    }

    private sealed class Asset(string text, string contentType)
    {
        public byte[] Body { get; } = Encoding.UTF8.GetBytes(text);

        public string ContentType { get; } = contentType;

        public string ETag { get; } = $"\"{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16]}\"";
    }
}
