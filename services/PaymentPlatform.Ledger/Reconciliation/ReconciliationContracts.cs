namespace PaymentPlatform.Ledger.Reconciliation;

/// <summary>A ledger's balances summed over its accounts; <c>balanced</c> when debits equal credits and both equal its postings.</summary>
public sealed record LedgerTotals(string Ledger, long DebitsPending, long DebitsPosted, long CreditsPending, long CreditsPosted, bool Balanced);

/// <summary>
/// The answer of one reconciliation run. It checks what is new since the last run's checkpoint: the accounts
/// touched by the transfers committed since (<c>transfers_checked</c>, <c>accounts_checked</c>), every account
/// found mismatched before, and each ledger's sums of balances against the sums of all its postings.
/// </summary>
public sealed record ReconciliationResponse(
    bool Balanced,
    IReadOnlyList<LedgerTotals> Ledgers,
    int AccountsChecked,
    IReadOnlyList<string> MismatchedAccounts,
    long TransfersChecked,
    long TransfersCheckedInTotal,
    IReadOnlyList<string> HoldsResolvedTwice,
    IReadOnlyList<string> NegativePending,
    DateTimeOffset CheckedAt)
{
    /// <summary>Each kind of violation found, with how many.</summary>
    public IReadOnlyDictionary<string, int> Violations() => new Dictionary<string, int>
    {
        ["ledger_unbalanced"] = Ledgers.Count(l => !l.Balanced),
        ["account_mismatch"] = MismatchedAccounts.Count,
        ["hold_resolved_twice"] = HoldsResolvedTwice.Count,
        ["negative_pending"] = NegativePending.Count,
    }.Where(v => v.Value > 0).ToDictionary();
}
