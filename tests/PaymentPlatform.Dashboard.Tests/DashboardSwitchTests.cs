using PaymentPlatform.Hosting;
using PaymentPlatform.Hosting.Testing;

namespace PaymentPlatform.Dashboard.Tests;

/// <summary>The dashboard is on in run mode, off in tests unless a test turns it on.</summary>
public class DashboardSwitchTests
{
    [Fact]
    public async Task TheTestingBuilderTurnsTheDashboardOffUnlessATestTurnsItOn()
    {
        await using var byDefault = await DistributedApplicationTestingBuilder.CreateAsync<Projects.PaymentPlatform_Hosting_TestAppHost>();
        await using var turnedOn = await DistributedApplicationTestingBuilder.CreateAsync<Projects.PaymentPlatform_Hosting_TestAppHost>([], o => o with { EnableDashboard = true });

        Assert.Equal((true, false), (byDefault.Options.IsTesting, byDefault.Options.EnableDashboard));
        Assert.Equal((true, true), (turnedOn.Options.IsTesting, turnedOn.Options.EnableDashboard));
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData(true, true)]
    public async Task InTestingModeTheDashboardStartsOnlyWhenAskedFor(bool? enable, bool expected)
    {
        var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions
        {
            ApplicationName = "dashboard-switch-tests",
            IsTesting = true,
            EnableDashboard = enable,
            EchoResourceLogs = false,
        });
        await using var app = builder.Build();

        await app.StartAsync();

        Assert.Equal(expected, app.Dashboard is not null);
        if (app.Dashboard is { } dashboard)
        {
            using var client = app.CreateDashboardClient();
            using var response = await client.GetAsync("/api/telemetry/resources");
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            Assert.StartsWith("http://127.0.0.1:", dashboard.Url.ToString(), StringComparison.Ordinal);
            Assert.Equal($"http://localhost:{dashboard.Url.Port}/login?t={dashboard.BrowserToken}", dashboard.LoginUrl.ToString());
        }
        else
        {
            Assert.Throws<InvalidOperationException>(app.CreateDashboardClient);
        }
    }
}
