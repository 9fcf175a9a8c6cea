using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace PaymentPlatform.Risk.Tests;

/// <summary>Malformed or unauthorized requests get 4xx problem responses with stable codes.</summary>
[Collection(RiskCollection.Name)]
public class RequestTests(RiskFixture fixture)
{
    [Theory]
    [InlineData("application/json", "{ not json", null)]
    [InlineData("text/plain", "{}", null)]
    [InlineData("application/json", "[1, 2]", null)]
    [InlineData("application/json", """{ "score_id": 5 }""", null)]
    [InlineData("application/json", "{}", "score_id,merchant_id,amount,currency")]
    [InlineData("application/json", """{ "score_id": "pay_1", "merchant_id": "mer_1", "amount": -1, "currency": "USD", "card_bin": "42", "card_last4": "x" }""", "amount,currency,card_bin,card_last4")]
    [InlineData("application/json", """{ "score_id": "pay_1", "merchant_id": "mer_1", "amount": 1, "currency": "usd", "card_country": "USA", "ip_country": "1", "ip": "300.1.1.1", "handle": "nobody", "device_id": "" }""", "handle,ip,card_country,ip_country,device_id")]
    [InlineData("application/json", """{ "score_id": "pay_1", "merchant_id": "mer_1", "amount": 1, "currency": "usd", "now": 0 }""", "now")]
    public async Task AMalformedScoringIsA400InvalidRequestProblem(string contentType, string body, string? fields)
    {
        await using var risk = await fixture.StartReplicaAsync();

        using var response = await risk.Http.PostAsync(new Uri("/v1/score", UriKind.Relative), new StringContent(body, Encoding.UTF8, contentType));

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest, "invalid_request");
        if (fields is not null)
        {
            Assert.Equal(fields.Split(','), problem.GetProperty("errors").EnumerateObject().Select(p => p.Name));
        }
    }

    [Fact]
    public async Task ACallerSuppliedNowIsRefusedOutsideTestConfiguration()
    {
        await using var risk = await fixture.StartReplicaAsync(new Dictionary<string, string?> { ["Risk:Velocity:AllowCallerTime"] = "false" });

        using var response = await risk.Http.PostAsJsonAsync("/v1/score", Requests.Score(("now", 1_800_000_000_000L)));

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest, "invalid_request");
        Assert.Equal(["now"], problem.GetProperty("errors").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task AScoringWithoutTheInternalTokenIsA401Problem()
    {
        await using var risk = await fixture.StartReplicaAsync();
        using var anonymous = new HttpClient { BaseAddress = risk.Http.BaseAddress };

        using var response = await anonymous.PostAsJsonAsync("/v1/score", Requests.Score());

        await ProblemAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task MalformedBlockListCallsAre4xxProblems()
    {
        await using var risk = await fixture.StartReplicaAsync();

        using var kind = await risk.Http.PostAsJsonAsync("/v1/blocklist", new { kind = "email", value = "x@example.com" });
        using var ip = await risk.Http.PostAsJsonAsync("/v1/blocklist", new { kind = "ip", value = "not-an-ip" });
        using var list = await risk.Http.GetAsync(new Uri("/v1/blocklist?limit=0", UriKind.Relative));
        using var missing = await risk.Http.DeleteAsync(new Uri($"/v1/blocklist/{Requests.NewId("bl")}", UriKind.Relative));

        await ProblemAsync(kind, HttpStatusCode.BadRequest, "invalid_request");
        await ProblemAsync(ip, HttpStatusCode.BadRequest, "invalid_request");
        await ProblemAsync(list, HttpStatusCode.BadRequest, "invalid_request");
        await ProblemAsync(missing, HttpStatusCode.NotFound, "blocklist_entry_not_found");
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.Equal($"https://paymentplatform.dev/problems/{code}", problem.GetProperty("type").GetString());
        return problem;
    }
}
