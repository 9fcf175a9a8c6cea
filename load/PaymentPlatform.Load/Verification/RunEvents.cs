using System.Collections.Concurrent;
using System.Text.Json;
using PaymentPlatform.Load.Scenarios.Payments;

namespace PaymentPlatform.Load.Verification;

/// <summary>
/// Every event of the run's merchants, listed through the public events API (<c>GET /v1/events</c>,
/// cursor pagination). The merchants are new, so all their events are the run's.
/// </summary>
public sealed class RunEvents
{
    private const int Parallelism = 8;

    private RunEvents(IReadOnlyList<MerchantEvent> events, IReadOnlyCollection<string> failures)
    {
        Events = events;
        Failures = failures;
    }

    public sealed record MerchantEvent(int Merchant, PlatformEvent Event);

    public IReadOnlyList<MerchantEvent> Events { get; }

    /// <summary>Merchants whose list could not be read (the events of those merchants are missing from <see cref="Events"/>).</summary>
    public IReadOnlyCollection<string> Failures { get; }

    /// <summary>Refund id to payment id, from the <c>refund.succeeded</c> events (their <c>data.object</c> is the refund).</summary>
    public IReadOnlyDictionary<string, string> RefundPayments()
    {
        var payments = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in Events.Where(e => e.Event.Type == "refund.succeeded"))
        {
            if (item.Event.Data.TryGetProperty("object", out var refund) && refund.ValueKind == JsonValueKind.Object
                && refund.TryGetProperty("id", out var id) && PaymentOf(item.Event) is { } payment)
            {
                payments.TryAdd(id.GetString()!, payment);
            }
        }
        return payments;
    }

    /// <summary>The payment an event is about: <c>data.object.id</c>, or for a refund its <c>payment</c>.</summary>
    public static string? PaymentOf(PlatformEvent platformEvent)
    {
        ArgumentNullException.ThrowIfNull(platformEvent);
        if (!platformEvent.Data.TryGetProperty("object", out var item) || item.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        var property = platformEvent.Type.StartsWith("refund.", StringComparison.Ordinal) ? "payment" : "id";
        return item.TryGetProperty(property, out var id) ? id.GetString() : null;
    }

    public static async Task<RunEvents> ListAsync(GatewayClient gateway, LoadMerchants merchants, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        ArgumentNullException.ThrowIfNull(merchants);
        var events = new ConcurrentQueue<MerchantEvent>();
        var failures = new ConcurrentQueue<string>();
        await Parallel.ForAsync(0, merchants.Count, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, async (m, ct) =>
        {
            string? after = null;
            try
            {
                while (true)
                {
                    var page = await gateway.ListEventsAsync(merchants[m].SecretKey, after, ct).ConfigureAwait(false);
                    if (page.Value is null)
                    {
                        failures.Enqueue($"merchant #{m}: GET /v1/events answered {page.Kind}");
                        return;
                    }
                    foreach (var item in page.Value.Data)
                    {
                        events.Enqueue(new MerchantEvent(m, item));
                    }
                    if (!page.Value.HasMore || page.Value.Data.Count == 0)
                    {
                        return;
                    }
                    after = page.Value.Data[^1].Id;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException)
            {
                failures.Enqueue($"merchant #{m}: GET /v1/events failed ({ex.GetType().Name})");
            }
        }).ConfigureAwait(false);
        return new RunEvents([.. events], [.. failures]);
    }
}
