using System.Diagnostics;
using PaymentPlatform.Load.Reporting;

namespace PaymentPlatform.Load.Verification;

/// <summary>
/// Every event of the run's merchants reached the merchant's endpoint on the local receiver at least
/// once, under its own id as <c>webhook-id</c>, with a valid signature. Deliveries are at-least-once,
/// so duplicates are counted, not failed. Waits for the stragglers (a condition with a time-out).
/// </summary>
public sealed class WebhookVerifier(WebhookReceiver receiver, TimeSpan timeout)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);

    public const string Name = "every event reached the merchant's webhook endpoint, signed";

    public async Task<VerificationCheck> VerifyAsync(RunEvents events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        var waited = Stopwatch.StartNew();
        var missing = Missing(events);
        while (missing.Count > 0 && waited.Elapsed < timeout)
        {
            await Task.Delay(Poll, cancellationToken).ConfigureAwait(false);
            missing = Missing(events);
        }

        var listed = events.Events.Select(e => (e.Merchant, e.Event.Id)).ToHashSet();
        var delivered = events.Events.Count - missing.Count;
        var duplicates = events.Events.Sum(e => Math.Max(0, receiver.ValidDeliveries(e.Merchant, e.Event.Id) - 1));
        var unknown = receiver.Delivered.Where(d => !listed.Contains(d)).ToList();
        var bad = receiver.Invalid;
        var problems = new List<string>();
        problems.AddRange(missing.Take(5).Select(e => $"{e.Event.Id} ({e.Event.Type}, merchant #{e.Merchant}) never arrived signed"));
        problems.AddRange(bad.Take(5));
        problems.AddRange(unknown.Take(5).Select(d => $"merchant #{d.Merchant} got {d.EventId}, which its events list does not hold"));
        problems.AddRange(events.Failures);
        var passed = events.Events.Count > 0 && missing.Count == 0 && bad.Count == 0 && unknown.Count == 0 && events.Failures.Count == 0;
        return new VerificationCheck(Name, passed,
            $"{events.Events.Count} events, {delivered} delivered, {duplicates} duplicates (allowed: at-least-once), {missing.Count} missing, " +
            $"{bad.Count} bad signatures, {unknown.Count} unknown; {receiver.Received} deliveries received ({receiver.Unverifiable} to merchants whose endpoint secret is unknown), " +
            $"{(missing.Count == 0 ? $"all within {waited.Elapsed.TotalSeconds:0.0} s of the check" : $"gave up after {timeout.TotalSeconds:0} s")}" +
            (problems.Count == 0 ? "" : $"; e.g. {string.Join("; ", problems.Take(8))}"),
            new Dictionary<string, long>
            {
                ["events"] = events.Events.Count, ["delivered"] = delivered, ["duplicates"] = duplicates, ["missing"] = missing.Count,
                ["bad_signatures"] = bad.Count, ["unknown"] = unknown.Count, ["received"] = receiver.Received, ["unverifiable"] = receiver.Unverifiable,
            });
    }

    private List<RunEvents.MerchantEvent> Missing(RunEvents events) =>
        [.. events.Events.Where(e => receiver.ValidDeliveries(e.Merchant, e.Event.Id) == 0)];
}
