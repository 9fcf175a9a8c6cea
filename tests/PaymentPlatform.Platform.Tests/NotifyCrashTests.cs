using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PaymentPlatform.Hosting;
using PaymentPlatform.Hosting.ApplicationModel;
using PaymentPlatform.Hosting.Testing;
using Xunit.Abstractions;

namespace PaymentPlatform.Platform.Tests;

/// <summary>
/// The whole platform with notify's test configuration: a compressed retry schedule, short
/// timeouts, and the SSRF allowlist opened for loopback, so the test's receiver can be reached.
/// </summary>
public sealed class NotifyCrashFixture : IAsyncLifetime
{
    private IDistributedApplicationTestingBuilder? _builder;

    public DistributedApplication App { get; private set; } = null!;

    public TimeSpan StartupTime { get; private set; }

    public async Task InitializeAsync()
    {
        var stopwatch = Stopwatch.StartNew();
        _builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.PaymentPlatform_AppHost>();
        _builder.CreateResourceBuilder<ProjectResource>("notify")
            .WithEnvironment("Notify__Delivery__RetrySchedule", "00:00:00,00:00:00.250,00:00:00.500,00:00:01,00:00:01,00:00:02,00:00:02,00:00:02,00:00:02,00:00:02,00:00:02,00:00:02")
            .WithEnvironment("Notify__Delivery__AttemptTimeout", "00:00:03")
            .WithEnvironment("Notify__Delivery__LeaseMargin", "00:00:02")
            .WithEnvironment("Notify__Delivery__SlowDownDelay", "00:00:00.250")
            .WithEnvironment("Notify__Delivery__AllowedNetworks", "127.0.0.0/8,::1/128")
            .WithEnvironment("Notify__Consumer__ClaimMinIdle", "00:00:02")
            .WithEnvironment("Notify__Consumer__ClaimInterval", "00:00:01");
        App = await _builder.BuildAsync();
        await App.StartAndWaitForHealthyAsync(PlatformFixture.StartTimeout);
        StartupTime = stopwatch.Elapsed;
    }

    public async Task DisposeAsync()
    {
        if (_builder is not null)
        {
            await _builder.DisposeAsync();
        }
    }
}

[Collection(FaultCollection.Name)]
public class NotifyCrashTests(NotifyCrashFixture fixture, ITestOutputHelper output) : IClassFixture<NotifyCrashFixture>
{
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task EveryEventIsDeliveredAtLeastOnceWithAStableWebhookIdThoughNotifyAndRedisAreKilled()
    {
        output.WriteLine($"AppHost with notify's test configuration healthy in {fixture.StartupTime.TotalSeconds:0.0} s.");
        await using var receiver = await SlowReceiver.StartAsync(TimeSpan.FromMilliseconds(200));
        using var merchant = await fixture.App.CreateMerchantAsync();
        var merchantId = merchant.Id;
        using var notify = await fixture.App.CreateInternalClientAsync("notify");
        using var created = await notify.PostJsonAsync($"/v1/merchants/{merchantId}/endpoints",
            new { url = receiver.Url, enabled_events = new[] { "*" }, description = "crash test" });
        var secret = (await created.ExpectAsync(HttpStatusCode.Created)).GetProperty("secret").GetString()!;
        var gateway = merchant.Client;

        // Deliveries in flight (the receiver takes 200 ms each) when notify is killed.
        await CreatePaymentsAsync(gateway, 10);
        await Probes.EventuallyAsync(() => Task.FromResult(receiver.Count > 0), Probes.EventTimeout, "the first webhook to arrive");
        fixture.App.ResourceCommands.Kill("notify");
        output.WriteLine($"killed notify with {receiver.Count} webhooks received");
        await CreatePaymentsAsync(gateway, 10);

        // kill -9 Redis: the stream survives in the AOF (appendfsync always); relays and consumers reconnect.
        fixture.App.ResourceCommands.Kill("cache");
        output.WriteLine($"killed cache with {receiver.Count} webhooks received");
        await CreatePaymentsAsync(gateway, 10);

        var paymentsDb = await fixture.App.GetConnectionStringAsync("paymentsdb");
        var expected = (await Probes.QueryAsync(paymentsDb!, "SELECT id FROM events WHERE merchant_id = $1", merchantId)).Select(r => (string)r[0]!).ToHashSet();
        Assert.True(expected.Count >= 30, $"only {expected.Count} events were written");
        await Probes.EventuallyAsync(() => Task.FromResult(expected.IsSubsetOf(receiver.Ids)), DeliveryTimeout,
            $"all {expected.Count} events to be delivered (missing: {string.Join(", ", expected.Except(receiver.Ids).Take(5))})");

        var webhooks = receiver.All;
        Assert.All(webhooks, w => Assert.Contains(w.Id, expected));
        Assert.All(webhooks, w => Assert.True(Verify(secret, w), $"webhook {w.Id} does not verify"));
        var duplicates = webhooks.Count - webhooks.Select(w => w.Id).Distinct().Count();
        output.WriteLine($"{expected.Count} events, {webhooks.Count} webhooks received ({duplicates} repeats, each with its event's id)");
        var notifyDb = await fixture.App.GetConnectionStringAsync("notifydb");
        await Probes.EventuallyAsync(async () => (long)(await Probes.QueryAsync(notifyDb!,
                "SELECT count(*) FROM deliveries WHERE merchant_id = $1 AND status = 'succeeded'", merchantId))[0][0]! == expected.Count,
            DeliveryTimeout, "notifydb to record every delivery as succeeded");
    }

    [Fact]
    public async Task EveryEventIsDeliveredAtLeastOnceThoughPostgresIsKilledMidDelivery()
    {
        await using var receiver = await SlowReceiver.StartAsync(TimeSpan.FromMilliseconds(200));
        using var merchant = await fixture.App.CreateMerchantAsync();
        var merchantId = merchant.Id;
        using var notify = await fixture.App.CreateInternalClientAsync("notify");
        using var created = await notify.PostJsonAsync($"/v1/merchants/{merchantId}/endpoints",
            new { url = receiver.Url, enabled_events = new[] { "*" }, description = "postgres crash test" });
        var secret = (await created.ExpectAsync(HttpStatusCode.Created)).GetProperty("secret").GetString()!;
        var gateway = merchant.Client;
        await CreatePaymentsAsync(gateway, 10);
        await Probes.EventuallyAsync(() => Task.FromResult(receiver.Count > 0), Probes.EventTimeout, "the first webhook to arrive");

        // kill -9 PostgreSQL (every service's database) while deliveries are in flight and results unwritten.
        fixture.App.ResourceCommands.Kill("postgres");
        output.WriteLine($"killed postgres with {receiver.Count} webhooks received");
        await CreatePaymentsAsync(gateway, 10);

        // This process's pooled connections died with the server.
        Npgsql.NpgsqlConnection.ClearAllPools();
        var paymentsDb = await fixture.App.GetConnectionStringAsync("paymentsdb");
        var expected = (await Probes.QueryAsync(paymentsDb!, "SELECT id FROM events WHERE merchant_id = $1", merchantId)).Select(r => (string)r[0]!).ToHashSet();
        Assert.True(expected.Count >= 20, $"only {expected.Count} events were written");
        await Probes.EventuallyAsync(() => Task.FromResult(expected.IsSubsetOf(receiver.Ids)), DeliveryTimeout,
            $"all {expected.Count} events to be delivered (missing: {string.Join(", ", expected.Except(receiver.Ids).Take(5))})");
        Assert.All(receiver.All, w => Assert.Contains(w.Id, expected));
        Assert.All(receiver.All, w => Assert.True(Verify(secret, w), $"webhook {w.Id} does not verify"));
        output.WriteLine($"{expected.Count} events, {receiver.All.Count} webhooks received");
    }

    /// <summary>Creates payments, retrying each (same Idempotency-Key) while a killed dependency restarts.</summary>
    private static async Task CreatePaymentsAsync(HttpClient gateway, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var key = Guid.NewGuid().ToString();
            var card = Probes.NewCardNumber();   // the retries are the same request
            await Probes.EventuallyAsync(async () =>
            {
                try
                {
                    using var response = await Probes.PostPaymentAsync(gateway, card, idempotencyKey: key);
                    return response.StatusCode == HttpStatusCode.Created;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            }, Probes.EventTimeout, "a payment to be created");
        }
    }

    /// <summary>Standard Webhooks verification written from the spec, independent of notify's code.</summary>
    private static bool Verify(string secret, SlowReceiver.Webhook webhook)
    {
        using var hmac = new HMACSHA256(Convert.FromBase64String(secret["whsec_".Length..]));
        var expected = "v1," + Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes($"{webhook.Id}.{webhook.Timestamp}.").Concat(webhook.Body).ToArray()));
        return webhook.Signature.Split(' ').Contains(expected);
    }

    /// <summary>A real HTTP receiver on loopback that takes a while to answer 200, so deliveries are in flight.</summary>
    private sealed class SlowReceiver : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly ConcurrentQueue<Webhook> _received = new();

        private SlowReceiver(WebApplication app) => _app = app;

        public sealed record Webhook(string Id, string Timestamp, string Signature, byte[] Body);

        public string Url { get; private set; } = null!;

        public int Count => _received.Count;

        public IReadOnlyList<Webhook> All => _received.ToArray();

        public HashSet<string> Ids => _received.Select(w => w.Id).ToHashSet();

        public static async Task<SlowReceiver> StartAsync(TimeSpan delay)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var receiver = new SlowReceiver(app);
            app.MapPost("/hook", async (HttpContext context) =>
            {
                using var body = new MemoryStream();
                await context.Request.Body.CopyToAsync(body);
                receiver._received.Enqueue(new Webhook(context.Request.Headers["webhook-id"].ToString(), context.Request.Headers["webhook-timestamp"].ToString(),
                    context.Request.Headers["webhook-signature"].ToString(), body.ToArray()));
                await Task.Delay(delay, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                return Results.Ok();
            });
            await app.StartAsync();
            receiver.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/hook";
            return receiver;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
