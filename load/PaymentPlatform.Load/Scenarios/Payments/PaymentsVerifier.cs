using System.Collections.Concurrent;
using PaymentPlatform.Load.Reporting;
using PaymentPlatform.Load.Verification;

namespace PaymentPlatform.Load.Scenarios.Payments;

/// <summary>
/// The end-of-run checks. Through the public API: creates whose answer was lost are retried with
/// their key; every acknowledged payment exists, once, with the status the client was last told;
/// every retry answered the first payment; each merchant holds exactly the payments it was told of.
/// Then, given <paramref name="platform"/> and the run's <paramref name="mix"/> (which says what each
/// payment asked for), the platform-side checks of <see cref="PaymentsVerification"/>: ledger
/// postings, balances and reconciliation, webhook deliveries, and a tagged merchant's traces.
/// </summary>
public sealed class PaymentsVerifier(GatewayClient gateway, LoadMerchants merchants, PaymentsScenario scenario, PaymentMix? mix = null, PaymentsVerification? platform = null)
{
    private const int Parallelism = 16;

    /// <summary>Longer than the idempotency lease (10 s) plus the completer's wait for an untouched request (30 s).</summary>
    private static readonly TimeSpan ResolveTimeout = TimeSpan.FromSeconds(90);

    public async Task<IReadOnlyList<VerificationCheck>> VerifyAsync(CancellationToken cancellationToken)
    {
        var acknowledged = scenario.Acknowledged;
        var resolution = await ResolveEachAsync(scenario.Lost.ToList(), async (item, ct) =>
        {
            if (await scenario.ResolveAsync(item, ct).ConfigureAwait(false) is not { } payment)
            {
                return false;
            }
            scenario.Acknowledged.Created(payment.Id, new AcknowledgedPayments.Expected(item.Plan.Merchant, item.Key, payment.Status));
            return true;
        }, item => $"key {item.Key}", cancellationToken).ConfigureAwait(false);
        // Then the captures and refunds whose answer was lost: once answered, the client knows the payment's state.
        var followUps = await ResolveEachAsync(scenario.LostFollowUps.ToList(), scenario.ResolveAsync, item => $"key {item.Key}", cancellationToken).ConfigureAwait(false);
        var expected = platform is not null && mix is not null ? ExpectedPayment.From(acknowledged, mix, scenario.Lost.Select(l => l.Key)) : null;
        if (expected is not null)
        {
            // Before the read-back: its requests would push the sampled payments' traces out of the dashboard's bounded store.
            await platform!.VerifyTracesFirstAsync(expected, cancellationToken).ConfigureAwait(false);
        }
        var (found, mismatches) = await ReadBackAsync(acknowledged, cancellationToken).ConfigureAwait(false);
        var listed = await ListedAsync(cancellationToken).ConfigureAwait(false);
        var unlisted = acknowledged.ById.Keys.Where(id => !listed.Payments.ContainsKey(id)).Select(id => $"{id} not listed").ToList();
        var extra = listed.Payments.Where(p => !acknowledged.ById.ContainsKey(p.Key)).ToList();
        var extraByStatus = string.Join(", ", extra.GroupBy(p => p.Value).Select(g => $"{g.Key} x{g.Count()}"));

        var total = acknowledged.ById.Count;
        IReadOnlyList<VerificationCheck> platformChecks = expected is not null
            ? await platform!.VerifyAsync(expected, cancellationToken).ConfigureAwait(false)
            : [];
        return
        [
            new("creates whose answer was lost resolve to one payment when retried with their key", resolution.Unresolved.IsEmpty,
                $"{resolution.Resolved} of {resolution.Total} resolved{Examples(resolution.Unresolved)}",
                new Dictionary<string, long> { ["lost"] = resolution.Total, ["resolved"] = resolution.Resolved, ["unresolved"] = resolution.Unresolved.Count }),
            new("captures and refunds whose answer was lost get a final answer when retried with their key", followUps.Unresolved.IsEmpty,
                $"{followUps.Resolved} of {followUps.Total} resolved{Examples(followUps.Unresolved)}",
                new Dictionary<string, long> { ["lost"] = followUps.Total, ["resolved"] = followUps.Resolved, ["unresolved"] = followUps.Unresolved.Count }),
            new("every acknowledged payment reads back with the status the client was told", total > 0 && mismatches.IsEmpty,
                $"{found} of {total} found{Examples(mismatches)}",
                new Dictionary<string, long> { ["acknowledged"] = total, ["found"] = found, ["mismatches"] = mismatches.Count }),
            new("retries with the same key answered the same payment", acknowledged.RetryMismatches.Count == 0,
                $"{acknowledged.RetriesMatched} of {acknowledged.Retries} retries matched{Examples(acknowledged.RetryMismatches)}",
                new Dictionary<string, long> { ["retries"] = acknowledged.Retries, ["matched"] = acknowledged.RetriesMatched }),
            new("no payment was acknowledged under two idempotency keys", acknowledged.DuplicateIds.Count == 0,
                $"{total} distinct payments{Examples(acknowledged.DuplicateIds)}",
                new Dictionary<string, long> { ["payments"] = total, ["duplicates"] = acknowledged.DuplicateIds.Count }),
            new("every acknowledged payment is in its merchant's list, once", listed.Failures.IsEmpty && unlisted.Count == 0 && listed.Duplicates == 0,
                $"{listed.Payments.Count} listed across {merchants.Count} merchants, {listed.Duplicates} listed twice{Examples(unlisted)}{Examples(listed.Failures)}",
                new Dictionary<string, long> { ["listed"] = listed.Payments.Count, ["listed_twice"] = listed.Duplicates, ["unlisted"] = unlisted.Count }),
            new("no merchant lists a payment the client was never told of", extra.Count == 0,
                extra.Count == 0 ? "none" : $"{extra.Count} untold payments by status: {extraByStatus}; e.g. {string.Join(", ", extra.Take(5).Select(p => p.Key))}",
                new Dictionary<string, long> { ["untold"] = extra.Count }),
            .. platformChecks,
        ];
    }

    /// <summary>
    /// Asks again with each lost key, as a merchant would, until <paramref name="tryResolve"/> gets a final
    /// answer: the first request may still hold the key (409 <c>idempotency_key_in_use</c> for its lease) or
    /// be left to the completer, so a key gets several tries, a second apart, within <see cref="ResolveTimeout"/>.
    /// </summary>
    private static async Task<(int Total, int Resolved, ConcurrentQueue<string> Unresolved)> ResolveEachAsync<T>(
        IReadOnlyList<T> lost, Func<T, CancellationToken, Task<bool>> tryResolve, Func<T, string> describe, CancellationToken cancellationToken)
    {
        var unresolved = new ConcurrentQueue<string>();
        var resolved = 0;
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        await Parallel.ForEachAsync(lost, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, async (item, ct) =>
        {
            var last = "still no final answer";
            while (true)
            {
                try
                {
                    if (await tryResolve(item, ct).ConfigureAwait(false))
                    {
                        Interlocked.Increment(ref resolved);
                        return;
                    }
                    last = "still no final answer";
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
                {
                    last = ex.GetType().Name;
                }
                if (deadline.Elapsed >= ResolveTimeout)
                {
                    unresolved.Enqueue($"{describe(item)}: {last} after {ResolveTimeout.TotalSeconds:0} s of asking again");
                    return;
                }
                await Task.Delay(TimeSpan.FromSeconds(1), ct).ConfigureAwait(false);
            }
        }).ConfigureAwait(false);
        return (lost.Count, resolved, unresolved);
    }

    private async Task<(long Found, ConcurrentQueue<string> Mismatches)> ReadBackAsync(AcknowledgedPayments acknowledged, CancellationToken cancellationToken)
    {
        var mismatches = new ConcurrentQueue<string>();
        long found = 0;
        await Parallel.ForEachAsync(acknowledged.ById, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, async (entry, ct) =>
        {
            var (id, expected) = (entry.Key, entry.Value);
            try
            {
                var answer = await gateway.GetPaymentAsync(merchants[expected.Merchant].SecretKey, id, ct).ConfigureAwait(false);
                if (answer.Value is { } payment)
                {
                    Interlocked.Increment(ref found);
                    if (payment.Status != expected.Status)
                    {
                        mismatches.Enqueue($"{id}: told {expected.Status}, reads {payment.Status}");
                    }
                }
                else
                {
                    mismatches.Enqueue($"{id}: GET answered {answer.Kind}");
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
            {
                mismatches.Enqueue($"{id}: GET failed ({ex.GetType().Name})");
            }
        }).ConfigureAwait(false);
        return (found, mismatches);
    }

    /// <summary>Every payment the run's merchants list (they are new, so all are this run's), with its status.</summary>
    private async Task<(ConcurrentDictionary<string, string> Payments, long Duplicates, ConcurrentQueue<string> Failures)> ListedAsync(CancellationToken cancellationToken)
    {
        var payments = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var failures = new ConcurrentQueue<string>();
        long duplicates = 0;
        await Parallel.ForAsync(0, merchants.Count, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, async (m, ct) =>
        {
            string? after = null;
            try
            {
                while (true)
                {
                    var page = await gateway.ListPaymentsAsync(merchants[m].SecretKey, after, ct).ConfigureAwait(false);
                    if (page.Value is null)
                    {
                        failures.Enqueue($"merchant #{m}: list answered {page.Kind}");
                        return;
                    }
                    foreach (var payment in page.Value.Data)
                    {
                        if (!payments.TryAdd(payment.Id, payment.Status))
                        {
                            Interlocked.Increment(ref duplicates);
                        }
                    }
                    if (!page.Value.HasMore || page.Value.Data.Count == 0)
                    {
                        return;
                    }
                    after = page.Value.Data[^1].Id;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
            {
                failures.Enqueue($"merchant #{m}: list failed ({ex.GetType().Name})");
            }
        }).ConfigureAwait(false);
        return (payments, duplicates, failures);
    }

    private static string Examples(IReadOnlyCollection<string> problems) =>
        problems.Count == 0 ? "" : $"; {problems.Count} problems, e.g. {string.Join("; ", problems.Take(5))}";
}
