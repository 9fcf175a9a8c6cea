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
using PaymentPlatform.Hosting.Dashboard.Web;

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
/// token), the login at <c>/login</c> and the web UI (browser token) at <c>/</c>.
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
        app.MapDashboardUi(authentication);

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
}
