using System.Net;
using PaymentPlatform.Hosting;
using PaymentPlatform.Hosting.Testing;

namespace PaymentPlatform.Platform.Tests.Gateway;

/// <summary>A platform of its own whose Redis these tests freeze (SIGSTOP through the host's pause command).</summary>
public sealed class GatewayRedisDownFixture : FaultFixture
{
    protected override void Arm(IDistributedApplicationTestingBuilder builder)
    {
    }
}

/// <summary>Issue 10, "When Redis is down": payments keep working, idempotency falls back to the database, health says degraded.</summary>
public class GatewayRedisDownTests(GatewayRedisDownFixture fixture) : IClassFixture<GatewayRedisDownFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task WithRedisFrozenPaymentsAndTheirIdempotencyKeepWorkingAndHealthSaysDegraded()
    {
        using var merchant = await fixture.App.CreateMerchantAsync();
        var request = GatewayRequests.Payment(1200);
        using var replica = await fixture.App.CreateInternalClientAsync("gateway", withToken: false);

        fixture.App.ResourceCommands.Pause("cache");
        try
        {
            var created = await (await merchant.Client.PostAsync("/v1/payments", request, "redis-down-1")).ExpectAsync(HttpStatusCode.Created);
            using var replayed = await merchant.Client.PostAsync("/v1/payments", request, "redis-down-1");
            Assert.Equal(HttpStatusCode.Created, replayed.StatusCode);
            Assert.Equal(created.GetProperty("id").GetString(), (await replayed.ReadJsonAsync()).GetProperty("id").GetString());
            await (await merchant.Client.PostAsync("/v1/payments", GatewayRequests.Payment(1300), "redis-down-1"))
                .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");
            await Probes.EventuallyAsync(async () => (await replica.GetStringAsync(new Uri("/health", UriKind.Relative))).Contains("Degraded", StringComparison.Ordinal),
                Timeout, "the gateway's health to say Degraded while Redis is frozen");
        }
        finally
        {
            fixture.App.ResourceCommands.Resume("cache");
        }

        // Nothing was lost: once Redis is back, the relay sends the payment's event on.
        await Probes.EventuallyAsync(async () => await fixture.App.CountAsync(
                "SELECT count(*) FROM events WHERE merchant_id = $1 AND relayed_at IS NULL", merchant.Id) == 0,
            Timeout, "the events written while Redis was frozen to be relayed");
        await Probes.EventuallyAsync(async () => (await replica.GetStringAsync(new Uri("/health", UriKind.Relative))).Contains("Healthy", StringComparison.Ordinal),
            Timeout, "the gateway's health to recover with Redis");
    }
}
