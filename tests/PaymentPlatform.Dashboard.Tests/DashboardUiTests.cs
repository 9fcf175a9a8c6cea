using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;

namespace PaymentPlatform.Dashboard.Tests;

/// <summary>The web UI's files: served only with the browser token's session, all from the dashboard itself.</summary>
public class DashboardUiTests : IAsyncLifetime
{
    private static readonly string[] Assets = ["app.css", "core.js", "charts.js", "resources.js", "logs.js", "traces.js", "metrics.js", "app.js"];
    private TestDashboard _dashboard = null!;

    public async Task InitializeAsync() => _dashboard = await TestDashboard.StartAsync();

    public async Task DisposeAsync() => await _dashboard.DisposeAsync();

    [Theory]
    [InlineData("/resources")]
    [InlineData("/console?resource=gateway&replica=1")]
    [InlineData("/logs?traceId=abc")]
    [InlineData("/traces")]
    [InlineData("/traces/0af7651916cd43dd8448eb211c80319c")]
    [InlineData("/metrics")]
    public async Task EveryViewRedirectsToTheLoginWithoutASessionAndIsThePageWithOne(string path)
    {
        using var anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = _dashboard.Info.Url };

        using var redirected = await anonymous.GetAsync(path);
        using var page = await _dashboard.Api.GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, redirected.StatusCode);
        Assert.Equal($"/login?returnUrl={Uri.EscapeDataString(path)}", redirected.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<main id=\"view\"", html, StringComparison.Ordinal);
        Assert.All(Assets.Where(a => a.EndsWith(".js", StringComparison.Ordinal)), a => Assert.Contains($"src=\"/ui/{a}\"", html, StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheLoginPageWithoutATokenOffersAFormThatKeepsWhereTheUserWasGoing()
    {
        using var anonymous = new HttpClient { BaseAddress = _dashboard.Info.Url };

        using var login = await anonymous.GetAsync("/login?returnUrl=%2Ftraces%3Fa%3D1%26b%3D%22x%22");

        Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode);
        Assert.Equal("text/html", login.Content.Headers.ContentType?.MediaType);
        var html = await login.Content.ReadAsStringAsync();
        Assert.Contains("<form method=\"get\" action=\"/login\">", html, StringComparison.Ordinal);
        Assert.Contains("value=\"/traces?a=1&amp;b=&quot;x&quot;\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AssetsNeedTheSessionAndAreServedWithTheirTypesAndValidators()
    {
        using var anonymous = new HttpClient { BaseAddress = _dashboard.Info.Url };
        foreach (var asset in Assets)
        {
            using var refused = await anonymous.GetAsync($"/ui/{asset}");
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

            using var served = await _dashboard.Api.GetAsync($"/ui/{asset}");
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
            Assert.Equal(asset.EndsWith(".css", StringComparison.Ordinal) ? "text/css" : "text/javascript", served.Content.Headers.ContentType?.MediaType);
            Assert.Equal("no-cache", served.Headers.CacheControl?.ToString());
            var etag = served.Headers.ETag!;

            using var again = new HttpRequestMessage(HttpMethod.Get, $"/ui/{asset}");
            again.Headers.IfNoneMatch.Add(new EntityTagHeaderValue(etag.Tag));
            using var notModified = await _dashboard.Api.SendAsync(again);
            Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        }
        using var missing = await _dashboard.Api.GetAsync("/ui/nothing.js");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task ThePageLoadsNothingFromAnotherOrigin()
    {
        using var page = await _dashboard.Api.GetAsync("/");
        var policy = string.Join(" ", page.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'self'", policy, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", policy, StringComparison.Ordinal);
        Assert.Contains("connect-src 'self'", policy, StringComparison.Ordinal);

        // The only absolute URL in the UI is the SVG namespace, which is a name, not a fetch.
        var texts = new List<string> { await page.Content.ReadAsStringAsync() };
        foreach (var asset in Assets)
        {
            texts.Add(await _dashboard.Api.GetStringAsync($"/ui/{asset}"));
        }
        var urls = texts.SelectMany(t => Regex.Matches(t, @"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", RegexOptions.IgnoreCase).Select(m => m.Value)).Distinct().ToList();
        Assert.Equal(["http://www.w3.org"], urls);
    }
}
