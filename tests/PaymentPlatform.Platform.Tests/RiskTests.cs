using System.Net;

namespace PaymentPlatform.Platform.Tests;

/// <summary>Risk over real HTTP: the test cards (contracts.md, "Risk scoring"), the block lists in riskdb and velocity in Redis.</summary>
[Collection(PlatformCollection.Name)]
public class RiskTests(PlatformFixture fixture)
{
    [Theory]
    [InlineData("424242", "4242", true, "allow", null)]
    [InlineData("400000", "9235", true, "review", "test_elevated_risk")]
    [InlineData("400000", "4954", true, "block", "test_highest_risk")]
    [InlineData("400000", "4954", false, "allow", null)]
    [InlineData("400000", "9235", false, "allow", null)]
    public async Task TheTestCardsScoreAsContractsSay(string bin, string last4, bool testMode, string decision, string? reason)
    {
        using var risk = await fixture.App.CreateInternalClientAsync("risk");
        var scoreId = InternalServices.NewId("pay");

        var score = await (await risk.PostJsonAsync("/v1/score", Score(scoreId, testMode, bin: bin, last4: last4))).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(scoreId, score.GetProperty("score_id").GetString());
        Assert.Equal(decision, score.GetProperty("decision").GetString());
        Assert.Equal(reason is null ? [] : [reason], score.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
        var value = score.GetProperty("score").GetInt32();
        Assert.InRange(value, 0, 100);
        Assert.True(decision switch { "allow" => value < 65, "review" => value is >= 65 and < 75, _ => value >= 75 }, $"score {value} for {decision}");
    }

    [Fact]
    public async Task ABlocklistedCardFingerprintIsBlockedUntilItsEntryIsDeleted()
    {
        using var risk = await fixture.App.CreateInternalClientAsync("risk");
        var fingerprint = InternalServices.NewId("fp");

        var entry = await (await risk.PostJsonAsync("/v1/blocklist", new { kind = "card_fingerprint", value = fingerprint, reason = "chargebacks" })).ExpectAsync(HttpStatusCode.Created);
        var again = await (await risk.PostJsonAsync("/v1/blocklist", new { kind = "card_fingerprint", value = fingerprint })).ExpectAsync(HttpStatusCode.OK);
        var blocked = await (await risk.PostJsonAsync("/v1/score", Score(InternalServices.NewId("pay"), testMode: false, fingerprint: fingerprint))).ExpectAsync(HttpStatusCode.OK);
        var listed = await (await risk.GetAsync(new Uri($"/v1/blocklist?kind=card_fingerprint&value={fingerprint}", UriKind.Relative))).ExpectAsync(HttpStatusCode.OK);
        var id = entry.GetProperty("id").GetString();
        await (await risk.DeleteAsync(new Uri($"/v1/blocklist/{id}", UriKind.Relative))).ExpectAsync(HttpStatusCode.OK);
        var allowed = await (await risk.PostJsonAsync("/v1/score", Score(InternalServices.NewId("pay"), testMode: false, fingerprint: fingerprint))).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("exists", again.GetProperty("result").GetString());
        Assert.Equal(id, again.GetProperty("id").GetString());
        Assert.Equal("block", blocked.GetProperty("decision").GetString());
        Assert.Equal(["blocklisted_card_fingerprint"], blocked.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal([id], listed.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("id").GetString()));
        Assert.Equal("allow", allowed.GetProperty("decision").GetString());
        await (await risk.DeleteAsync(new Uri($"/v1/blocklist/{id}", UriKind.Relative))).ExpectProblemAsync(HttpStatusCode.NotFound, "blocklist_entry_not_found");
    }

    [Fact]
    public async Task ABlocklistedHandleMatchesWhateverItsCase()
    {
        using var risk = await fixture.App.CreateInternalClientAsync("risk");
        var handle = $"{Guid.NewGuid():N}@okhdfcbank";
        await (await risk.PostJsonAsync("/v1/blocklist", new { kind = "handle", value = handle.ToUpperInvariant() })).ExpectAsync(HttpStatusCode.Created);

        var score = await (await risk.PostJsonAsync("/v1/score", Score(InternalServices.NewId("val"), testMode: true, handle: handle, amount: 0, currency: "inr"))).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("block", score.GetProperty("decision").GetString());
        Assert.Equal(["blocklisted_handle"], score.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task ACardScoredRepeatedlyIsReviewedByVelocityCountedInTheSharedRedis()
    {
        using var risk = await fixture.App.CreateInternalClientAsync("risk");
        var fingerprint = InternalServices.NewId("fp");

        var decisions = new List<string?>();
        System.Text.Json.JsonElement last = default;
        for (var i = 0; i < 5; i++)
        {
            last = await (await risk.PostJsonAsync("/v1/score", Score(InternalServices.NewId("pay"), testMode: false, fingerprint: fingerprint))).ExpectAsync(HttpStatusCode.OK);
            decisions.Add(last.GetProperty("decision").GetString());
        }

        Assert.Equal(["allow", "allow", "allow", "allow", "review"], decisions);
        Assert.Equal(["velocity_card_fingerprint_attempts_1m"], last.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
        var detail = Assert.Single(last.GetProperty("reason_details").EnumerateArray());
        Assert.Equal("review", detail.GetProperty("action").GetString());
    }

    [Fact]
    public async Task InvalidInputIsA400InvalidRequestProblemNamingTheFields()
    {
        using var risk = await fixture.App.CreateInternalClientAsync("risk");

        var problem = await (await risk.PostJsonAsync("/v1/score", new { score_id = "pay_1", merchant_id = "mer_1", amount = -1, currency = "USD", card_bin = "42" }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "invalid_request");
        await (await risk.PostJsonAsync("/v1/score", new { score_id = "pay_1", amount = "a lot" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "invalid_request");
        await (await risk.PostJsonAsync("/v1/blocklist", new { kind = "email", value = "x" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "invalid_request");

        Assert.Equal(["amount", "currency", "card_bin"], problem.GetProperty("errors").EnumerateObject().Select(p => p.Name));
    }

    private static object Score(string scoreId, bool testMode, string? bin = null, string? last4 = null, string? fingerprint = null, string? handle = null, long amount = 1000, string currency = "usd") => new
    {
        score_id = scoreId,
        merchant_id = InternalServices.NewId("mer"),
        amount,
        currency,
        card_fingerprint = fingerprint,
        card_bin = bin,
        card_last4 = last4,
        handle,
        test_mode = testMode,
    };
}
