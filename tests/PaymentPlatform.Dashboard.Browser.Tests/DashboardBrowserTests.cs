using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using PaymentPlatform.Hosting;
using PaymentPlatform.Hosting.ApplicationModel;
using PaymentPlatform.Hosting.Testing;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace PaymentPlatform.Dashboard.Browser.Tests;

/// <summary>
/// The dashboard's pages in headless chromium over the whole platform: what a person sees after
/// logging in with the printed token. Each test makes its own merchant and payment.
/// </summary>
[Collection(DashboardBrowserCollection.Name)]
public class DashboardBrowserTests(DashboardBrowserFixture fixture, ITestOutputHelper output)
{
    // Services export telemetry every second; a notify delivery follows the outbox relay and the stream.
    private const float Soon = 30_000;
    private const float TraceTimeout = 60_000;

    [Fact]
    public async Task LoggingInWithTheTokenShowsEveryResourceRunningAndHealthy()
    {
        var page = await fixture.LogInAsync();
        output.WriteLine($"AppHost healthy and chromium started in {fixture.StartupTime.TotalSeconds:0.0} s.");

        await Expect(page).ToHaveURLAsync(new Regex("/$"));
        var resources = fixture.App.Model.Resources.Where(r => r is not ParameterResource).Select(r => r.Name).ToList();
        foreach (var name in resources)
        {
            var row = page.Locator($"#resources tr[data-resource='{name}']");
            await page.UntilAsync(fixture, $"{name} to be shown running and healthy", async () =>
            {
                await Expect(row).ToHaveAttributeAsync("data-state", "Running", new() { Timeout = Soon });
                await Expect(row).ToHaveAttributeAsync("data-health", "Healthy", new() { Timeout = Soon });
            });
        }
        await Expect(page.Locator("#resources tr[data-resource]")).ToHaveCountAsync(resources.Count);
        await Expect(page.Locator("#resources tr[data-resource='gateway'] td").Nth(4)).ToHaveTextAsync("2/2");
        await page.SaveAsync(fixture, "dashboard-resources");

        // A resource's details: its replicas, and its environment with secrets withheld.
        await page.Locator("#resources tr[data-resource='gateway']").ClickAsync();
        await Expect(page.Locator("[data-details='gateway'] tr[data-replica]")).ToHaveCountAsync(2);
        var connectionString = page.Locator("[data-environment='gateway'] tr[data-variable='ConnectionStrings__paymentsdb']");
        await page.UntilAsync(fixture, "gateway's environment to show its connection string as a secret", () =>
            Expect(connectionString).ToContainTextAsync("secret", new() { Timeout = Soon }));
        var password = (await fixture.App.GetConnectionStringAsync("paymentsdb"))!.Split(';').Single(p => p.StartsWith("Password=", StringComparison.OrdinalIgnoreCase))["Password=".Length..];
        Assert.DoesNotContain(password, await page.ContentAsync(), StringComparison.Ordinal);
        await page.SaveAsync(fixture, "resources-details");
    }

    [Fact]
    public async Task WithoutTheTokenThePagesAskForTheLogin()
    {
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
        var page = await context.NewPageAsync();

        var response = await page.GotoAsync(fixture.Url("/traces"));

        Assert.Equal(401, response!.Status);
        await Expect(page.GetByText("This dashboard needs its login link")).ToBeVisibleAsync();
        await page.GetByLabel("Browser token").FillAsync(fixture.Dashboard.BrowserToken);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/traces$"));
        await Expect(page.Locator("#traces")).ToBeVisibleAsync();
        await context.CloseAsync();
    }

    [Fact]
    public async Task APaymentsTraceOpensAsAWaterfallWithSpansFromGatewayRiskLedgerAndNotify()
    {
        var merchant = await Payments.NewMerchantAsync(fixture.App);
        await fixture.AddWebhookEndpointAsync(merchant);
        var traceId = RandomNumberGenerator.GetHexString(32, lowercase: true);
        var paymentId = await Payments.CreateAsync(fixture.App, merchant, traceId);
        output.WriteLine($"payment {paymentId}, trace {traceId}");
        var page = await fixture.LogInAsync();

        await page.Locator("nav a[data-nav='traces']").ClickAsync();
        var row = page.Locator($"#traces tr[data-trace-id='{traceId}']");
        await page.UntilAsync(fixture, "the payment's trace in the list", () => Expect(row).ToBeVisibleAsync(new() { Timeout = Soon }));
        await page.SaveAsync(fixture, "traces");
        await row.ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex($"/traces/{traceId}$"));
        foreach (var service in new[] { "gateway", "risk", "ledger", "notify" })
        {
            await page.UntilAsync(fixture, $"a {service} span in the waterfall", () =>
                Expect(page.Locator($"#waterfall .wf-row[data-resource='{service}']").First).ToBeVisibleAsync(new() { Timeout = TraceTimeout }));
        }
        // notify's delivery attempt joins the trace as a producer span under the gateway.
        await Expect(page.Locator("#waterfall .wf-row[data-resource='notify']", new() { HasTextString = "deliver" }).First).ToBeVisibleAsync();
        Assert.NotEmpty(fixture.Webhooks.WebhookIds);

        // A span's attributes.
        await page.Locator("#waterfall .wf-row[data-resource='risk'][data-kind='Server']").First.ClickAsync();
        await Expect(page.Locator("#span-attributes")).ToContainTextAsync("http.route");
        await Expect(page.Locator("#span-attributes")).ToContainTextAsync("/v1/score");
        await page.SaveAsync(fixture, "dashboard-trace-waterfall", fullPage: true);
    }

    [Fact]
    public async Task APaymentsLogsAreFoundByItsTraceAndOpenOnTheirTrace()
    {
        var merchant = await Payments.NewMerchantAsync(fixture.App);
        var traceId = RandomNumberGenerator.GetHexString(32, lowercase: true);
        await Payments.CreateAsync(fixture.App, merchant, traceId);
        var page = await fixture.LogInAsync();

        await page.GotoAsync(fixture.Url($"/traces/{traceId}"));
        var logsLink = page.GetByRole(AriaRole.Link, new() { Name = "Open in structured logs" });
        await page.UntilAsync(fixture, "the trace page to list the payment's logs", () =>
            Expect(page.Locator("#trace-logs tr[data-log]").First).ToBeVisibleAsync(new() { Timeout = Soon }));
        await logsLink.ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex($"/logs\\?traceId={traceId}$"));
        await Expect(page.Locator("#logs-trace-filter")).ToBeVisibleAsync();
        var rows = page.Locator("#logs tr[data-log]");
        await page.UntilAsync(fixture, "the payment's log entries", () => Expect(rows.First).ToBeVisibleAsync(new() { Timeout = Soon }));
        Assert.Equal(await rows.CountAsync(), await page.Locator($"#logs tr[data-log][data-trace-id='{traceId}']").CountAsync());
        await page.Locator("#logs tr[data-log][data-resource='gateway']").First.ClickAsync();
        await Expect(page.Locator("#log-details")).ToContainTextAsync(traceId);
        await page.SaveAsync(fixture, "structured-logs");

        await page.GetByRole(AriaRole.Link, new() { Name = "View its trace" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/traces/{traceId}$"));
        await Expect(page.Locator("#trace-id")).ToHaveTextAsync(traceId);
    }

    [Fact]
    public async Task StructuredLogsFilterByResourceLevelAndText()
    {
        var page = await fixture.LogInAsync();
        await page.GotoAsync(fixture.Url("/logs"));
        var rows = page.Locator("#logs tr[data-log]");
        await page.UntilAsync(fixture, "log entries", () => Expect(rows.First).ToBeVisibleAsync(new() { Timeout = Soon }));

        await page.Locator("#logs-resource").SelectOptionAsync("ledger");
        await page.UntilAsync(fixture, "only ledger's entries", () => Expect(page.Locator("#logs tr[data-log]:not([data-resource='ledger'])")).ToHaveCountAsync(0, new() { Timeout = Soon }));
        await page.Locator("#logs-level").SelectOptionAsync("critical");
        await page.Locator("#logs-text").FillAsync("no message says this " + Guid.NewGuid());
        await page.UntilAsync(fixture, "no entries to match", () => Expect(page.GetByText("No log entries match.")).ToBeVisibleAsync(new() { Timeout = Soon }));
        await Expect(page).ToHaveURLAsync(new Regex("resource=ledger.*level=critical"));
    }

    [Fact]
    public async Task TheMetricsPageChartsRequestsPaymentsAndStorageTimingsWithData()
    {
        var merchant = await Payments.NewMerchantAsync(fixture.App);
        for (var i = 0; i < 3; i++)
        {
            await Payments.CreateAsync(fixture.App, merchant, RandomNumberGenerator.GetHexString(32, lowercase: true));
        }
        var page = await fixture.LogInAsync();

        await page.Locator("nav a[data-nav='metrics']").ClickAsync();
        foreach (var chart in new[] { "request-rate", "payment-latency", "payments-by-outcome", "postgres", "redis" })
        {
            await page.UntilAsync(fixture, $"the {chart} chart to draw data", () =>
                Expect(page.Locator($"[data-chart='{chart}'] svg.chart:not([data-points='0'])")).ToBeVisibleAsync(new() { Timeout = Soon }));
        }
        await Expect(page.Locator("[data-chart='payments-by-outcome'] .legend")).ToContainTextAsync("201");
        await page.SaveAsync(fixture, "metrics");

        // One instrument of one resource.
        await page.Locator("#metrics-resource").SelectOptionAsync("gateway");
        await page.Locator("#instruments a[data-instrument='http.server.request.duration']").ClickAsync();
        await page.UntilAsync(fixture, "the instrument's percentiles", () =>
            Expect(page.Locator("[data-chart='instrument-percentiles'] svg.chart:not([data-points='0'])")).ToBeVisibleAsync(new() { Timeout = Soon }));
        await page.SaveAsync(fixture, "metrics-instrument");
    }

    [Fact]
    public async Task ConsoleLogsShowOneReplicasOutputAndFollowIt()
    {
        var page = await fixture.LogInAsync();
        await page.GotoAsync(fixture.Url("/console?resource=gateway&replica=1"));

        var lines = page.Locator("#console .line");
        await page.UntilAsync(fixture, "gateway-1's console output", () => Expect(lines.First).ToBeVisibleAsync(new() { Timeout = Soon }));
        await Expect(page.Locator("#console .line:not([data-source='gateway-1'])")).ToHaveCountAsync(0);
        await page.SaveAsync(fixture, "console");

        // Live: a restart's output appears without reloading.
        await page.Locator("#console-resource").SelectOptionAsync("directory");
        var directoryLines = page.Locator("#console .line[data-source='directory-0']");
        await page.UntilAsync(fixture, "directory's console output", () => Expect(directoryLines.First).ToBeVisibleAsync(new() { Timeout = Soon }));
        var before = await directoryLines.CountAsync();
        using var dashboard = fixture.App.CreateDashboardClient();
        using var restart = await dashboard.PostAsync("/api/telemetry/resources/directory/commands/restart", null);
        restart.EnsureSuccessStatusCode();
        await page.UntilAsync(fixture, "the restarted directory's new output", () =>
            Expect(directoryLines).Not.ToHaveCountAsync(before, new() { Timeout = Soon }));
        await fixture.App.ResourceNotifications.WaitForResourceHealthyAsync("directory").WaitAsync(TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task RestartingAResourceFromItsPageShowsItsStateChangeAndNewProcess()
    {
        var page = await fixture.LogInAsync();
        var row = page.Locator("#resources tr[data-resource='risk']");
        await page.UntilAsync(fixture, "risk to be healthy", () => Expect(row).ToHaveAttributeAsync("data-health", "Healthy", new() { Timeout = Soon }));
        await row.ClickAsync();
        var replica = page.Locator("[data-details='risk'] tr[data-replica='risk-0']");
        var pid = await replica.GetAttributeAsync("data-pid");

        await page.GetByRole(AriaRole.Button, new() { Name = "Restart risk", Exact = true }).ClickAsync();

        var changes = page.Locator("[data-details='risk'] .state-change");
        await page.UntilAsync(fixture, "risk to be seen leaving Running", () =>
            Expect(changes.Filter(new() { HasTextRegex = new Regex("risk(-0)?: Running[^→]*→ (Stopping|Exited|Starting|Finished)") }).First).ToBeVisibleAsync(new() { Timeout = Soon }));
        await page.UntilAsync(fixture, "risk to run again with a new process", async () =>
        {
            await Expect(replica).Not.ToHaveAttributeAsync("data-pid", pid!, new() { Timeout = Soon });
            await Expect(row).ToHaveAttributeAsync("data-state", "Running", new() { Timeout = Soon });
            await Expect(row).ToHaveAttributeAsync("data-health", "Healthy", new() { Timeout = Soon });
        });
        await page.SaveAsync(fixture, "resources-restart");
    }
}
