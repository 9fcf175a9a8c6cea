using System.Collections.Concurrent;
using PaymentPlatform.Directory.Addresses;

namespace PaymentPlatform.Directory.Simulation;

/// <summary>
/// The collects this replica performed, by idempotency key (the <c>Idempotency-Key</c> header, else <c>collect_id</c>):
/// a retried collect answers the first outcome and debits nothing again. Bounded: the oldest keys are forgotten first,
/// which is safe here because the simulated outcome is a function of the handle anyway.
/// </summary>
internal sealed class CollectLedger
{
    private const int Capacity = 100_000;

    private readonly ConcurrentDictionary<string, Entry> _collects = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _order = new();

    /// <summary>The first collect under <paramref name="key"/>, recording <paramref name="collect"/> when there was none.</summary>
    public (CollectResponse Response, string Fingerprint, bool Replayed) GetOrAdd(string key, string fingerprint, Func<CollectResponse> collect)
    {
        var created = false;
        if (!_collects.TryGetValue(key, out var entry))
        {
            var fresh = new Entry(collect(), fingerprint);
            entry = _collects.GetOrAdd(key, fresh);
            created = ReferenceEquals(entry, fresh);
        }
        if (created)
        {
            _order.Enqueue(key);
            while (_collects.Count > Capacity && _order.TryDequeue(out var oldest))
            {
                _collects.TryRemove(oldest, out _);
            }
        }
        Interlocked.Increment(ref entry.Requests);
        return (entry.Response, entry.Fingerprint, !created);
    }

    /// <summary>A collect and how many requests asked for it (1 = collected once, with no retry).</summary>
    public (CollectResponse Response, int Requests)? Find(string key) =>
        _collects.TryGetValue(key, out var entry) ? (entry.Response, Volatile.Read(ref entry.Requests)) : null;

    private sealed class Entry(CollectResponse response, string fingerprint)
    {
        public readonly CollectResponse Response = response;
        public readonly string Fingerprint = fingerprint;
        public int Requests;
    }
}
