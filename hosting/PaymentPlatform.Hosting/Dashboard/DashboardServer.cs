using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using PaymentPlatform.Hosting.Dashboard.Api;
using PaymentPlatform.Hosting.Dashboard.Otlp;
using PaymentPlatform.Hosting.Dashboard.Storage;

namespace PaymentPlatform.Hosting.Dashboard;

/// <summary>Where the running dashboard is, and the secrets to use it.</summary>
/// <param name="Url">The dashboard's base address on loopback; the telemetry API is under <c>/api/telemetry</c>.</param>
/// <param name="BrowserToken">The login token; scripts send it as <c>Authorization: Bearer</c>.</param>
/// <param name="OtlpEndpoint">Where OTLP/HTTP exporters send (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>).</param>
/// <param name="OtlpApiKey">The value of the <c>x-otlp-api-key</c> header every export must carry.</param>
public sealed record DashboardInfo(Uri Url, string BrowserToken, Uri OtlpEndpoint, string OtlpApiKey)
{
    /// <summary>
    /// The URL that logs a browser in (Aspire's <c>/login?t=&lt;token&gt;</c>), on <c>localhost</c> as
    /// Aspire prints it; the browser then stays on that host, which the session cookie belongs to.
    /// </summary>
    public Uri LoginUrl => new UriBuilder(Url) { Host = "localhost", Path = "/login", Query = $"t={BrowserToken}" }.Uri;
}

/// <summary>Lets long-lived responses (server-sent events) end when the dashboard stops.</summary>
internal sealed class DashboardLifetime
{
    private readonly CancellationTokenSource _stopping = new();

    public CancellationToken Stopping => _stopping.Token;

    public void Stop() => _stopping.Cancel();
}

/// <summary>
/// The dashboard's backend on Kestrel inside the AppHost process, on a loopback port chosen by
/// binding port 0 (so no other process can take it between choosing and binding): the OTLP/HTTP
/// receiver under <c>/v1</c> (API key), the telemetry API under <c>/api/telemetry</c> (browser
/// token) and the login at <c>/login</c>.
/// </summary>
internal sealed class DashboardServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly DashboardLifetime _lifetime;

    private DashboardServer(WebApplication app, DashboardLifetime lifetime, TelemetryStore store, DashboardInfo info)
    {
        _app = app;
        _lifetime = lifetime;
        Store = store;
        Info = info;
    }

    public TelemetryStore Store { get; }

    public DashboardInfo Info { get; }

    /// <summary>
    /// Starts the dashboard; <paramref name="host"/> is the app whose resources the API shows and
    /// commands, or null for telemetry only (tests, the ingest benchmark).
    /// </summary>
    public static async Task<DashboardServer> StartAsync(DashboardOptions options, DashboardHost? host, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        // The empty builder reads no configuration, environment or appsettings of the AppHost's,
        // and logs nothing: the AppHost's console belongs to its summary and resource output.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = "PaymentPlatform.Dashboard" });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            kestrel.AddServerHeader = false;
            // The receiver enforces its own limit, after decompression too, and answers OTLP-style.
            kestrel.Limits.MaxRequestBodySize = null;
        });
        builder.Services.AddRoutingCore();
        builder.Services.Configure<JsonOptions>(json => json.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase);
        var store = new TelemetryStore(options.Limits);
        var lifetime = new DashboardLifetime();
        builder.Services.AddSingleton(store);
        builder.Services.AddSingleton(lifetime);
        if (host is not null)
        {
            builder.Services.AddSingleton(host);
        }

        var app = builder.Build();
        app.UseRouting();
        var authentication = new BrowserTokenAuthentication(options.BrowserToken);
        app.MapOtlpReceiver(store, options);
        authentication.MapLogin(app);
        var api = app.MapGroup("/api/telemetry").AddEndpointFilter(authentication.RequireAsync);
        api.MapTelemetryApi();
        api.MapResourcesApi();
        app.MapGet("/", (HttpContext context) => authentication.IsAuthenticated(context.Request)
            ? Results.Text(IndexPage, "text/html")
            : Results.Redirect("/login"));

        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        var url = new Uri(address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal));
        authentication.Port = url.Port;
        return new DashboardServer(app, lifetime, store, new DashboardInfo(url, options.BrowserToken, url, options.OtlpApiKey));
    }

    public async ValueTask DisposeAsync()
    {
        _lifetime.Stop();
        await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    // Until the web UI exists (dashboard part 2): where the API is.
    private const string IndexPage = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>PaymentPlatform dashboard</title></head>
        <body style="font-family: system-ui, sans-serif; margin: 2rem">
        <h1>PaymentPlatform dashboard</h1>
        <p>Telemetry API (JSON):</p>
        <ul>
        <li><a href="/api/telemetry/resources">/api/telemetry/resources</a></li>
        <li><a href="/api/telemetry/logs">/api/telemetry/logs</a></li>
        <li><a href="/api/telemetry/traces">/api/telemetry/traces</a></li>
        <li><a href="/api/telemetry/spans">/api/telemetry/spans</a></li>
        <li><a href="/api/telemetry/metrics">/api/telemetry/metrics</a></li>
        <li><a href="/api/telemetry/stats">/api/telemetry/stats</a></li>
        </ul>
        </body></html>
        """;
}
