using System.Collections.Concurrent;

namespace PaymentPlatform.Load.Scenarios.Payments;

/// <summary>What the gateway told the client, kept for the end-of-run verification.</summary>
public sealed class AcknowledgedPayments
{
    private readonly ConcurrentDictionary<string, Expected> _byId = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _duplicateIds = new();
    private readonly ConcurrentQueue<string> _retryMismatches = new();
    private long _retries;
    private long _retriesMatched;

    public sealed record Expected(int Merchant, string IdempotencyKey, string Status);

    public IReadOnlyDictionary<string, Expected> ById => _byId;

    public IReadOnlyCollection<string> DuplicateIds => _duplicateIds;

    public IReadOnlyCollection<string> RetryMismatches => _retryMismatches;

    public long Retries => Interlocked.Read(ref _retries);

    public long RetriesMatched => Interlocked.Read(ref _retriesMatched);

    /// <summary>A payment the gateway acknowledged under a new key; a second key answered with the same id is a duplicate.</summary>
    public void Created(string id, Expected expected)
    {
        if (!_byId.TryAdd(id, expected))
        {
            _duplicateIds.Enqueue($"{id} for keys {_byId[id].IdempotencyKey} and {expected.IdempotencyKey}");
        }
    }

    /// <summary>The client was since told a new status (after a capture or a refund).</summary>
    public void Moved(string id, string status) => _byId.AddOrUpdate(id, _ => throw new InvalidOperationException($"Unknown payment {id}."), (_, e) => e with { Status = status });

    public void Retried(string idempotencyKey, string firstId, string? retryId)
    {
        Interlocked.Increment(ref _retries);
        if (string.Equals(firstId, retryId, StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _retriesMatched);
        }
        else
        {
            _retryMismatches.Enqueue($"key {idempotencyKey}: first {firstId}, retry {retryId ?? "(no payment)"}");
        }
    }
}
