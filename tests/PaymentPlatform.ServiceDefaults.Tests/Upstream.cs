using System.Collections.Concurrent;
using System.Diagnostics;

namespace PaymentPlatform.ServiceDefaults.Tests;

/// <summary>
/// A real HTTP server whose answers a test scripts call by call, recording what it received.
/// </summary>
internal sealed class Upstream : IAsyncDisposable
{
    private readonly ConcurrentQueue<Func<HttpContext, Task>> script = new();
    private readonly TestApp app;

    private Upstream(TestApp app) => this.app = app;

    public Uri BaseAddress => app.BaseAddress;

    public ConcurrentQueue<Received> Calls { get; } = new();

    /// <summary>What every call gets once the script is used up.</summary>
    public Func<HttpContext, Task> Otherwise { get; set; } = context => context.Response.WriteAsync("ok");

    public static async Task<Upstream> StartAsync()
    {
        Upstream? upstream = null;
        var app = await TestApp.StartAsync(
            web => web.Map("/{**path}", async context =>
            {
                using var reader = new StreamReader(context.Request.Body);
                var body = await reader.ReadToEndAsync(context.RequestAborted);
                upstream!.Calls.Enqueue(new Received(
                    context.Request.Method,
                    context.Request.Path,
                    body,
                    context.Request.Headers.Authorization.ToString(),
                    context.Request.Headers["Idempotency-Key"].ToString(),
                    Stopwatch.GetTimestamp()));
                var respond = upstream.script.TryDequeue(out var next) ? next : upstream.Otherwise;
                await respond(context);
            }),
            serviceDefaults: false);
        upstream = new Upstream(app);
        return upstream;
    }

    public Upstream Then(int status, Action<HttpResponse>? headers = null)
    {
        script.Enqueue(context =>
        {
            context.Response.StatusCode = status;
            headers?.Invoke(context.Response);
            return Task.CompletedTask;
        });
        return this;
    }

    public Upstream Then(Func<HttpContext, Task> respond)
    {
        script.Enqueue(respond);
        return this;
    }

    public ValueTask DisposeAsync() => app.DisposeAsync();

    internal sealed record Received(string Method, string Path, string Body, string Authorization, string IdempotencyKey, long Timestamp);
}
