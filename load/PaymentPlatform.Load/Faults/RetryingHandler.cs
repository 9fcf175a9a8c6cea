using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace PaymentPlatform.Load.Faults;

/// <summary>
/// Retries as a real integration does (Stripe's client libraries, for example): a POST that carries an
/// <c>Idempotency-Key</c>, or a GET, is sent again with the same key after a connection error, a
/// time-out, a 5xx, a 429 or a 409 <c>idempotency_key_in_use</c>, with exponential backoff and jitter,
/// up to <paramref name="attempts"/> times and while less than <paramref name="budget"/> has passed since
/// the first attempt: a merchant whose capture got no answer keeps asking until it knows. Each attempt has
/// its own time-out. Every failed attempt that is retried goes to the <see cref="ErrorLog"/>; the last
/// one's result is what the caller sees.
/// </summary>
public sealed partial class RetryingHandler(ErrorLog log, TimeSpan attemptTimeout, int attempts, TimeSpan budget, HttpMessageHandler inner) : DelegatingHandler(inner)
{
    /// <summary>The first pause between attempts; each next one doubles up to <see cref="MaxBackoff"/>, with up to half again of jitter.</summary>
    public static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(500);

    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(4);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var retryable = request.Method == HttpMethod.Get || (request.Method == HttpMethod.Post && request.Headers.Contains("Idempotency-Key"));
        var operation = $"{request.Method} {Route(request.RequestUri)}";
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        for (var attempt = 1; ; attempt++)
        {
            var last = !retryable || attempt >= attempts || System.Diagnostics.Stopwatch.GetElapsedTime(started) >= budget;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(attemptTimeout);
            try
            {
                var response = await base.SendAsync(request, timeout.Token).ConfigureAwait(false);
                if (last || await RetryKindAsync(response, timeout.Token).ConfigureAwait(false) is not { } kind)
                {
                    return response;
                }
                response.Dispose();
                log.Attempt(kind, operation);
            }
            catch (HttpRequestException ex) when (!last && !cancellationToken.IsCancellationRequested)
            {
                log.Attempt($"connection: {ex.HttpRequestError}", operation);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                if (last)
                {
                    // As HttpClient's own time-out reports itself: a TaskCanceledException around a TimeoutException.
                    throw new TaskCanceledException($"No answer within {attemptTimeout.TotalSeconds:0.#} s.", new TimeoutException());
                }
                log.Attempt("timeout", operation);
            }
            var backoff = FirstBackoff * Math.Pow(2, Math.Min(attempt - 1, 10));
            backoff = backoff > MaxBackoff ? MaxBackoff : backoff;
            await Task.Delay(backoff + (backoff * (Random.Shared.NextDouble() / 2)), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The error's kind when the answer is worth retrying, as the scenarios name kinds ("503 risk_unavailable"); else null.</summary>
    private static async Task<string?> RetryKindAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        if (status < 500 && status != (int)HttpStatusCode.TooManyRequests && status != (int)HttpStatusCode.Conflict)
        {
            return null;
        }
        string? code = null;
        try
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            using var problem = JsonDocument.Parse(body);
            code = problem.RootElement.TryGetProperty("code", out var c) ? c.GetString()
                : problem.RootElement.TryGetProperty("type", out var t) ? t.GetString()?.TrimEnd('/').Split('/')[^1] : null;
        }
        catch (Exception ex) when (ex is JsonException or HttpRequestException or InvalidOperationException)
        {
            // Not problem+json (a proxy's or a dying process's answer): the status alone names it.
        }
        if (status == (int)HttpStatusCode.Conflict && code != "idempotency_key_in_use")
        {
            return null;
        }
        return $"{status} {code ?? "(no code)"}";
    }

    /// <summary>The route with ids replaced, so kinds group: /v1/payments/pay_123/capture is /v1/payments/{id}/capture.</summary>
    private static string Route(Uri? uri) => uri is null ? "" : string.Join('/', uri.AbsolutePath.Split('/')
        .Select(segment => ObjectId().IsMatch(segment) ? "{id}" : segment));

    /// <summary>An object id: a short prefix, an underscore and a long random part (pay_3Fq..., re_..., evt_...).</summary>
    [GeneratedRegex("^[a-z]{1,5}_[A-Za-z0-9]{8,}$")]
    private static partial Regex ObjectId();
}
