using PaymentPlatform.Gateway.Merchants;

namespace PaymentPlatform.Gateway.Tests.Merchants;

public class ApiKeyTests
{
    [Fact]
    public void NewKeysHaveTheirModesPrefixAndAreUnique()
    {
        var test = ApiKeys.NewSecret(livemode: false);
        var live = ApiKeys.NewSecret(livemode: true);
        Assert.StartsWith("sk_test_", test, StringComparison.Ordinal);
        Assert.StartsWith("sk_live_", live, StringComparison.Ordinal);
        Assert.Equal(40, test.Length);
        Assert.True(ApiKeys.LooksLikeKey(test));
        Assert.False(ApiKeys.IsLive(test));
        Assert.True(ApiKeys.IsLive(live));
        Assert.Equal(1000, Enumerable.Range(0, 1000).Select(_ => ApiKeys.NewSecret(false)).Distinct().Count());
    }

    [Theory]
    [InlineData("")]
    [InlineData("sk_test_")]
    [InlineData("pk_test_abc")]
    [InlineData("sk_test_abc def")]
    [InlineData("sk_test_abc'; DROP TABLE api_keys; --")]
    public void AnythingElseIsRefusedBeforeALookup(string secret) => Assert.False(ApiKeys.LooksLikeKey(secret));

    [Fact]
    public void TheHashIsSha256AndTheRedactedFormHidesTheSecret()
    {
        var secret = ApiKeys.NewSecret(false);
        Assert.Equal(32, ApiKeys.Hash(secret).Length);
        Assert.Equal(ApiKeys.Hash(secret), ApiKeys.Hash(secret));
        var redacted = ApiKeys.Redact(secret);
        Assert.Equal($"sk_test_...{secret[^4..]}", redacted);
        Assert.DoesNotContain(secret[8..^4], redacted, StringComparison.Ordinal);
    }

    [Fact]
    public void TheDemoKeyIsDerivedFromTheAdminKeySoEveryStartPrintsTheSameOne()
    {
        Assert.Equal(DemoMerchantSeed.DemoKey("admin-1"), DemoMerchantSeed.DemoKey("admin-1"));
        Assert.NotEqual(DemoMerchantSeed.DemoKey("admin-1"), DemoMerchantSeed.DemoKey("admin-2"));
        Assert.True(ApiKeys.LooksLikeKey(DemoMerchantSeed.DemoKey("admin-1")));
    }
}
