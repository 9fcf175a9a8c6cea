using PaymentPlatform.Gateway.Downstream;
using PaymentPlatform.Gateway.Infrastructure;
using PaymentPlatform.Gateway.Merchants;
using PaymentPlatform.Gateway.Payments;
using PaymentPlatform.ServiceDefaults;

namespace PaymentPlatform.Gateway.Idempotency;

/// <summary>
/// What the money-moving routes share about <c>Idempotency-Key</c>: the key's record, the Redis lock in front of
/// it, the answer to a request whose key exists (replay, 409 in flight, 422 reused, or resume abandoned work),
/// and the answer when a dependency fails mid-way (the key is let go, so a retry resumes at once).
/// </summary>
internal sealed class KeyedRequests(IdempotencyStore store, IdempotencyLock keyLock, RequestFingerprint fingerprints, GatewayMetrics metrics)
{
    public const string HeaderName = "Idempotency-Key";

    /// <summary>The request's key record, or null for a request without an Idempotency-Key.</summary>
    public IdempotencyKey? KeyFor(MerchantContext merchant, string? key, string operation, params ReadOnlySpan<string?> canonicalRequest) =>
        key is null ? null : new IdempotencyKey(merchant.MerchantId, key, operation, fingerprints.Compute(operation, canonicalRequest));

    /// <summary>False when another request holds the key right now (the caller then answers with <see cref="AnswerExistingAsync"/>).</summary>
    public ValueTask<bool> TryLockAsync(IdempotencyKey? key, CancellationToken cancellationToken) =>
        key is null ? ValueTask.FromResult(true) : keyLock.TryTakeAsync(key, cancellationToken);

    /// <summary>The answer to a request whose key exists: the first answer again, 409, 422, or the abandoned work resumed.</summary>
    public async Task<IResult> AnswerExistingAsync(
        IdempotencyKey key, Func<string?, Task<StoredResponse>> resume, CancellationToken cancellationToken) =>
        await AnswerAsync(key, await store.LookupAsync(key, cancellationToken), resume, cancellationToken);

    /// <summary>
    /// The answer to a request refused before it wrote anything (the object is not in a state that allows it): the
    /// stored answer when the key was used before (the refusal is then most likely the first request's own doing),
    /// else the refusal, which is not stored, and the key's lock is let go.
    /// </summary>
    public async Task<IResult> RefuseAsync(
        IdempotencyKey? key, StoredResponse refusal, Func<string?, Task<StoredResponse>> resume, CancellationToken cancellationToken)
    {
        if (key is null)
        {
            return refusal.ToResult();
        }
        var lookup = await store.LookupAsync(key, cancellationToken);
        if (lookup is KeyLookup.Missing)
        {
            await keyLock.ReleaseAsync(key, cancellationToken);
            return refusal.ToResult();
        }
        return await AnswerAsync(key, lookup, resume, cancellationToken);
    }

    private async Task<IResult> AnswerAsync(
        IdempotencyKey key, KeyLookup lookup, Func<string?, Task<StoredResponse>> resume, CancellationToken cancellationToken)
    {
        switch (lookup)
        {
            case KeyLookup.Replay replay:
                metrics.Idempotency("replayed");
                return replay.Response.ToResult(replayed: true);
            case KeyLookup.Mismatch:
                metrics.Idempotency("mismatch");
                return Problems.Unprocessable("idempotency_key_reused",
                    $"This Idempotency-Key was used for a different request ({key.Operation} with other parameters). Use a new key for a new request.");
            case KeyLookup.Resume resumed:
                metrics.Idempotency("resumed");
                return await RunAsync(key, resumed.ResourceId, () => resume(resumed.ResourceId), cancellationToken);
            default:
                metrics.Idempotency("in_flight");
                return Problems.Conflict("idempotency_key_in_use",
                    "A request with this Idempotency-Key is in progress. Retry after it finishes; the retry gets its answer.");
        }
    }

    /// <summary>
    /// Runs the work of a keyed (or unkeyed) request. When a dependency did not answer, the work stays at its recovery
    /// point, the key is let go so a retry resumes at once, and the answer is 503 naming the dependency (502 when it
    /// refused), with the id of the object so it can be read back.
    /// </summary>
    public async Task<IResult> RunAsync(IdempotencyKey? key, string? objectId, Func<Task<StoredResponse>> work, CancellationToken cancellationToken)
    {
        try
        {
            return (await work()).ToResult();
        }
        catch (DownstreamException ex)
        {
            if (key is not null)
            {
                await store.ReleaseAsync(key.MerchantId, key.Key, CancellationToken.None);
            }
            var problem = ex.Unavailable
                ? Problems.Create(StatusCodes.Status503ServiceUnavailable, $"{ex.Service}_unavailable", "A dependency is unavailable.",
                    $"The {ex.Service} service did not answer in time. The outcome is not final: retry with the same Idempotency-Key, or read the object back.")
                : Problems.Create(StatusCodes.Status502BadGateway, $"{ex.Service}_error", "A dependency refused the request.", ex.Message);
            if (objectId is not null)
            {
                problem.Extensions[objectId.StartsWith("re_", StringComparison.Ordinal) ? "refund_id" : "payment_id"] = objectId;
            }
            return TypedResults.Problem(problem);
        }
    }

    /// <summary>Counts a key that was new.</summary>
    public void New() => metrics.Idempotency("new");
}
