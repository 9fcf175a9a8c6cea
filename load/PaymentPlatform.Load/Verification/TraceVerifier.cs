using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using PaymentPlatform.Hosting.Dashboard.Api;
using PaymentPlatform.Load.Reporting;

namespace PaymentPlatform.Load.Verification;

/// <summary>
/// The traces of a tagged sample reached all four services, checked through the host dashboard's
/// telemetry API. The sample is the tagged merchant's most recent authorised payments: the
/// <c>payment.authorized</c> event is written in the create's transaction, so its webhook delivery
/// span (notify's <c>deliver</c> span, tagged <c>webhook.id</c>) joins the create's trace, which
/// holds the gateway's request, risk's score and the ledger's hold. The dashboard's store is bounded
/// (it evicts the oldest traces), so only a few recent payments are sampled, and the check says so.
/// </summary>
public sealed class TraceVerifier : IDisposable
{
    public static readonly string[] Services = ["gateway", "risk", "ledger", "notify"];
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(500);

    private readonly HttpClient _http;
    private readonly TimeSpan _timeout;

    public TraceVerifier(Uri dashboardUrl, string browserToken, TimeSpan timeout)
    {
        _http = new HttpClient { BaseAddress = dashboardUrl, Timeout = TimeSpan.FromSeconds(30) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", browserToken);
        _timeout = timeout;
    }

    public const string Name = "the tagged merchant's payment traces reached gateway, risk, ledger and notify";

    /// <param name="events">The run's events.</param>
    /// <param name="merchant">The tagged merchant (an index into the run's merchants).</param>
    /// <param name="sampleSize">How many of its most recent authorised payments to follow.</param>
    /// <param name="eligible">The payments whose create was answered at once (a payment finished by the completer has the completer's trace).</param>
    public async Task<VerificationCheck> VerifyAsync(RunEvents events, int merchant, int sampleSize, IReadOnlySet<string> eligible, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(eligible);
        var sample = events.Events
            .Where(e => e.Merchant == merchant && e.Event.Type == "payment.authorized" && RunEvents.PaymentOf(e.Event) is { } p && eligible.Contains(p))
            .OrderByDescending(e => e.Event.Created).ThenByDescending(e => e.Event.Id, StringComparer.Ordinal)
            .Take(sampleSize)
            .Select(e => (EventId: e.Event.Id, Payment: RunEvents.PaymentOf(e.Event) ?? "?"))
            .ToList();
        if (sample.Count == 0)
        {
            return new VerificationCheck(Name, false, $"merchant #{merchant} has no payment.authorized event of a create answered at once to follow: too few payments to sample");
        }

        var waited = Stopwatch.StartNew();
        var outcome = new Dictionary<string, string>(StringComparer.Ordinal);
        var complete = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            foreach (var (eventId, payment) in sample.Where(s => !complete.Contains(s.EventId)))
            {
                var (reached, detail) = await FollowAsync(eventId, cancellationToken).ConfigureAwait(false);
                outcome[eventId] = $"{payment}: {detail}";
                if (reached)
                {
                    complete.Add(eventId);
                }
            }
            if (complete.Count == sample.Count || waited.Elapsed >= _timeout)
            {
                break;
            }
            await Task.Delay(Poll, cancellationToken).ConfigureAwait(false);
        }

        var stats = await StatsAsync(cancellationToken).ConfigureAwait(false);
        var incomplete = sample.Where(s => !complete.Contains(s.EventId)).Select(s => outcome[s.EventId]).ToList();
        return new VerificationCheck(Name, incomplete.Count == 0,
            $"sampled the {sample.Count} most recent authorised payments of merchant #{merchant} whose create was answered at once (the store is bounded{stats}); " +
            $"{complete.Count} of {sample.Count} traces hold spans from all four services" +
            (incomplete.Count == 0 ? $", within {waited.Elapsed.TotalSeconds:0.0} s" : $" after {_timeout.TotalSeconds:0} s; {string.Join("; ", incomplete.Take(5))}"),
            new Dictionary<string, long> { ["sampled"] = sample.Count, ["complete"] = complete.Count, ["incomplete"] = incomplete.Count });
    }

    /// <summary>Finds the trace through the event's delivery span, then which services it holds.</summary>
    private async Task<(bool Reached, string Detail)> FollowAsync(string eventId, CancellationToken cancellationToken)
    {
        var spans = await _http.GetFromJsonAsync<TelemetryPage<SpanDto>>(
            $"api/telemetry/spans?resource=notify&attribute={Uri.EscapeDataString($"webhook.id={eventId}")}&limit=10", Json, cancellationToken).ConfigureAwait(false);
        if (spans is null || spans.Items.Count == 0)
        {
            return (false, $"no notify delivery span tagged webhook.id={eventId} yet");
        }
        var traceId = spans.Items[0].TraceId;
        using var response = await _http.GetAsync(new Uri($"api/telemetry/traces/{traceId}", UriKind.Relative), cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return (false, $"trace {traceId} not in the store");
        }
        response.EnsureSuccessStatusCode();
        var trace = (await response.Content.ReadFromJsonAsync<TraceDetailDto>(Json, cancellationToken).ConfigureAwait(false))!;
        var missing = Services.Where(s => !trace.Resources.Any(r => r.Resource == s)).ToList();
        return missing.Count == 0
            ? (true, $"trace {traceId}: {string.Join(", ", trace.Resources.Select(r => $"{r.Resource} {r.SpanCount}"))} spans")
            : (false, $"trace {traceId} has no spans from {string.Join(", ", missing)} (has {string.Join(", ", trace.Resources.Select(r => r.Resource))})");
    }

    private async Task<string> StatsAsync(CancellationToken cancellationToken)
    {
        try
        {
            var stats = await _http.GetFromJsonAsync<TelemetryStatsDto>("api/telemetry/stats", Json, cancellationToken).ConfigureAwait(false);
            return stats is null ? "" : $": it holds {stats.Traces} of at most {stats.MaxTraceCount} traces, {stats.TracesEvicted} evicted so far";
        }
        catch (HttpRequestException)
        {
            return "";
        }
    }

    public void Dispose() => _http.Dispose();
}
