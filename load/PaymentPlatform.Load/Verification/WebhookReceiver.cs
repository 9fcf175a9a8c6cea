using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PaymentPlatform.Load.Scenarios.Payments;

namespace PaymentPlatform.Load.Verification;

/// <summary>
/// A merchant's webhook endpoint for every load merchant, in the generator: Kestrel on 127.0.0.1 at a
/// random port (notify accepts loopback URLs in Development, contracts.md), one path per merchant. It
/// answers 200 at once and checks each delivery as it arrives against the Standard Webhooks signature
/// (<c>webhook-id</c>, <c>webhook-timestamp</c>, <c>webhook-signature</c>: HMAC-SHA256 over
/// <c>id.timestamp.body</c> with the endpoint's <c>whsec_</c> secret), keeping only the outcome.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private const int RegisterAttempts = 4;
    private static readonly TimeSpan TimestampTolerance = TimeSpan.FromMinutes(5);

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<int, byte[]> _secrets = new();
    private readonly ConcurrentDictionary<(int Merchant, string EventId), int> _valid = new();
    private readonly ConcurrentQueue<string> _invalid = new();
    private long _received;
    private long _unverifiable;

    private WebhookReceiver(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Deliveries received, valid or not.</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>Deliveries to a merchant whose endpoint secret is not known (its registration failed).</summary>
    public long Unverifiable => Interlocked.Read(ref _unverifiable);

    /// <summary>Deliveries whose signature, timestamp or body did not check out, with why.</summary>
    public IReadOnlyCollection<string> Invalid => _invalid;

    /// <summary>How many valid deliveries of the event reached the merchant's endpoint.</summary>
    public int ValidDeliveries(int merchant, string eventId) => _valid.TryGetValue((merchant, eventId), out var count) ? count : 0;

    /// <summary>Every valid delivery, by merchant and webhook-id, for what no listed event explains.</summary>
    public IEnumerable<(int Merchant, string EventId)> Delivered => _valid.Keys;

    public string Describe() => $"a webhook endpoint per merchant (all event types) on the generator's receiver {BaseAddress}";

    public static async Task<WebhookReceiver> StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hooks/{merchant:int}", receiver.ReceiveAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.BaseAddress = new Uri(address.TrimEnd('/') + "/", UriKind.Absolute);
        return receiver;
    }

    /// <summary>
    /// Registers an endpoint for each merchant through the gateway's public <c>/v1/webhook_endpoints</c>
    /// and keeps its secret; answers the problems (a platform outside Development refuses loopback URLs).
    /// </summary>
    public async Task<IReadOnlyList<string>> RegisterAsync(GatewayClient gateway, LoadMerchants merchants, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        ArgumentNullException.ThrowIfNull(merchants);
        var problems = new ConcurrentQueue<string>();
        await Parallel.ForAsync(0, merchants.Count, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (m, ct) =>
        {
            var (secret, problem) = await RegisterAsync(gateway, merchants[m].SecretKey, new Uri(BaseAddress, $"hooks/{m}").ToString(), ct).ConfigureAwait(false);
            if (secret is not null)
            {
                _secrets[m] = secret;
            }
            else
            {
                problems.Enqueue($"merchant #{m}: POST /v1/webhook_endpoints {problem}");
            }
        }).ConfigureAwait(false);
        Registered = merchants.Count - problems.Count;
        RegistrationProblems = [.. problems];
        return RegistrationProblems;
    }

    /// <summary>
    /// Creates the merchant's endpoint and answers its secret. Creation is not idempotent (contracts.md),
    /// so after a failed answer (notify may still have made it) the endpoints already at this URL are
    /// deleted before asking again, and once one is made every other endpoint at the URL is deleted too:
    /// the merchant ends with one endpoint here, whose secret is known.
    /// </summary>
    private static async Task<(byte[]? Secret, string? Problem)> RegisterAsync(GatewayClient gateway, string secretKey, string url, CancellationToken cancellationToken)
    {
        var last = "";
        for (var attempt = 1; attempt <= RegisterAttempts; attempt++)
        {
            try
            {
                var answer = await gateway.CreateWebhookEndpointAsync(secretKey, url, "load generator receiver", cancellationToken).ConfigureAwait(false);
                if (answer.Value is { Secret: { } secret } created && secret.StartsWith("whsec_", StringComparison.Ordinal))
                {
                    if (attempt > 1)
                    {
                        await DeleteAtUrlAsync(gateway, secretKey, url, keep: created.Id, cancellationToken).ConfigureAwait(false);
                    }
                    return (Convert.FromBase64String(secret["whsec_".Length..]), null);
                }
                if (answer.Status is >= 400 and < 500)
                {
                    return (null, $"answered {answer.Kind}");   // refused (a loopback URL outside Development): asking again will not help
                }
                last = $"answered {answer.Kind}";
                await DeleteAtUrlAsync(gateway, secretKey, url, keep: null, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException && !cancellationToken.IsCancellationRequested)
            {
                // The answer was lost: the next attempt first removes what this one may have made.
                last = $"failed ({ex.GetType().Name})";
            }
            await Task.Delay(TimeSpan.FromSeconds(attempt), cancellationToken).ConfigureAwait(false);
        }
        return (null, $"{last} {RegisterAttempts} times");
    }

    private static async Task DeleteAtUrlAsync(GatewayClient gateway, string secretKey, string url, string? keep, CancellationToken cancellationToken)
    {
        var listed = await gateway.ListWebhookEndpointsAsync(secretKey, cancellationToken).ConfigureAwait(false);
        foreach (var endpoint in listed.Value?.Data.Where(e => e.Url == url && e.Id != keep) ?? [])
        {
            await gateway.DeleteWebhookEndpointAsync(secretKey, endpoint.Id, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>How many merchants have an endpoint on this receiver.</summary>
    public int Registered { get; private set; }

    public IReadOnlyList<string> RegistrationProblems { get; private set; } = [];

    private async Task<IResult> ReceiveAsync(int merchant, HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
        Interlocked.Increment(ref _received);
        var headers = context.Request.Headers;
        var (id, timestamp, signature) = (headers["webhook-id"].ToString(), headers["webhook-timestamp"].ToString(), headers["webhook-signature"].ToString());
        if (!_secrets.TryGetValue(merchant, out var secret))
        {
            // The merchant's endpoint was never confirmed (its creation failed), so nothing can be checked.
            Interlocked.Increment(ref _unverifiable);
            return Results.Ok();
        }
        var problem = Check(secret, id, timestamp, signature, buffer.ToArray());
        if (problem is null)
        {
            _valid.AddOrUpdate((merchant, id), 1, (_, count) => count + 1);
        }
        else
        {
            _invalid.Enqueue($"merchant #{merchant} webhook-id '{id}': {problem}");
        }
        // 200 either way: a bad signature is the platform's fault, and a retry would not fix it.
        return Results.Ok();
    }

    /// <summary>Why the delivery is not valid, or null (Standard Webhooks 1.0, written from the spec).</summary>
    private static string? Check(byte[] secret, string id, string timestamp, string signature, byte[] body)
    {
        if (string.IsNullOrEmpty(id))
        {
            return "no webhook-id";
        }
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - seconds) > TimestampTolerance.TotalSeconds)
        {
            return $"webhook-timestamp '{timestamp}' is not within {TimestampTolerance.TotalMinutes} minutes of now";
        }
        var expected = "v1," + Convert.ToBase64String(HMACSHA256.HashData(secret, (byte[])[.. Encoding.UTF8.GetBytes($"{id}.{timestamp}."), .. body]));
        var expectedBytes = Encoding.ASCII.GetBytes(expected);
        if (!signature.Split(' ', StringSplitOptions.RemoveEmptyEntries).Any(s => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(s), expectedBytes)))
        {
            return "webhook-signature does not verify with the endpoint's secret";
        }
        try
        {
            using var document = JsonDocument.Parse(body);
            var bodyId = document.RootElement.TryGetProperty("id", out var value) ? value.GetString() : null;
            return bodyId == id ? null : $"the body's id '{bodyId}' is not the webhook-id";
        }
        catch (JsonException)
        {
            return "the body is not JSON";
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
