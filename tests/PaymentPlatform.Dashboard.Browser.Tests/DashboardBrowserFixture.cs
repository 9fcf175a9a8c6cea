using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Playwright;
using PaymentPlatform.Hosting;
using PaymentPlatform.Hosting.ApplicationModel;
using PaymentPlatform.Hosting.Dashboard;
using PaymentPlatform.Hosting.Testing;

namespace PaymentPlatform.Dashboard.Browser.Tests;

/// <summary>
/// The whole platform with the dashboard on, as run mode has it, and one headless chromium. Notify
/// may deliver to loopback, so a test's webhook endpoint gets deliveries and their spans join the
/// payment's trace.
/// </summary>
public sealed class DashboardBrowserFixture : IAsyncLifetime
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    /// <summary>Debian's chromium (eng/prerequisites.sh --tests installs it); Playwright's own download cannot work here.</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    private IDistributedApplicationTestingBuilder? _builder;
    private IPlaywright? _playwright;

    public DistributedApplication App { get; private set; } = null!;

    public DashboardInfo Dashboard => App.Dashboard!;

    public IBrowser Browser { get; private set; } = null!;

    public WebhookReceiver Webhooks { get; private set; } = null!;

    /// <summary>Where screenshots go: TestResults/screenshots beside the test assembly.</summary>
    public string ScreenshotDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");

    public TimeSpan StartupTime { get; private set; }

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing: run eng/prerequisites.sh --tests as root, or apt-get install chromium.");
        }
        var stopwatch = Stopwatch.StartNew();
        Directory.CreateDirectory(ScreenshotDirectory);
        Webhooks = await WebhookReceiver.StartAsync();
        _builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.PaymentPlatform_AppHost>([], options => options with { EnableDashboard = true });
        _builder.CreateResourceBuilder<ProjectResource>("notify")
            .WithEnvironment("Notify__Delivery__AllowedNetworks", "127.0.0.0/8,::1/128");
        App = await _builder.BuildAsync();
        await App.StartAndWaitForHealthyAsync(StartTimeout);

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
        });
        StartupTime = stopwatch.Elapsed;
    }

    /// <summary>A fresh browser context at 1280×800, logged in with the run's login URL, on the page it lands on.</summary>
    public async Task<IPage> LogInAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync(Dashboard.LoginUrl.ToString());
        return page;
    }

    /// <summary>An absolute dashboard URL on the host the session cookie belongs to (the login URL's).</summary>
    public string Url(string pathAndQuery) => new Uri(Dashboard.LoginUrl, pathAndQuery).ToString();

    /// <summary>Registers a webhook endpoint for the merchant with notify (its internal API), so payments get delivered and traced there.</summary>
    public async Task AddWebhookEndpointAsync(TestMerchant merchant)
    {
        var token = await ((ParameterResource)App.Model.Find("internal-token")).GetValueAsync();
        var notify = App.ResourceNotifications.Get("notify")?.Replicas[0].Url ?? throw new InvalidOperationException("notify has no address.");
        using var client = new HttpClient { BaseAddress = new Uri(notify) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.PostAsJsonAsync($"/v1/merchants/{merchant.Id}/endpoints",
            new { url = Webhooks.Url, enabled_events = new[] { "*" }, description = "dashboard browser test" });
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"notify answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }
        _playwright?.Dispose();
        if (_builder is not null)
        {
            await _builder.DisposeAsync();
        }
        if (Webhooks is not null)
        {
            await Webhooks.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class DashboardBrowserCollection : ICollectionFixture<DashboardBrowserFixture>
{
    public const string Name = "Dashboard in a browser";
}
