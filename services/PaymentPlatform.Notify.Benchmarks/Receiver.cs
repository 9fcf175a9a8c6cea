using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PaymentPlatform.Notify.Benchmarks;

/// <summary>A fast local receiver: answers 204 at once and notes when each webhook-id first arrived.</summary>
internal sealed class Receiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, long> _firstArrival = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _paymentOf = new(StringComparer.Ordinal);
    private long _requests;

    private Receiver(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = null!;

    public long Requests => Interlocked.Read(ref _requests);

    public int Distinct => _firstArrival.Count;

    /// <summary>Stopwatch timestamp of the first arrival of each webhook-id.</summary>
    public IReadOnlyDictionary<string, long> FirstArrival => _firstArrival;

    /// <summary>The payment id (data.object.id) of each webhook-id, when <see cref="ReadPayments"/> is set.</summary>
    public IReadOnlyDictionary<string, string> PaymentOf => _paymentOf;

    public bool ReadPayments { get; set; }

    public static async Task<Receiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new Receiver(app);
        app.MapPost("/hooks/{name}", async (HttpContext context) =>
        {
            var now = Stopwatch.GetTimestamp();
            var id = context.Request.Headers["webhook-id"].ToString();
            Interlocked.Increment(ref receiver._requests);
            receiver._firstArrival.TryAdd(id, now);
            if (receiver.ReadPayments)
            {
                using var body = await JsonDocument.ParseAsync(context.Request.Body);
                receiver._paymentOf.TryAdd(id, body.RootElement.GetProperty("data").GetProperty("object").GetProperty("id").GetString()!);
            }
            return Results.NoContent();
        });
        await app.StartAsync();
        receiver.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
