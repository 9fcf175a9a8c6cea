using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;

namespace PaymentPlatform.ServiceDefaults.Resilience;

/// <summary>
/// One pipeline per client for the host's lifetime: IHttpClientFactory recycles handlers,
/// but the circuit breaker's state and the concurrency limiter must outlive them.
/// </summary>
internal sealed class InternalClientPipelines(
    IOptionsMonitor<InternalClientResilienceOptions> options,
    ILoggerFactory loggerFactory,
    ResilienceTelemetry telemetry,
    TimeProvider? time = null) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Entry>> pipelines = new(StringComparer.OrdinalIgnoreCase);
    private readonly ILogger logger = loggerFactory.CreateLogger("PaymentPlatform.ServiceDefaults.InternalClients");

    public ResiliencePipeline<HttpResponseMessage> Get(string client) =>
        pipelines.GetOrAdd(client, name => new Lazy<Entry>(() => Create(name))).Value.Pipeline;

    public void Dispose()
    {
        foreach (var entry in pipelines.Values.Where(entry => entry.IsValueCreated))
        {
            entry.Value.Limiter.Dispose();
        }
    }

    private Entry Create(string client)
    {
        var settings = options.Get(client);
        var limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = settings.RateLimiter.PermitLimit,
            QueueLimit = settings.RateLimiter.QueueLimit,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
        var pipeline = InternalClientPipeline.Build(client, settings, limiter, logger, telemetry, time ?? TimeProvider.System);
        return new Entry(pipeline, limiter);
    }

    private sealed record Entry(ResiliencePipeline<HttpResponseMessage> Pipeline, ConcurrencyLimiter Limiter);
}
