using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace PaymentPlatform.Dashboard.Tests;

/// <summary>The browser token: the login URL sets a session cookie; scripts send the token as a bearer token.</summary>
public class DashboardAuthenticationTests
{
    [Theory]
    [InlineData("/api/telemetry/resources")]
    [InlineData("/api/telemetry/logs")]
    [InlineData("/api/telemetry/traces")]
    [InlineData("/api/telemetry/spans")]
    [InlineData("/api/telemetry/metrics")]
    public async Task TheApiAnswers401WithoutTheToken(string path)
    {
        await using var dashboard = await TestDashboard.StartAsync();
        using var anonymous = new HttpClient { BaseAddress = dashboard.Info.Url };
        using var wrong = new HttpClient { BaseAddress = dashboard.Info.Url };
        wrong.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "not-the-token");

        foreach (var client in new[] { anonymous, wrong })
        {
            using var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            Assert.Contains("/login?t=", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
        using var authorized = await dashboard.Api.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, authorized.StatusCode);
    }

    [Fact]
    public async Task TheLoginUrlSetsASessionCookieThatOpensTheApi()
    {
        await using var dashboard = await TestDashboard.StartAsync();
        var cookies = new CookieContainer();
        var site = new Uri(dashboard.Info.LoginUrl.GetLeftPart(UriPartial.Authority));
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = site };

        using var login = await browser.GetAsync(dashboard.Info.LoginUrl);

        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal("/", login.Headers.Location?.OriginalString);
        var cookie = Assert.Single(cookies.GetCookies(site).Cast<Cookie>());
        Assert.True(cookie.HttpOnly);
        Assert.DoesNotContain(dashboard.Info.BrowserToken, cookie.Value, StringComparison.Ordinal);
        using var api = await browser.GetAsync("/api/telemetry/traces");
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
        using var index = await browser.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, index.StatusCode);
    }

    [Fact]
    public async Task AWrongLoginTokenSetsNoCookie()
    {
        await using var dashboard = await TestDashboard.StartAsync();
        var cookies = new CookieContainer();
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = dashboard.Info.Url };

        using var login = await browser.GetAsync("/login?t=guess");

        Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode);
        Assert.Empty(cookies.GetCookies(dashboard.Info.Url));
        using var index = await browser.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, index.StatusCode);
    }

    [Theory]
    [InlineData("/traces?traceId=abc", "/traces?traceId=abc")]
    [InlineData("https://evil.example/", "/")]
    [InlineData("//evil.example/", "/")]
    [InlineData("/\\evil.example/", "/")]
    public async Task LoginRedirectsOnlyToLocalPaths(string returnUrl, string expected)
    {
        await using var dashboard = await TestDashboard.StartAsync();
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = dashboard.Info.Url };

        using var login = await browser.GetAsync($"{dashboard.Info.LoginUrl}&returnUrl={Uri.EscapeDataString(returnUrl)}");

        Assert.Equal(expected, login.Headers.Location?.OriginalString);
    }
}
