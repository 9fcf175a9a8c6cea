using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace PaymentPlatform.Platform.Tests;

/// <summary>contracts.md, "Internal calls": a call without the internal token, or with a wrong one, gets 401.</summary>
[Collection(PlatformCollection.Name)]
public class InternalTokenTests(PlatformFixture fixture)
{
    public static TheoryData<string, string, string> InternalRoutes => new()
    {
        { "risk", "POST", "/v1/score" },
        { "risk", "GET", "/v1/blocklist" },
        { "ledger", "POST", "/v1/transfers" },
        { "ledger", "GET", "/v1/accounts/platform:usd:customer_clearing" },
        { "notify", "GET", "/v1/merchants/mer_token_test/endpoints" },
        { "directory", "POST", "/v1/addresses/validate" },
        // Every other internal route of contracts.md, "Internal APIs" (issue 16, "Security checks").
        { "risk", "POST", "/v1/blocklist" },
        { "risk", "DELETE", "/v1/blocklist/bl_token_test" },
        { "ledger", "POST", "/v1/accounts" },
        { "ledger", "GET", "/v1/accounts/platform:usd:customer_clearing/balance" },
        { "ledger", "GET", "/v1/accounts/platform:usd:customer_clearing/transfers" },
        { "ledger", "GET", "/v1/transfers/pay_token_test:auth" },
        { "ledger", "POST", "/v1/transfers/pay_token_test:auth/post" },
        { "ledger", "POST", "/v1/transfers/pay_token_test:auth/void" },
        { "ledger", "POST", "/v1/payments/pay_token_test/capture" },
        { "ledger", "POST", "/v1/payments/pay_token_test/cancel" },
        { "ledger", "POST", "/v1/payments/pay_token_test/refunds" },
        { "ledger", "GET", "/v1/reconciliation" },
        { "notify", "POST", "/v1/merchants/mer_token_test/endpoints" },
        { "notify", "DELETE", "/v1/merchants/mer_token_test/endpoints/we_token_test" },
        { "notify", "POST", "/v1/merchants/mer_token_test/endpoints/we_token_test/roll_secret" },
        { "notify", "GET", "/v1/merchants/mer_token_test/events/evt_token_test/deliveries" },
        { "notify", "POST", "/v1/merchants/mer_token_test/events/evt_token_test/retry" },
        { "notify", "POST", "/v1/merchants/mer_token_test/replay" },
        { "directory", "GET", "/v1/addresses/success@okhdfcbank/status" },
        { "directory", "POST", "/v1/collect" },
        { "directory", "GET", "/v1/collects/pay_token_test:collect" },
    };

    [Theory]
    [MemberData(nameof(InternalRoutes))]
    public async Task ACallWithoutTheTokenGets401ProblemJson(string resource, string method, string path)
    {
        using var client = await fixture.App.CreateInternalClientAsync(resource, withToken: false);

        using var response = await client.SendAsync(Request(method, path));

        var problem = await response.ExpectProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal(401, problem.GetProperty("status").GetInt32());
    }

    [Theory]
    [MemberData(nameof(InternalRoutes))]
    public async Task ACallWithAWrongTokenGets401ProblemJson(string resource, string method, string path)
    {
        using var client = await fixture.App.CreateInternalClientAsync(resource, token: "not-the-internal-token");

        using var response = await client.SendAsync(Request(method, path));

        await response.ExpectProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Theory]
    [InlineData("risk")]
    [InlineData("ledger")]
    [InlineData("notify")]
    [InlineData("directory")]
    public async Task HealthAndAliveNeedNoToken(string resource)
    {
        using var client = await fixture.App.CreateInternalClientAsync(resource, withToken: false);

        using var health = await client.GetAsync(new Uri("/health", UriKind.Relative));
        using var alive = await client.GetAsync(new Uri("/alive", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
    }

    [Fact]
    public async Task TheRightTokenIsLetThrough()
    {
        using var client = await fixture.App.CreateInternalClientAsync("directory");

        using var response = await client.SendAsync(Request("POST", "/v1/addresses/validate"));

        await response.ExpectAsync(HttpStatusCode.OK);
    }

    // A valid body, so only the token decides the answer.
    private static HttpRequestMessage Request(string method, string path)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
        if (method == "POST")
        {
            request.Content = new StringContent("""{"handle": "success@okhdfcbank"}""", Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
        }
        return request;
    }
}
