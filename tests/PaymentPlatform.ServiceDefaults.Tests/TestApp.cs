using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace PaymentPlatform.ServiceDefaults.Tests;

/// <summary>A real WebApplication on a loopback port chosen by the kernel.</summary>
internal sealed class TestApp : IAsyncDisposable
{
    private TestApp(WebApplication app, Uri baseAddress)
    {
        App = app;
        BaseAddress = baseAddress;
    }

    public WebApplication App { get; }

    public Uri BaseAddress { get; }

    public IServiceProvider Services => App.Services;

    public static async Task<TestApp> StartAsync(
        Action<WebApplication> map,
        Action<WebApplicationBuilder>? configure = null,
        IDictionary<string, string?>? configuration = null,
        string environment = "Production",
        bool serviceDefaults = true)
    {
        var app = Build(map, configure, configuration, environment, serviceDefaults);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new TestApp(app, new Uri(address));
    }

    public static WebApplication Build(
        Action<WebApplication> map,
        Action<WebApplicationBuilder>? configure = null,
        IDictionary<string, string?>? configuration = null,
        string environment = "Production",
        bool serviceDefaults = true)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = environment,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();

        // Nothing from the machine's environment decides a test: no exporter unless asked.
        var settings = new Dictionary<string, string?> { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "" };
        foreach (var (key, value) in configuration ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(settings);
        if (serviceDefaults)
        {
            builder.AddServiceDefaults();
        }

        configure?.Invoke(builder);
        var app = builder.Build();
        if (serviceDefaults)
        {
            app.MapDefaultEndpoints();
        }

        map(app);
        return app;
    }

    public HttpClient CreateClient() => new() { BaseAddress = BaseAddress };

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}

/// <summary>A non-web host holding internal clients, as a calling service would.</summary>
internal sealed class ClientHost : IAsyncDisposable
{
    public const string Token = "test-internal-token-6f1c";

    private ClientHost(IHost host) => Host = host;

    public IHost Host { get; }

    public IServiceProvider Services => Host.Services;

    public static IHost Build(string service, IDictionary<string, string?> configuration, Action<IServiceCollection>? configure = null)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            EnvironmentName = "Production",
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        var settings = new Dictionary<string, string?> { ["InternalApi:Token"] = Token };
        foreach (var (key, value) in configuration)
        {
            settings[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddInternalClient(service);
        configure?.Invoke(builder.Services);
        return builder.Build();
    }

    /// <summary>
    /// A host whose client <paramref name="service"/> reaches <paramref name="replicas"/>,
    /// with fast test timings unless <paramref name="resilience"/> says otherwise.
    /// </summary>
    public static async Task<ClientHost> StartAsync(
        string service,
        IEnumerable<Uri> replicas,
        IDictionary<string, string?>? resilience = null,
        Action<IServiceCollection>? configure = null)
    {
        var settings = new Dictionary<string, string?>();
        var index = 0;
        foreach (var replica in replicas)
        {
            settings[$"Services:{service}:http:{index++}"] = replica.GetLeftPart(UriPartial.Authority);
        }

        var section = $"InternalClients:{service}:Resilience";
        settings[$"{section}:Retry:BaseDelay"] = "00:00:00.010";
        settings[$"{section}:Retry:UseJitter"] = "false";
        settings[$"{section}:AttemptTimeout"] = "00:00:02";
        settings[$"{section}:TotalTimeout"] = "00:00:05";
        settings[$"{section}:CircuitBreaker:SamplingDuration"] = "00:00:05";
        foreach (var (key, value) in resilience ?? new Dictionary<string, string?>())
        {
            settings[$"{section}:{key}"] = value;
        }

        var host = Build(service, settings, configure);
        await host.StartAsync();
        return new ClientHost(host);
    }

    public HttpClient CreateClient(string service) =>
        Services.GetRequiredService<IHttpClientFactory>().CreateClient(service);

    public async ValueTask DisposeAsync()
    {
        await Host.StopAsync();
        Host.Dispose();
    }
}
