using System.Net;

namespace PaymentPlatform.Platform.Tests;

/// <summary>The simulated UPI directory over real HTTP: answers depend only on the handle.</summary>
[Collection(PlatformCollection.Name)]
public class DirectoryTests(PlatformFixture fixture)
{
    [Fact]
    public async Task AnExistingAddressIsValidWithAMaskedNameThatIsTheSameEveryTime()
    {
        using var directory = await fixture.App.CreateInternalClientAsync("directory");

        var first = await (await directory.PostJsonAsync("/v1/addresses/validate", new { handle = "success@okhdfcbank" })).ExpectAsync(HttpStatusCode.OK);
        var second = await (await directory.PostJsonAsync("/v1/addresses/validate", new { handle = "success@okhdfcbank" })).ExpectAsync(HttpStatusCode.OK);
        var unknown = await (await directory.PostJsonAsync("/v1/addresses/validate", new { handle = "invalid@okhdfcbank" })).ExpectAsync(HttpStatusCode.OK);

        Assert.True(first.GetProperty("valid").GetBoolean());
        Assert.Matches(@"^[A-Z]\*+ [A-Z]\*+$", first.GetProperty("name").GetString());
        Assert.Equal(first.GetProperty("name").GetString(), second.GetProperty("name").GetString());
        Assert.False(unknown.GetProperty("valid").GetBoolean());
    }

    [Theory]
    [InlineData("success@okhdfcbank", "active", true)]
    [InlineData("inactive@okhdfcbank", "inactive", false)]
    public async Task AnAddressesStatusSaysWhetherItCanReceive(string handle, string status, bool canReceive)
    {
        using var directory = await fixture.App.CreateInternalClientAsync("directory");

        var answer = await (await directory.GetAsync(new Uri($"/v1/addresses/{handle}/status", UriKind.Relative))).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(handle, answer.GetProperty("handle").GetString());
        Assert.Equal(status, answer.GetProperty("status").GetString());
        Assert.Equal(canReceive, answer.GetProperty("can_receive").GetBoolean());
    }

    [Theory]
    [InlineData("success@okhdfcbank", "succeeded")]
    [InlineData("failure@okhdfcbank", "declined")]
    public async Task ACollectSucceedsOrIsDeclinedByTheHandle(string handle, string status)
    {
        using var directory = await fixture.App.CreateInternalClientAsync("directory");
        var collectId = InternalServices.NewId("pay");

        var answer = await (await directory.PostJsonAsync("/v1/collect", new { collect_id = collectId, handle, amount = 5000, currency = "inr" })).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(collectId, answer.GetProperty("collect_id").GetString());
        Assert.Equal(status, answer.GetProperty("status").GetString());
    }

    [Fact]
    public async Task AMalformedHandleIsA400InvalidRequestProblem()
    {
        using var directory = await fixture.App.CreateInternalClientAsync("directory");

        await (await directory.PostJsonAsync("/v1/addresses/validate", new { handle = "not a handle" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "invalid_request");
        await (await directory.GetAsync(new Uri("/v1/addresses/invalid@okhdfcbank/status", UriKind.Relative))).ExpectProblemAsync(HttpStatusCode.NotFound, "address_not_found");
    }
}
