using System.Collections.Concurrent;
using PaymentPlatform.Load.Reporting;
using PaymentPlatform.Load.Scenarios.Payments;

namespace PaymentPlatform.Load.Verification;

/// <summary>
/// The ledger side of the end-of-run verification (contracts.md, "Money in the ledger"), through the
/// ledger's internal API: each acknowledged payment's postings by their derived ids and amounts
/// (hold <c>{p}:auth</c>; on capture <c>{p}:auth:post</c>, <c>{p}:capture</c> and <c>{p}:fee</c>;
/// refunds <c>{refund_id}:refund</c>), nothing on the merchants' accounts that no payment explains,
/// each merchant's balances equal to the sums of what its client was told, and a reconciliation run.
/// </summary>
public sealed class LedgerVerifier(LedgerReader ledger, LoadMerchants merchants)
{
    private const string Currency = "usd";
    private const int Parallelism = 8;

    public async Task<IReadOnlyList<VerificationCheck>> VerifyAsync(
        IReadOnlyList<ExpectedPayment> payments, IReadOnlyDictionary<string, string> refundPayments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payments);
        ArgumentNullException.ThrowIfNull(refundPayments);
        var postingProblems = new ConcurrentQueue<string>();
        var balanceProblems = new ConcurrentQueue<string>();
        long transfersRead = 0, unexplained = 0, refundsMatched = 0;
        var byMerchant = payments.ToLookup(p => p.Merchant);
        await Parallel.ForAsync(0, merchants.Count, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, async (m, ct) =>
        {
            var merchantId = merchants[m].Id;
            var (pendingId, availableId) = (LedgerReader.MerchantPending(merchantId, Currency), LedgerReader.MerchantAvailable(merchantId, Currency));
            try
            {
                var transfers = new Dictionary<string, LedgerTransfer>(StringComparer.Ordinal);
                foreach (var transfer in (await ledger.ListTransfersAsync(pendingId, ct).ConfigureAwait(false))
                    .Concat(await ledger.ListTransfersAsync(availableId, ct).ConfigureAwait(false)))
                {
                    transfers.TryAdd(transfer.Id, transfer);
                }
                Interlocked.Add(ref transfersRead, transfers.Count);
                var mine = byMerchant[m].ToList();
                var explained = CheckPostings(mine, transfers, refundPayments, pendingId, availableId, postingProblems, ref refundsMatched);
                var left = transfers.Keys.Where(id => !explained.Contains(id)).ToList();
                Interlocked.Add(ref unexplained, left.Count);
                foreach (var id in left.Take(3))
                {
                    postingProblems.Enqueue($"merchant #{m}: transfer {id} ({transfers[id].Kind} {transfers[id].Amount}) belongs to no acknowledged payment");
                }
                await CheckBalancesAsync(m, mine, pendingId, availableId, balanceProblems, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
            {
                postingProblems.Enqueue($"merchant #{m}: the ledger could not be read ({ex.Message})");
                balanceProblems.Enqueue($"merchant #{m}: the ledger could not be read ({ex.GetType().Name})");
            }
        }).ConfigureAwait(false);

        var reconciliation = await ReconcileAsync(cancellationToken).ConfigureAwait(false);
        var held = payments.Count(p => p.Status == PaymentStatus.RequiresCapture);
        var captured = payments.Count(p => p.Captured);
        var refunded = payments.Count(p => p.Refunded > 0);
        return
        [
            new("every acknowledged payment has its ledger postings, and the merchants' accounts hold nothing else", postingProblems.IsEmpty,
                $"{payments.Count} payments ({held} held, {captured} captured, {refunded} partly refunded, {payments.Count - held - captured} without money); " +
                $"{transfersRead} transfers read, {refundsMatched} of {refunded} refunds matched, {unexplained} unexplained{Examples(postingProblems)}",
                new Dictionary<string, long> { ["payments"] = payments.Count, ["transfers"] = transfersRead, ["unexplained"] = unexplained, ["problems"] = postingProblems.Count }),
            new("each merchant's ledger balances equal the sums its client was told", balanceProblems.IsEmpty,
                $"{merchants.Count} merchants: pending holds = amounts still requires_capture, available = captured - fees (2.9% + 30) - refunds{Examples(balanceProblems)}",
                new Dictionary<string, long> { ["merchants"] = merchants.Count, ["problems"] = balanceProblems.Count }),
            reconciliation,
        ];
    }

    /// <summary>Checks each payment's transfers; answers the ids they explain.</summary>
    private static HashSet<string> CheckPostings(
        List<ExpectedPayment> payments, Dictionary<string, LedgerTransfer> transfers, IReadOnlyDictionary<string, string> refundPayments,
        string pendingId, string availableId, ConcurrentQueue<string> problems, ref long refundsMatched)
    {
        var explained = new HashSet<string>(StringComparer.Ordinal);
        var clearing = LedgerReader.CustomerClearing(Currency);
        void Expect(ExpectedPayment payment, string id, string kind, long amount, string? debit, string? credit)
        {
            explained.Add(id);
            if (!transfers.TryGetValue(id, out var transfer))
            {
                problems.Enqueue($"{payment.Id} ({payment.Status}): no transfer {id}");
            }
            else if (transfer.Kind != kind || transfer.Amount != amount || (debit is not null && transfer.DebitAccountId != debit) || (credit is not null && transfer.CreditAccountId != credit))
            {
                problems.Enqueue($"{payment.Id}: {id} is {transfer.Kind} {transfer.Amount} {transfer.DebitAccountId} -> {transfer.CreditAccountId}, expected {kind} {amount}");
            }
        }
        void Absent(ExpectedPayment payment, string id)
        {
            if (transfers.ContainsKey(id))
            {
                explained.Add(id);
                problems.Enqueue($"{payment.Id} ({payment.Status}): unexpected transfer {id}");
            }
        }

        var refundsByPayment = transfers.Values
            .Where(t => t.Id.EndsWith(":refund", StringComparison.Ordinal))
            .ToLookup(t => refundPayments.TryGetValue(t.Id[..^":refund".Length], out var payment) ? payment : "", StringComparer.Ordinal);
        foreach (var payment in payments)
        {
            var (hold, p) = ($"{payment.Id}:auth", payment.Id);
            if (payment.Status == PaymentStatus.Declined)
            {
                foreach (var id in new[] { hold, $"{p}:capture", $"{p}:fee" })
                {
                    Absent(payment, id);
                }
                continue;
            }
            Expect(payment, hold, "pending", payment.Amount, clearing, pendingId);
            if (payment.Status == PaymentStatus.RequiresCapture)
            {
                foreach (var id in new[] { $"{hold}:post", $"{hold}:void", $"{hold}:expire", $"{p}:capture", $"{p}:fee" })
                {
                    Absent(payment, id);
                }
                continue;
            }
            if (!payment.Captured)
            {
                problems.Enqueue($"{payment.Id}: status {payment.Status} is not one the load expects");
                continue;
            }
            Expect(payment, $"{hold}:post", "post_pending", payment.Amount, null, null);
            Expect(payment, $"{p}:capture", "single_phase", payment.Amount, pendingId, availableId);
            Expect(payment, $"{p}:fee", "single_phase", ExpectedPayment.FeeFor(payment.Amount), availableId, LedgerReader.Fees(Currency));
            var refunds = refundsByPayment[payment.Id].ToList();
            foreach (var refund in refunds)
            {
                explained.Add(refund.Id);
            }
            if (payment.Refunded == 0 && refunds.Count > 0)
            {
                problems.Enqueue($"{payment.Id}: refunded in the ledger ({refunds[0].Id}) but the client was told {payment.Status}");
            }
            else if (payment.Refunded > 0 && (refunds.Count != 1 || refunds[0].Amount != payment.Refunded || refunds[0].DebitAccountId != availableId || refunds[0].CreditAccountId != clearing))
            {
                problems.Enqueue($"{payment.Id}: told {payment.Refunded} refunded, the ledger has {refunds.Count} refund transfers ({string.Join(", ", refunds.Select(r => $"{r.Id} {r.Amount}"))})");
            }
            else if (payment.Refunded > 0)
            {
                Interlocked.Increment(ref refundsMatched);
            }
        }
        return explained;
    }

    private async Task CheckBalancesAsync(int m, List<ExpectedPayment> payments, string pendingId, string availableId, ConcurrentQueue<string> problems, CancellationToken cancellationToken)
    {
        var held = payments.Where(p => p.Status == PaymentStatus.RequiresCapture).Sum(p => p.Amount);
        var captured = payments.Where(p => p.Captured).Sum(p => p.Amount);
        var fees = payments.Where(p => p.Captured).Sum(p => ExpectedPayment.FeeFor(p.Amount));
        var refunded = payments.Sum(p => p.Refunded);
        var pending = await ledger.GetAccountAsync(pendingId, cancellationToken).ConfigureAwait(false) ?? new LedgerAccount(pendingId, 0, 0, 0, 0);
        var available = await ledger.GetAccountAsync(availableId, cancellationToken).ConfigureAwait(false) ?? new LedgerAccount(availableId, 0, 0, 0, 0);
        var expected = (PendingHeld: held, PendingIn: captured, PendingOut: captured, AvailableIn: captured, AvailableOut: fees + refunded, AvailablePending: 0L);
        var actual = (pending.CreditsPending, pending.CreditsPosted, pending.DebitsPosted, available.CreditsPosted, available.DebitsPosted, available.DebitsPending + available.CreditsPending);
        if (expected != actual)
        {
            problems.Enqueue($"merchant #{m}: told (held, captured, captured, captured, fees+refunds, 0) = {expected}, the ledger has {actual}");
        }
    }

    private async Task<VerificationCheck> ReconcileAsync(CancellationToken cancellationToken)
    {
        const string name = "the ledger reconciles (GET /v1/reconciliation)";
        try
        {
            var result = await ledger.ReconcileAsync(cancellationToken).ConfigureAwait(false);
            var problems = new List<string>();
            problems.AddRange(result.Ledgers.Where(l => !l.Balanced).Select(l => $"ledger {l.Ledger} unbalanced (debits {l.DebitsPosted}+{l.DebitsPending} pending, credits {l.CreditsPosted}+{l.CreditsPending} pending)"));
            problems.AddRange(result.MismatchedAccounts.Select(a => $"account {a} mismatched"));
            problems.AddRange(result.HoldsResolvedTwice.Select(h => $"hold {h} resolved twice"));
            problems.AddRange(result.NegativePending.Select(a => $"account {a} has negative pending"));
            return new VerificationCheck(name, result.Balanced && problems.Count == 0,
                $"{(result.Balanced ? "balanced" : "NOT balanced")}: {result.Ledgers.Count} ledgers, {result.AccountsChecked} accounts and {result.TransfersChecked} new transfers checked{Examples(problems)}",
                new Dictionary<string, long> { ["ledgers"] = result.Ledgers.Count, ["accounts_checked"] = result.AccountsChecked, ["transfers_checked"] = result.TransfersChecked, ["violations"] = problems.Count });
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
        {
            return new VerificationCheck(name, false, $"the reconciliation could not run: {ex.Message}");
        }
    }

    private static string Examples(IReadOnlyCollection<string> problems) =>
        problems.Count == 0 ? "" : $"; {problems.Count} problems, e.g. {string.Join("; ", problems.Take(5))}";
}
