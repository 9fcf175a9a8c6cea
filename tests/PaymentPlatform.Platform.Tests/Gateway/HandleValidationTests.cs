using System.Diagnostics;
using System.Net;
using PaymentPlatform.Hosting;
using PaymentPlatform.Hosting.ApplicationModel;
using PaymentPlatform.Hosting.Testing;

namespace PaymentPlatform.Platform.Tests.Gateway;

/// <summary>
/// <c>POST /v1/payment_handles/validate</c> through the real platform: a handle that is not an address is a 400; a
/// well-formed one is answered valid, or not valid with the reasons.
/// </summary>
[Collection(PlatformCollection.Name)]
public class HandleValidationTests(PlatformFixture fixture)
{
    private const string Path = "/v1/payment_handles/validate";

    /// <summary>
    /// Sends until the answer is decided. On this shared two-core machine a cold directory connection can take longer than
    /// the 250 ms budget, and then the right answer is a 503 naming the service (SlowDirectoryTests proves that); these
    /// tests are about the decided answers, so they ask again, as a merchant would.
    /// </summary>
    internal static Task<HttpResponseMessage> DecidedAsync(Func<Task<HttpResponseMessage>> send) =>
        Probes.EventuallyAsync(async () =>
        {
            var response = await send();
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable)
            {
                return response;
            }
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(body.Contains("_unavailable", StringComparison.Ordinal), $"503 without a dependency named: {body}");
            response.Dispose();
            return null;
        }, TimeSpan.FromSeconds(30), "an answer within the validation budget");

    [Fact]
    public async Task AnActiveAddressIsValidWithTheHoldersMaskedName()
    {
        using var merchant = await fixture.App.CreateMerchantAsync();

        var answer = await (await DecidedAsync(() => merchant.Client.PostAsync(Path, new { handle = "Success@OKHDFCBANK" }))).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("payment_handle_validation", answer.GetProperty("object").GetString());
        Assert.Equal("success@okhdfcbank", answer.GetProperty("handle").GetString());
        Assert.True(answer.GetProperty("valid").GetBoolean());
        Assert.Matches(@"^[A-Z]\*+ [A-Z]\*+$", answer.GetProperty("name").GetString());
        Assert.Empty(answer.GetProperty("reasons").EnumerateArray());
    }

    [Theory]
    [InlineData("{\"handle\": \"no-at-sign\"}")]
    [InlineData("{\"handle\": \"x@okhdfcbank\"}")]
    [InlineData("{\"handle\": \"name@\"}")]
    [InlineData("{\"handle\": \"@okhdfcbank\"}")]
    [InlineData("{\"handle\": \"name@ok-hdfc\"}")]
    [InlineData("{\"handle\": \"na me@okhdfcbank\"}")]
    [InlineData("{\"handle\": \"\"}")]
    [InlineData("{}")]
    [InlineData("{\"handle\": 5}")]
    public async Task AHandleThatIsNotAnAddressIsA400InvalidRequest(string body)
    {
        using var merchant = await fixture.App.CreateMerchantAsync();

        await (await merchant.Client.PostRawAsync(Path, body)).ExpectProblemAsync(HttpStatusCode.BadRequest, "invalid_request");
    }

    [Theory]
    [InlineData("someone@notapsp", "unknown_psp", false)]
    [InlineData("unknown.customer@okhdfcbank", "address_not_found", false)]
    [InlineData("invalid7@paytm", "address_not_found", false)]
    [InlineData("inactive.customer@oksbi", "account_inactive", true)]
    public async Task AWellFormedHandleThatCannotBePaidIsNotValidWithItsReason(string handle, string reason, bool hasName)
    {
        using var merchant = await fixture.App.CreateMerchantAsync();

        var answer = await (await DecidedAsync(() => merchant.Client.PostAsync(Path, new { handle }))).ExpectAsync(HttpStatusCode.OK);

        Assert.False(answer.GetProperty("valid").GetBoolean());
        Assert.Equal([reason], answer.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(hasName, answer.GetProperty("name").GetString() is not null);
    }

    [Fact]
    public async Task AHandleOnRisksBlockListIsNotValidBecauseRiskBlockedIt()
    {
        using var merchant = await fixture.App.CreateMerchantAsync();
        using var risk = await fixture.App.CreateInternalClientAsync("risk");
        var handle = $"blocked.{Guid.NewGuid():N}@okaxis";
        var before = await (await DecidedAsync(() => merchant.Client.PostAsync(Path, new { handle }))).ExpectAsync(HttpStatusCode.OK);
        Assert.True(before.GetProperty("valid").GetBoolean());

        await (await risk.PostJsonAsync("/v1/blocklist", new { kind = "handle", value = handle, reason = "fraud ring" })).ExpectAsync(HttpStatusCode.Created);

        // Risk's in-memory block lists follow the table through pub/sub: wait for the entry to arrive.
        var after = await Probes.EventuallyAsync(async () =>
        {
            var answer = await (await DecidedAsync(() => merchant.Client.PostAsync(Path, new { handle }))).ExpectAsync(HttpStatusCode.OK);
            return answer.GetProperty("valid").GetBoolean() ? (object?)null : answer;
        }, TimeSpan.FromSeconds(30), "the block-list entry to reach risk's scoring");
        var blocked = (System.Text.Json.JsonElement)after;
        Assert.Contains("risk_blocked", blocked.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
        Assert.NotNull(blocked.GetProperty("name").GetString());
    }

    [Fact]
    public async Task AValidationWithoutAnApiKeyIs401()
    {
        using var client = fixture.App.CreateHttpClient("gateway");

        await (await client.PostAsync(Path, new { handle = "success@okhdfcbank" })).ExpectProblemAsync(HttpStatusCode.Unauthorized, "authentication_required");
    }
}

/// <summary>
/// A platform whose directory answers ValAdd and status only after 5 s, and fails every collect (its simulated
/// latency and error rate per route, through configuration).
/// </summary>
public sealed class SlowDirectoryFixture : FaultFixture
{
    public const int LatencyMs = 5000;

    protected override void Arm(IDistributedApplicationTestingBuilder builder) =>
        builder.CreateResourceBuilder<ProjectResource>("directory")
            .WithEnvironment("Directory__Routes__validate__LatencyMs", LatencyMs.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithEnvironment("Directory__Routes__status__LatencyMs", LatencyMs.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithEnvironment("Directory__Routes__collect__ErrorRate", "1");
}

/// <summary>A directory slower than the validation's budget: the merchant gets a clear 503 within the budget, never a hang.</summary>
public class SlowDirectoryTests(SlowDirectoryFixture fixture) : IClassFixture<SlowDirectoryFixture>
{
    [Fact]
    public async Task AValidationTheDirectoryCannotAnswerInTimeIs503DirectoryUnavailableWithinTheBudget()
    {
        using var merchant = await fixture.App.CreateMerchantAsync();
        // The first request to a fresh gateway also pays for its connections; the budget is still 250 ms.
        for (var i = 0; i < 3; i++)
        {
            var stopwatch = Stopwatch.StartNew();
            using var response = await merchant.Client.PostAsync("/v1/payment_handles/validate", new { handle = "success@okhdfcbank" });
            stopwatch.Stop();

            var problem = await response.ExpectProblemAsync(HttpStatusCode.ServiceUnavailable, "directory_unavailable");
            Assert.Contains("250 ms", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            // 250 ms of budget plus the round trip on a loaded two-core machine; far below the directory's 5 s.
            Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(2), $"answered after {stopwatch.Elapsed.TotalMilliseconds:0} ms");
        }
    }

    [Fact]
    public async Task EachDirectoryRouteHasItsOwnSimulatedConditions()
    {
        using var directory = await fixture.App.CreateInternalClientAsync("directory");

        await (await directory.PostJsonAsync("/v1/collect", new { collect_id = InternalServices.NewId("pay"), handle = "success@okhdfcbank", amount = 100, currency = "inr" }))
            .ExpectProblemAsync(HttpStatusCode.ServiceUnavailable, "simulated_error");
        var stopwatch = Stopwatch.StartNew();
        await (await directory.GetAsync(new Uri("/v1/addresses/success@okhdfcbank/status", UriKind.Relative))).ExpectAsync(HttpStatusCode.OK);
        Assert.True(stopwatch.Elapsed >= TimeSpan.FromMilliseconds(SlowDirectoryFixture.LatencyMs), $"status answered after {stopwatch.Elapsed.TotalMilliseconds:0} ms");
    }

    [Fact]
    public async Task AUpiPaymentTheDirectoryCannotCheckInTimeIs503AndWritesNothing()
    {
        using var merchant = await fixture.App.CreateMerchantAsync();
        var stopwatch = Stopwatch.StartNew();

        using var response = await merchant.Client.PostAsync("/v1/payments", UpiPaymentTests.Upi(5000, "success@okhdfcbank"), "slow-directory-1");

        await response.ExpectProblemAsync(HttpStatusCode.ServiceUnavailable, "directory_unavailable");
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(2), $"answered after {stopwatch.Elapsed.TotalMilliseconds:0} ms");
        Assert.Equal(0, await fixture.App.CountAsync("SELECT count(*) FROM payments WHERE merchant_id = $1", merchant.Id));
        Assert.Equal(0, await fixture.App.CountAsync("SELECT count(*) FROM idempotency_keys WHERE merchant_id = $1", merchant.Id));
    }
}
