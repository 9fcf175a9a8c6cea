using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PaymentPlatform.Gateway.Merchants;
using PaymentPlatform.Gateway.Payments;
using PaymentPlatform.Gateway.RateLimiting;
using PaymentPlatform.Redis;

namespace PaymentPlatform.Gateway.Tests.RateLimiting;

/// <summary>The endpoint filter over HTTP, in a tiny app on a loopback port with the real Redis.</summary>
[Collection(GatewayStoresCollection.Name)]
public class RateLimitEndpointFilterTests(GatewayStores fixture)
{
    [Fact]
    public async Task AnExceededLimitAnswers429ProblemJsonWithRetryAfterAndRateLimitHeaders()
    {
        await using var app = await LimitedApp.StartAsync(fixture.Cache);
        var merchant = TestMerchants.NewId();

        using var first = await app.GetAsync(merchant, requestsPerSecond: 1, burst: 2);
        using var second = await app.GetAsync(merchant, requestsPerSecond: 1, burst: 2);
        using var limited = await app.GetAsync(merchant, requestsPerSecond: 1, burst: 2);
        var problem = await limited.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal((HttpStatusCode.OK, "2", "1"), (first.StatusCode, Header(first, "RateLimit-Limit"), Header(first, "RateLimit-Remaining")));
        Assert.Equal((HttpStatusCode.OK, "0"), (second.StatusCode, Header(second, "RateLimit-Remaining")));
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
        Assert.Equal("rate_limited", problem.GetProperty("code").GetString());
        Assert.Equal("https://paymentplatform.dev/problems/rate_limited", problem.GetProperty("type").GetString());
        Assert.Equal(429, problem.GetProperty("status").GetInt32());
        Assert.Equal(TimeSpan.FromSeconds(1), limited.Headers.RetryAfter?.Delta);
        Assert.Equal(("2", "0"), (Header(limited, "RateLimit-Limit"), Header(limited, "RateLimit-Remaining")));
    }

    [Fact]
    public async Task RetryAfterRoundsUpToWholeSeconds()
    {
        await using var app = await LimitedApp.StartAsync(fixture.Cache);
        var merchant = TestMerchants.NewId();

        using var allowed = await app.GetAsync(merchant, requestsPerSecond: 1, burst: 1);
        using var limited = await app.GetAsync(merchant, requestsPerSecond: 1, burst: 1);

        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("1", string.Join(",", limited.Headers.GetValues("Retry-After")));
        Assert.Equal(1, RateLimitingExtensions.RetryAfterSeconds(TimeSpan.FromMilliseconds(1)));
        Assert.Equal(2, RateLimitingExtensions.RetryAfterSeconds(TimeSpan.FromMilliseconds(1001)));
        Assert.Equal(1, RateLimitingExtensions.RetryAfterSeconds(TimeSpan.Zero));
    }

    [Fact]
    public async Task RequestsWithoutAMerchantPassUntouched()
    {
        await using var app = await LimitedApp.StartAsync(fixture.Cache);

        for (var i = 0; i < 5; i++)
        {
            using var response = await app.Http.GetAsync(new Uri("/limited", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.False(response.Headers.Contains("RateLimit-Limit"));
        }
    }

    [Fact]
    public async Task DisabledByConfigurationNoMerchantIsLimited()
    {
        await using var app = await LimitedApp.StartAsync(fixture.Cache, new Dictionary<string, string?> { ["Gateway:RateLimiting:Enabled"] = "false" });
        var merchant = TestMerchants.NewId();

        for (var i = 0; i < 5; i++)
        {
            using var response = await app.GetAsync(merchant, requestsPerSecond: 1, burst: 1);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task WithRedisFrozenFailClosedAnswers503RateLimiterUnavailable()
    {
        await using var app = await LimitedApp.StartAsync(fixture.Cache, new Dictionary<string, string?>
        {
            ["Gateway:RateLimiting:WhenRedisUnavailable"] = "FailClosed",
            ["Gateway:RateLimiting:RedisTimeout"] = "00:00:00.050",
        });
        var merchant = TestMerchants.NewId();
        using (var before = await app.GetAsync(merchant, requestsPerSecond: 100, burst: 100))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        HttpStatusCode status = default;
        JsonElement problem = default;
        TimeSpan? retryAfter = null;
        await RedisOutage.WhilePausedAsync(fixture, async () =>
        {
            using var response = await app.GetAsync(merchant, requestsPerSecond: 100, burst: 100);
            status = response.StatusCode;
            problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            retryAfter = response.Headers.RetryAfter?.Delta;
        });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("rate_limiter_unavailable", problem.GetProperty("code").GetString());
        Assert.Equal("https://paymentplatform.dev/problems/rate_limiter_unavailable", problem.GetProperty("type").GetString());
        Assert.Equal(TimeSpan.FromSeconds(1), retryAfter);
        await Poll.UntilAsync(async () =>
        {
            using var response = await app.GetAsync(merchant, requestsPerSecond: 100, burst: 100);
            return response.StatusCode;
        }, s => s == HttpStatusCode.OK, TimeSpan.FromSeconds(15), "requests to pass again with Redis back");
    }

    [Fact]
    public async Task WithRedisFrozenFailOpenRequestsPassWithoutRateLimitHeaders()
    {
        await using var app = await LimitedApp.StartAsync(fixture.Cache, new Dictionary<string, string?>
        {
            ["Gateway:RateLimiting:RedisTimeout"] = "00:00:00.050",
        });
        var merchant = TestMerchants.NewId();

        var statuses = new List<(HttpStatusCode, bool)>();
        await RedisOutage.WhilePausedAsync(fixture, async () =>
        {
            for (var i = 0; i < 3; i++)
            {
                using var response = await app.GetAsync(merchant, requestsPerSecond: 1, burst: 1);
                statuses.Add((response.StatusCode, response.Headers.Contains("RateLimit-Remaining")));
            }
        });

        Assert.All(statuses, s => Assert.Equal((HttpStatusCode.OK, false), s));
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    /// <summary>
    /// A route behind a stand-in for the gateway's authentication (the merchant and its limit come from
    /// test headers) and then <see cref="RateLimitingExtensions.RequireMerchantRateLimit"/>, as the gateway orders them.
    /// </summary>
    private sealed class LimitedApp : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private LimitedApp(WebApplication app, HttpClient http)
        {
            _app = app;
            Http = http;
        }

        public HttpClient Http { get; }

        public static async Task<LimitedApp> StartAsync(string cache, IDictionary<string, string?>? settings = null)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Gateway:RateLimiting:RedisTimeout"] = "00:00:02" });
            builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
            builder.Services.AddSingleton(_ => RedisClient.Create(RedisClientOptions.Parse(cache + ",abortConnect=false")));
            builder.Services.AddProblemDetails();
            builder.Services.AddMerchantRateLimiting();
            var app = builder.Build();
            app.MapGet("/limited", () => TypedResults.Ok("ok"))
                .AddEndpointFilter(async (context, next) =>
                {
                    var headers = context.HttpContext.Request.Headers;
                    if (headers["X-Test-Merchant"].ToString() is { Length: > 0 } merchantId)
                    {
                        var limit = new RateLimitSettings(
                            int.Parse(headers["X-Test-Rate"].ToString(), CultureInfo.InvariantCulture),
                            int.Parse(headers["X-Test-Burst"].ToString(), CultureInfo.InvariantCulture));
                        context.HttpContext.Features.Set(new MerchantContext(merchantId, false, "key_test", limit, FeeRule.Default));
                    }
                    return await next(context);
                })
                .RequireMerchantRateLimit();
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
            return new LimitedApp(app, new HttpClient { BaseAddress = new Uri(address) });
        }

        public Task<HttpResponseMessage> GetAsync(string merchantId, int requestsPerSecond, int burst)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/limited", UriKind.Relative));
            request.Headers.Add("X-Test-Merchant", merchantId);
            request.Headers.Add("X-Test-Rate", requestsPerSecond.ToString(CultureInfo.InvariantCulture));
            request.Headers.Add("X-Test-Burst", burst.ToString(CultureInfo.InvariantCulture));
            return Http.SendAsync(request);
        }

        public async ValueTask DisposeAsync()
        {
            Http.Dispose();
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
