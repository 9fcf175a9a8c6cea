using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Npgsql;
using PaymentPlatform.Notify.Endpoints;
using PaymentPlatform.Notify.Events;

namespace PaymentPlatform.Notify.Delivery;

/// <summary>
/// Sends due deliveries. It leases them from notifydb (a dead replica's leases run out; a
/// restarted one gives its own back at once), holds at most <see cref="DeliveryOptions.MaxConcurrencyPerEndpoint"/>
/// per endpoint and <see cref="DeliveryOptions.MaxConcurrency"/> in all, so a slow endpoint only
/// ever occupies its own slots, and records each attempt's outcome in batches.
/// </summary>
internal sealed partial class DeliveryDispatcher : BackgroundService
{
    private readonly DeliveryStore _store;
    private readonly SecretProtector _protector;
    private readonly DeliverySignal _signal;
    private readonly DeliveryOptions _options;
    private readonly IReadOnlyList<TimeSpan> _schedule;
    private readonly DeliveryMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<DeliveryDispatcher> _logger;
    private readonly HttpClient _client;
    private readonly string _owner;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, EndpointSlots> _endpoints = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (int Rate, RateLimiter Limiter)> _limiters = new(StringComparer.Ordinal);
    private readonly Channel<AttemptResult> _results = Channel.CreateUnbounded<AttemptResult>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Dictionary<string, DateTimeOffset> _pausedUntil = new(StringComparer.Ordinal);
    private int _held;

    public DeliveryDispatcher(DeliveryStore store, SecretProtector protector, DeliverySignal signal, IOptions<DeliveryOptions> options,
        NetworkPolicy policy, DeliveryMetrics metrics, IConfiguration configuration, TimeProvider time, ILogger<DeliveryDispatcher> logger)
    {
        _store = store;
        _protector = protector;
        _signal = signal;
        _options = options.Value;
        _schedule = _options.Schedule();
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _owner = Infrastructure.ConsumerName.From(configuration);
        _client = WebhookHttpClient.Create(policy, _options);
        if (policy.AllowsPrivate)
        {
            LogPrivateAllowed(logger);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var writer = Task.Run(() => WriteResultsAsync(stoppingToken), CancellationToken.None);
        var backlog = Task.Run(() => MeasureBacklogAsync(stoppingToken), CancellationToken.None);
        var failures = 0;
        var released = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!released)
                {
                    // Leases this replica's previous process held (it crashed mid-attempt) are due again now, not after they run out.
                    var count = await _store.ReleaseLeasesAsync(_owner, stoppingToken);
                    if (count > 0)
                    {
                        LogLeasesReleased(_logger, count, _owner);
                    }
                    released = true;
                }
                int free;
                string[] saturated;
                lock (_gate)
                {
                    free = _options.MaxConcurrency - _held;
                    // Paused here too: a 429/502/504 answered moments ago may not be in notifydb yet.
                    var now = _time.GetUtcNow();
                    foreach (var expired in _pausedUntil.Where(p => p.Value <= now).Select(p => p.Key).ToList())
                    {
                        _pausedUntil.Remove(expired);
                    }
                    saturated = _endpoints.Where(e => e.Value.Held >= _options.MaxConcurrencyPerEndpoint).Select(e => e.Key)
                        .Concat(_pausedUntil.Keys).Distinct().ToArray();
                }
                if (free > 0)
                {
                    var lease = _options.AttemptTimeout + _options.LeaseMargin + TimeSpan.FromSeconds(_options.MaxConcurrencyPerEndpoint); // waiting for a slot counts too
                    var due = await _store.LeaseDueAsync(_owner, saturated, _options.MaxConcurrencyPerEndpoint, free, lease, stoppingToken);
                    foreach (var delivery in due)
                    {
                        Enqueue(delivery, stoppingToken);
                    }
                }
                failures = 0;
                // One lease takes everything due for every endpoint with room (up to its per-endpoint share), so asking
                // again at once finds nothing: what can change that signals (a new event, a slot freed at an endpoint or
                // in all that was full), and a retry coming due is found by the poll.
                await _signal.WaitAsync(_options.PollInterval, stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested && ex is NpgsqlException or TimeoutException)
            {
                failures++;
                var delay = TimeSpan.FromMilliseconds(Math.Min(5000, 100 * Math.Pow(2, Math.Min(failures, 10))));
                LogLeaseFailed(_logger, ex, delay.TotalMilliseconds);
                await Task.Delay(delay, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
        }
        await backlog.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _results.Writer.TryComplete();
        await writer.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public override void Dispose()
    {
        _client.Dispose();
        lock (_gate)
        {
            foreach (var (_, limiter) in _limiters.Values)
            {
                limiter.Dispose();
            }
        }
        base.Dispose();
    }

    private void Enqueue(DueDelivery delivery, CancellationToken stoppingToken)
    {
        lock (_gate)
        {
            if (!_endpoints.TryGetValue(delivery.EndpointId, out var slots))
            {
                _endpoints[delivery.EndpointId] = slots = new EndpointSlots();
            }
            slots.Held++;
            _held++;
            if (slots.Running < _options.MaxConcurrencyPerEndpoint)
            {
                slots.Running++;
                _ = Task.Run(() => AttemptAsync(delivery, stoppingToken), CancellationToken.None);
            }
            else
            {
                slots.Waiting.Enqueue(delivery);
            }
        }
    }

    private void Release(DueDelivery delivery, CancellationToken stoppingToken)
    {
        bool wasFull;
        lock (_gate)
        {
            var slots = _endpoints[delivery.EndpointId];
            // A lease skips an endpoint holding its share and takes nothing when every slot is held: only then may
            // deliveries be due that no lease has taken, and this freed slot is worth a lease now.
            wasFull = slots.Held >= _options.MaxConcurrencyPerEndpoint || _held >= _options.MaxConcurrency;
            slots.Running--;
            slots.Held--;
            _held--;
            if (slots.Waiting.TryDequeue(out var next))
            {
                slots.Running++;
                _ = Task.Run(() => AttemptAsync(next, stoppingToken), CancellationToken.None);
            }
            else if (slots.Held == 0)
            {
                _endpoints.Remove(delivery.EndpointId);
            }
        }
        if (wasFull)
        {
            _signal.Notify();
        }
    }

    private async Task AttemptAsync(DueDelivery delivery, CancellationToken stoppingToken)
    {
        try
        {
            if (RateLimiterFor(delivery) is { } limiter)
            {
                using var permit = await limiter.AcquireAsync(1, stoppingToken);
            }
            DateTimeOffset? pausedUntil;
            lock (_gate)
            {
                pausedUntil = _pausedUntil.TryGetValue(delivery.EndpointId, out var until) && until > _time.GetUtcNow() ? until : null;
            }
            var result = pausedUntil is { } resume
                ? new AttemptResult(delivery, _time.GetUtcNow(), AttemptOutcomes.Deferred, null, 0, null, DeliveryStatuses.Pending, resume, delivery.ScheduleIndex, null, false)
                : await SendAsync(delivery, stoppingToken);
            if (result is not null)
            {
                if (result.PauseEndpointUntil is { } pause)
                {
                    lock (_gate)
                    {
                        _pausedUntil[delivery.EndpointId] = _pausedUntil.TryGetValue(delivery.EndpointId, out var current) && current > pause ? current : pause;
                    }
                }
                _results.Writer.TryWrite(result);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: not recorded, so the delivery is attempted again after the restart.
        }
        catch (Exception ex)
        {
            LogAttemptCrashed(_logger, ex, delivery.EventId, delivery.EndpointId);
        }
        finally
        {
            Release(delivery, stoppingToken);
        }
    }

    private RateLimiter? RateLimiterFor(DueDelivery delivery)
    {
        var rate = delivery.RateLimit ?? _options.DefaultRateLimit;
        if (rate <= 0)
        {
            return null;
        }
        lock (_gate)
        {
            if (_limiters.TryGetValue(delivery.EndpointId, out var existing) && existing.Rate == rate)
            {
                return existing.Limiter;
            }
            existing.Limiter?.Dispose();
            var limiter = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
            {
                TokenLimit = rate,
                TokensPerPeriod = rate,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = int.MaxValue,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                AutoReplenishment = true,
            });
            _limiters[delivery.EndpointId] = (rate, limiter);
            return limiter;
        }
    }

    /// <summary>One attempt: sign, send, classify. Null when shutdown interrupted it.</summary>
    internal async Task<AttemptResult?> SendAsync(DueDelivery delivery, CancellationToken stoppingToken)
    {
        ActivityContext.TryParse(delivery.Traceparent, null, out var parent);
        using var activity = EventConsumer.ActivitySource.StartActivity($"{delivery.Type} deliver", ActivityKind.Producer, parent);
        activity?.SetTag("webhook.id", delivery.EventId);
        activity?.SetTag("notify.endpoint.id", delivery.EndpointId);
        activity?.SetTag("notify.attempt", delivery.AttemptCount + 1);

        var attemptedAt = _time.GetUtcNow();
        var body = Body(delivery);
        var timestamp = attemptedAt.ToUnixTimeSeconds();
        var keys = new List<byte[]>(2) { WebhookSigner.KeyOf(_protector.Unprotect(delivery.SecretCiphertext)) };
        if (delivery.PreviousSecretCiphertext is { } previous && delivery.PreviousSecretExpiresAt > attemptedAt)
        {
            keys.Add(WebhookSigner.KeyOf(_protector.Unprotect(previous)));
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation("webhook-id", delivery.EventId);
        request.Headers.TryAddWithoutValidation("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation("webhook-signature", WebhookSigner.Sign(delivery.EventId, timestamp, body, keys));
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("PaymentPlatform-Webhooks", "1.0"));
        activity?.SetTag("server.address", request.RequestUri?.Host);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(_options.AttemptTimeout);
        var stopwatch = Stopwatch.StartNew();
        int? code = null;
        TimeSpan? retryAfter = null;
        string outcome;
        string? error = null;
        try
        {
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            code = (int)response.StatusCode;
            retryAfter = RetryAfter(response, attemptedAt);
            // Read the (small) body so the connection goes back to the pool; the timeout bounds it.
            await response.Content.CopyToAsync(Stream.Null, timeout.Token);
            outcome = code is >= 200 and < 300 ? AttemptOutcomes.Succeeded : AttemptOutcomes.HttpError;
            if (outcome != AttemptOutcomes.Succeeded)
            {
                error = code is >= 300 and < 400 ? $"HTTP {code}: a redirect, which is a failure (redirects are not followed)" : $"HTTP {code}";
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return null;
        }
        catch (OperationCanceledException)
        {
            outcome = AttemptOutcomes.Timeout;
            error = $"No complete answer within {_options.AttemptTimeout.TotalSeconds:0.###} s" + (code is { } c ? $" (HTTP {c} headers arrived)" : "");
            code = null;
        }
        catch (HttpRequestException ex) when (Find<TargetRefusedException>(ex) is { } refused)
        {
            outcome = AttemptOutcomes.Refused;
            error = refused.Message;
        }
        catch (HttpRequestException ex)
        {
            outcome = AttemptOutcomes.NetworkError;
            error = ex.InnerException?.Message ?? ex.Message;
        }
        var elapsed = stopwatch.Elapsed;
        var result = Decide(delivery, attemptedAt, outcome, code, (int)Math.Min(int.MaxValue, elapsed.TotalMilliseconds), error, retryAfter);
        activity?.SetTag("http.response.status_code", code);
        activity?.SetTag("notify.outcome", outcome);
        if (!result.Succeeded)
        {
            activity?.SetStatus(ActivityStatusCode.Error, error);
            activity?.SetTag("error.type", code?.ToString(CultureInfo.InvariantCulture) ?? outcome);
        }
        _metrics.Attempt(result, elapsed);
        return result;
    }

    /// <summary>The delivery rules (payments.md, "Webhooks"), as a pure function of one attempt's outcome.</summary>
    internal AttemptResult Decide(DueDelivery delivery, DateTimeOffset attemptedAt, string outcome, int? code, int latencyMs, string? error, TimeSpan? retryAfter)
    {
        if (outcome == AttemptOutcomes.Succeeded)
        {
            return new AttemptResult(delivery, attemptedAt, outcome, code, latencyMs, null, DeliveryStatuses.Succeeded, null, delivery.ScheduleIndex, null, false);
        }
        var gone = code == 410;
        var slowDown = code is 429 or 502 or 504;
        var now = attemptedAt.AddMilliseconds(latencyMs);
        DateTimeOffset? pause = slowDown ? now + (retryAfter ?? _options.SlowDownDelay) : retryAfter is { } wait ? now + wait : null;
        var nextIndex = delivery.ScheduleIndex + 1;
        if (gone || nextIndex >= _schedule.Count)
        {
            return new AttemptResult(delivery, attemptedAt, outcome, code, latencyMs, error, DeliveryStatuses.Exhausted, null, delivery.ScheduleIndex, pause, gone);
        }
        var delay = _schedule[nextIndex];
        if (retryAfter > delay)
        {
            delay = retryAfter.Value;
        }
        return new AttemptResult(delivery, attemptedAt, outcome, code, latencyMs, error, DeliveryStatuses.Pending, now + delay, nextIndex, pause, false);
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now)
    {
        var header = response.Headers.RetryAfter;
        var wait = header?.Delta ?? (header?.Date is { } date ? date - now : null);
        if (wait is not { } w)
        {
            return null;
        }
        return w < TimeSpan.Zero ? TimeSpan.Zero : w > _options.MaxRetryAfter ? _options.MaxRetryAfter : w;
    }

    /// <summary>
    /// The body: Standard Webhooks' <c>type</c>, <c>timestamp</c> and <c>data</c>, with Stripe's
    /// <c>id</c>, <c>object</c> and <c>created</c>. Built from stored fields only, so every attempt sends the same bytes.
    /// </summary>
    internal static byte[] Body(DueDelivery delivery)
    {
        using var buffer = new MemoryStream(delivery.Payload.Length + 192);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("id", delivery.EventId);
            json.WriteString("object", "event");
            json.WriteString("type", delivery.Type);
            json.WriteString("timestamp", delivery.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            json.WriteNumber("created", delivery.CreatedAt.ToUnixTimeSeconds());
            json.WritePropertyName("data");
            json.WriteRawValue(delivery.Payload, skipInputValidation: true);
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private async Task WriteResultsAsync(CancellationToken stoppingToken)
    {
        var batch = new List<AttemptResult>(1000);
        while (await _results.Reader.WaitToReadAsync(CancellationToken.None))
        {
            while (batch.Count < 1000 && _results.Reader.TryRead(out var result))
            {
                batch.Add(result);
            }
            for (var failures = 0; ; failures++)
            {
                try
                {
                    await _store.WriteAsync(_owner, batch, _options.DisableAfter, CancellationToken.None);
                    break;
                }
                catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
                {
                    if (stoppingToken.IsCancellationRequested && failures > 3)
                    {
                        // Not recorded: the deliveries are leased and will be attempted again. At least once, never lost.
                        LogWriteAbandoned(_logger, ex, batch.Count);
                        break;
                    }
                    var delay = TimeSpan.FromMilliseconds(Math.Min(5000, 100 * Math.Pow(2, Math.Min(failures, 10))));
                    LogWriteFailed(_logger, ex, batch.Count, delay.TotalMilliseconds);
                    await Task.Delay(delay, CancellationToken.None);
                }
            }
            batch.Clear();
        }
    }

    private async Task MeasureBacklogAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var (count, age) = await _store.BacklogAsync(stoppingToken);
                _metrics.Backlog(count, age);
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                LogBacklogFailed(_logger, ex);
            }
            await Task.Delay(_options.BacklogInterval, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private static T? Find<T>(Exception exception) where T : Exception
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is T found)
            {
                return found;
            }
        }
        return null;
    }

    private sealed class EndpointSlots
    {
        public int Held;
        public int Running;
        public readonly Queue<DueDelivery> Waiting = new();
    }

    [LoggerMessage(EventId = 20, EventName = "DeliveryLeasesReleased", Level = LogLevel.Information,
        Message = "Released {Count} delivery leases that {Owner}'s previous process held")]
    private static partial void LogLeasesReleased(ILogger logger, int count, string owner);

    [LoggerMessage(EventId = 21, EventName = "DeliveryLeaseFailed", Level = LogLevel.Warning,
        Message = "Leasing due deliveries failed; retrying in {DelayMs} ms")]
    private static partial void LogLeaseFailed(ILogger logger, Exception exception, double delayMs);

    [LoggerMessage(EventId = 22, EventName = "DeliveryAttemptCrashed", Level = LogLevel.Error,
        Message = "Attempt of event {EventId} to endpoint {EndpointId} failed unexpectedly; its lease will run out and it is attempted again")]
    private static partial void LogAttemptCrashed(ILogger logger, Exception exception, string eventId, string endpointId);

    [LoggerMessage(EventId = 23, EventName = "DeliveryWriteFailed", Level = LogLevel.Warning,
        Message = "Recording {Count} attempts failed; retrying in {DelayMs} ms")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, int count, double delayMs);

    [LoggerMessage(EventId = 24, EventName = "DeliveryWriteAbandoned", Level = LogLevel.Warning,
        Message = "Shutting down with {Count} attempts unrecorded; they will be attempted again")]
    private static partial void LogWriteAbandoned(ILogger logger, Exception exception, int count);

    [LoggerMessage(EventId = 25, EventName = "DeliveryBacklogFailed", Level = LogLevel.Debug, Message = "Measuring the backlog failed")]
    private static partial void LogBacklogFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 26, EventName = "DeliveryPrivateNetworksAllowed", Level = LogLevel.Warning,
        Message = "Webhook deliveries may connect to loopback, private and link-local addresses (Development or Notify:Delivery:AllowPrivateNetworks)")]
    private static partial void LogPrivateAllowed(ILogger logger);
}
