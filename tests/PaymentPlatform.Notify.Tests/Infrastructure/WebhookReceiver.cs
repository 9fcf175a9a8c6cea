using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PaymentPlatform.Notify.Tests.Infrastructure;

/// <summary>A webhook as the receiver got it.</summary>
public sealed record ReceivedWebhook(string Hook, string? Id, string? Timestamp, string? Signature, byte[] Body, DateTimeOffset At,
    IReadOnlyDictionary<string, string> Headers);

/// <summary>
/// A real HTTP receiver on loopback (Kestrel), one path per hook: <c>/hooks/{name}</c>. Each hook
/// answers what the test tells it (200 by default) and records every request.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Func<ReceivedWebhook, int, HttpContext, Task>> _behaviours = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentQueue<ReceivedWebhook>> _received = new(StringComparer.Ordinal);

    private WebhookReceiver(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hooks/{name}", receiver.HandleAsync);
        await app.StartAsync();
        receiver.BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
        return receiver;
    }

    /// <summary>A fresh hook's URL; <paramref name="behaviour"/> gets the request and its 1-based number and writes the answer.</summary>
    public string NewHook(Func<ReceivedWebhook, int, HttpContext, Task>? behaviour = null) => NewHook(out _, behaviour);

    public string NewHook(out string name, Func<ReceivedWebhook, int, HttpContext, Task>? behaviour = null)
    {
        name = Guid.NewGuid().ToString("N");
        _received[name] = new ConcurrentQueue<ReceivedWebhook>();
        if (behaviour is not null)
        {
            _behaviours[name] = behaviour;
        }
        return new Uri(BaseAddress, $"hooks/{name}").ToString();
    }

    public static string NameOf(string url) => url[(url.LastIndexOf('/') + 1)..];

    public IReadOnlyList<ReceivedWebhook> Received(string url) =>
        _received.TryGetValue(NameOf(url), out var queue) ? queue.ToArray() : [];

    public Task<IReadOnlyList<ReceivedWebhook>> WaitForAsync(string url, int count, TimeSpan? timeout = null) =>
        Eventually.GetAsync(() => Task.FromResult(Received(url) is { } all && all.Count >= count ? all : null),
            $"{count} webhooks at {url}", timeout);

    /// <summary>Answers with a status code (and optional headers).</summary>
    public static Func<ReceivedWebhook, int, HttpContext, Task> Status(int status, params (string Name, string Value)[] headers) => (_, _, context) =>
    {
        context.Response.StatusCode = status;
        foreach (var (name, value) in headers)
        {
            context.Response.Headers[name] = value;
        }
        return Task.CompletedTask;
    };

    private async Task HandleAsync(string name, HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
        var webhook = new ReceivedWebhook(name, headers.GetValueOrDefault("webhook-id"), headers.GetValueOrDefault("webhook-timestamp"),
            headers.GetValueOrDefault("webhook-signature"), buffer.ToArray(), DateTimeOffset.UtcNow, headers);
        var queue = _received.GetOrAdd(name, _ => new ConcurrentQueue<ReceivedWebhook>());
        queue.Enqueue(webhook);
        if (_behaviours.TryGetValue(name, out var behaviour))
        {
            await behaviour(webhook, queue.Count, context);
        }
        else
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
