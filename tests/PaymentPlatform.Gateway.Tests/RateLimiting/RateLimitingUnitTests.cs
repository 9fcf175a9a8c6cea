using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PaymentPlatform.Gateway.Merchants;
using PaymentPlatform.Gateway.RateLimiting;

namespace PaymentPlatform.Gateway.Tests.RateLimiting;

/// <summary>The parts that need no Redis: arithmetic and configuration.</summary>
public class RateLimitingUnitTests
{
    [Theory]
    [InlineData(1, 1_000_000)]
    [InlineData(3, 333_334)]
    [InlineData(100, 10_000)]
    [InlineData(1_000_000, 1)]
    public void TheIntervalBetweenRequestsRoundsUpSoTheRateIsNeverExceeded(int requestsPerSecond, long microseconds) =>
        Assert.Equal(microseconds, MerchantRateLimiter.IntervalMicroseconds(new RateLimitSettings(requestsPerSecond, 1)));

    [Fact]
    public void DefaultsAreEnabledFailOpenWithA50MillisecondBudget()
    {
        var options = Resolve(new Dictionary<string, string?>());

        Assert.Equal((true, RedisUnavailablePolicy.FailOpen, TimeSpan.FromMilliseconds(50)), (options.Enabled, options.WhenRedisUnavailable, options.RedisTimeout));
    }

    [Fact]
    public void ThePolicyAndSwitchBindFromGatewayRateLimiting()
    {
        var options = Resolve(new Dictionary<string, string?>
        {
            ["Gateway:RateLimiting:Enabled"] = "false",
            ["Gateway:RateLimiting:WhenRedisUnavailable"] = "FailClosed",
            ["Gateway:RateLimiting:RedisTimeout"] = "00:00:00.020",
        });

        Assert.Equal((false, RedisUnavailablePolicy.FailClosed, TimeSpan.FromMilliseconds(20)), (options.Enabled, options.WhenRedisUnavailable, options.RedisTimeout));
    }

    [Fact]
    public void ANonPositiveRedisTimeoutIsRejected()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(new Dictionary<string, string?> { ["Gateway:RateLimiting:RedisTimeout"] = "00:00:00" }));

        Assert.Contains("RedisTimeout", error.Message, StringComparison.Ordinal);
    }

    private static RateLimitingOptions Resolve(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddMerchantRateLimiting().BuildServiceProvider();
        return services.GetRequiredService<IOptions<RateLimitingOptions>>().Value;
    }
}
