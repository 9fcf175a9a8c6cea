using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using PaymentPlatform.ServiceDefaults.Resilience;

namespace PaymentPlatform.ServiceDefaults.Tests;

public class ResilienceOptionsTests
{
    [Fact]
    public void DefaultsAreTheStandardResilienceHandlerNumbers()
    {
        var options = new InternalClientResilienceOptions();

        Assert.Equal(1000, options.RateLimiter.PermitLimit);
        Assert.Equal(0, options.RateLimiter.QueueLimit);
        Assert.Equal(TimeSpan.FromSeconds(30), options.TotalTimeout);
        Assert.Equal(3, options.Retry.MaxRetryAttempts);
        Assert.Equal(TimeSpan.FromSeconds(2), options.Retry.BaseDelay);
        Assert.True(options.Retry.UseJitter);
        Assert.Equal(0.1, options.CircuitBreaker.FailureRatio);
        Assert.Equal(100, options.CircuitBreaker.MinimumThroughput);
        Assert.Equal(TimeSpan.FromSeconds(30), options.CircuitBreaker.SamplingDuration);
        Assert.Equal(TimeSpan.FromSeconds(5), options.CircuitBreaker.BreakDuration);
        Assert.Equal(TimeSpan.FromSeconds(10), options.AttemptTimeout);
        Assert.True(new InternalClientResilienceOptionsValidator().Validate("ledger", options).Succeeded);
    }

    [Fact]
    public async Task AnAttemptTimeoutLongerThanTheTotalTimeoutFailsAtStart()
    {
        using var host = ClientHost.Build("ledger", new Dictionary<string, string?>
        {
            ["InternalClients:ledger:Resilience:AttemptTimeout"] = "00:00:10",
            ["InternalClients:ledger:Resilience:TotalTimeout"] = "00:00:05",
        });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("InternalClients:ledger:Resilience: AttemptTimeout (00:00:10) must not exceed TotalTimeout (00:00:05).", error.Message);
    }

    [Fact]
    public async Task ASamplingWindowShorterThanTwiceTheAttemptTimeoutFailsAtStart()
    {
        using var host = ClientHost.Build("ledger", new Dictionary<string, string?>
        {
            ["InternalClients:ledger:Resilience:AttemptTimeout"] = "00:00:02",
            ["InternalClients:ledger:Resilience:CircuitBreaker:SamplingDuration"] = "00:00:03",
        });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("SamplingDuration (00:00:03) must be at least twice AttemptTimeout (00:00:02)", error.Message);
    }

    [Fact]
    public async Task AClientHostWithoutTheInternalTokenFailsAtStart()
    {
        using var host = ClientHost.Build("ledger", new Dictionary<string, string?> { ["InternalApi:Token"] = "" });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("InternalApi:Token", error.Message);
    }

    [Theory]
    [InlineData("RateLimiter:PermitLimit", "0", "PermitLimit")]
    [InlineData("RateLimiter:QueueLimit", "-1", "QueueLimit")]
    [InlineData("Retry:MaxRetryAttempts", "-1", "MaxRetryAttempts")]
    [InlineData("CircuitBreaker:FailureRatio", "0", "FailureRatio")]
    [InlineData("CircuitBreaker:FailureRatio", "1.5", "FailureRatio")]
    [InlineData("CircuitBreaker:MinimumThroughput", "1", "MinimumThroughput")]
    [InlineData("CircuitBreaker:BreakDuration", "00:00:00.100", "BreakDuration")]
    [InlineData("AttemptTimeout", "00:00:00.001", "AttemptTimeout")]
    public void OutOfRangeValuesAreRejectedBeforePollySeesThem(string key, string value, string named)
    {
        var options = new InternalClientResilienceOptions();
        new ConfigurationBuilder()
            .AddInMemoryCollection([new(key, value)])
            .Build()
            .Bind(options);

        var result = new InternalClientResilienceOptionsValidator().Validate("ledger", options);

        Assert.True(result.Failed);
        Assert.Contains(named, result.FailureMessage);
    }
}
