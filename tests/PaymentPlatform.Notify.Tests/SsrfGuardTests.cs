using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using PaymentPlatform.Notify.Delivery;
using PaymentPlatform.Notify.Endpoints;
using PaymentPlatform.Notify.Tests.Infrastructure;

namespace PaymentPlatform.Notify.Tests;

/// <summary>The SSRF guard in Production mode: decided on the address actually connected.</summary>
[Collection(NotifyCollection.Name)]
public class SsrfGuardTests(NotifyFixture fixture) : IAsyncLifetime
{
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    private static string NewMerchantId() => "mer_" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task InProductionDeliveriesToLoopbackPrivateLinkLocalAndMetadataAddressesAreRefusedAtConnect()
    {
        await using var notify = await NotifyInstance.StartAsync(fixture, environment: "Production");
        var merchantId = NewMerchantId();
        var port = _receiver.BaseAddress.Port;
        // As if a name had re-resolved to these after the endpoint was created (DNS rebinding):
        // the endpoints are written directly, past the creation check.
        var loopbackHook = _receiver.NewHook();
        string[] urls =
        [
            loopbackHook,
            $"http://localhost:{port}/hooks/{WebhookReceiver.NameOf(loopbackHook)}",
            $"http://[::1]:{port}/hooks/x",
            "http://169.254.169.254/latest/meta-data/",
            "http://10.0.0.1/",
            "http://192.168.0.1/",
            "http://[fd00:ec2::254]/",
            // Other spellings of loopback and metadata (issue 16): IPv4-mapped IPv6, NAT64, the unspecified
            // addresses (which reach local listeners) and the decimal, hex, octal and short IPv4 forms.
            Hook("[::ffff:127.0.0.1]"), Hook("[::ffff:7f00:1]"), Hook("[::]"), Hook("0.0.0.0"),
            Hook("2130706433"), Hook("0x7f.0.0.1"), Hook("0177.0.0.1"), Hook("127.1"),
            "http://[::ffff:169.254.169.254]/latest/meta-data/",
            "http://[::ffff:a9fe:a9fe]/latest/meta-data/",
            "http://[64:ff9b::a9fe:a9fe]/latest/meta-data/",
            "http://100.100.100.200/latest/meta-data/",
        ];
        string Hook(string host) => $"http://{host}:{port}/hooks/{WebhookReceiver.NameOf(_receiver.NewHook())}";
        var protector = notify.Services.GetRequiredService<SecretProtector>();
        foreach (var url in urls)
        {
            await notify.ScalarAsync(
                "INSERT INTO endpoints (id, merchant_id, url, enabled_events, secret_ciphertext) VALUES ($1, $2, $3, ARRAY['*'], $4)",
                "we_" + Guid.NewGuid().ToString("N"), merchantId, url, protector.Protect(WebhookSigner.NewSecret()));
        }

        var eventId = await notify.PublishAsync(merchantId);

        var deliveries = await Eventually.GetAsync<object>(async () =>
        {
            if (await notify.ScalarAsync("SELECT 1 FROM events WHERE event_id = $1", eventId) is null)
            {
                return null;
            }
            var data = (await notify.DeliveriesAsync(merchantId, eventId)).GetProperty("data");
            return data.GetArrayLength() == urls.Length && data.EnumerateArray().All(d => d.GetProperty("attempt_count").GetInt32() >= 1) ? data : null;
        }, "an attempt of every delivery");
        foreach (var delivery in ((System.Text.Json.JsonElement)deliveries).EnumerateArray())
        {
            var first = delivery.GetProperty("attempts")[0];
            Assert.Equal("refused", first.GetProperty("outcome").GetString());
            Assert.Contains("refused addresses", first.GetProperty("error").GetString(), StringComparison.Ordinal);
        }
        Assert.All(urls, url => Assert.Empty(_receiver.Received(url)));
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080/hook")]
    [InlineData("https://127.0.0.1/hook")]
    [InlineData("https://localhost/hook")]
    [InlineData("https://169.254.169.254/latest")]
    [InlineData("https://10.1.2.3/hook")]
    [InlineData("https://[::1]/hook")]
    [InlineData("http://example.com/hook")]
    [InlineData("https://[::ffff:127.0.0.1]/hook")]
    [InlineData("https://[::ffff:169.254.169.254]/latest")]
    [InlineData("https://[::]/hook")]
    [InlineData("https://0.0.0.0/hook")]
    [InlineData("https://2130706433/hook")]
    [InlineData("https://0xa9.0xfe.0xa9.0xfe/latest")]
    [InlineData("https://100.100.100.200/latest")]
    public async Task InProductionCreatingAnEndpointWithAnInternalOrPlainHttpUrlIs400(string url)
    {
        await using var notify = await NotifyInstance.StartAsync(fixture, environment: "Production");

        using var response = await notify.Client.PostAsJsonAsync(new Uri($"/v1/merchants/{NewMerchantId()}/endpoints", UriKind.Relative),
            new { url, enabled_events = new[] { "*" } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task InProductionAnAllowlistedLoopbackReceiverGetsItsDeliveries()
    {
        await using var notify = await NotifyInstance.StartAsync(fixture, environment: "Production", settings: new Dictionary<string, string?>
        {
            ["Notify:Delivery:AllowedNetworks"] = "127.0.0.0/8,::1/128",
        });
        var merchantId = NewMerchantId();
        var url = _receiver.NewHook();
        await notify.CreateEndpointAsync(merchantId, url);

        var eventId = await notify.PublishAsync(merchantId);

        Assert.Equal(eventId, Assert.Single(await _receiver.WaitForAsync(url, 1)).Id);
    }
}
