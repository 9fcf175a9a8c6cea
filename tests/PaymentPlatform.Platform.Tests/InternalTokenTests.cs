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
