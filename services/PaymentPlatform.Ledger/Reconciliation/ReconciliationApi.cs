using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using PaymentPlatform.ServiceDefaults;

namespace PaymentPlatform.Ledger.Reconciliation;

public sealed record LedgerTotals(string Ledger, long DebitsPending, long DebitsPosted, long CreditsPending, long CreditsPosted, bool Balanced);

/// <summary>
/// Per ledger, debits equal credits (pending and posted); and every account's balances equal
/// the sums of its transfers (<c>mismatched_accounts</c> lists those that do not).
/// </summary>
public sealed record ReconciliationResponse(bool Balanced, IReadOnlyList<LedgerTotals> Ledgers, int AccountsChecked, IReadOnlyList<string> MismatchedAccounts);

internal static class ReconciliationApi
{
    public static RouteGroupBuilder MapReconciliationApi(this RouteGroupBuilder v1)
    {
        v1.MapGet("/reconciliation", Reconcile);
        return v1;
    }

    // A full scan: fine at this size; later it runs incrementally from a checkpoint.
    public static async Task<Ok<ReconciliationResponse>> Reconcile(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // One snapshot for both queries, so a transfer committing in between cannot show as a mismatch.
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);

        var ledgers = new List<LedgerTotals>();
        await using (var totals = new NpgsqlCommand("""
            SELECT ledger, sum(debits_pending)::bigint, sum(debits_posted)::bigint, sum(credits_pending)::bigint, sum(credits_posted)::bigint
            FROM accounts GROUP BY ledger ORDER BY ledger
            """, connection))
        await using (var reader = await totals.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var (dp, dP, cp, cP) = (reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4));
                ledgers.Add(new LedgerTotals(reader.GetString(0), dp, dP, cp, cP, dp == cp && dP == cP));
            }
        }

        var checkedCount = 0;
        var mismatched = new List<string>();
        await using (var recompute = new NpgsqlCommand("""
            WITH effects AS (
                SELECT t.id, t.debit_account_id, t.credit_account_id,
                       CASE WHEN t.kind IN ('single_phase', 'post_pending') THEN t.amount ELSE 0 END AS posted,
                       CASE WHEN t.kind = 'pending' AND NOT EXISTS (SELECT 1 FROM transfers r WHERE r.pending_id = t.id) THEN t.amount ELSE 0 END AS pending
                FROM transfers t),
            sums AS (
                SELECT account_id, sum(dpn)::bigint AS dpn, sum(dps)::bigint AS dps, sum(cpn)::bigint AS cpn, sum(cps)::bigint AS cps FROM (
                    SELECT debit_account_id AS account_id, pending AS dpn, posted AS dps, 0 AS cpn, 0 AS cps FROM effects
                    UNION ALL
                    SELECT credit_account_id, 0, 0, pending, posted FROM effects) e
                GROUP BY account_id)
            SELECT a.id,
                   a.debits_pending = coalesce(s.dpn, 0) AND a.debits_posted = coalesce(s.dps, 0)
                   AND a.credits_pending = coalesce(s.cpn, 0) AND a.credits_posted = coalesce(s.cps, 0)
            FROM accounts a LEFT JOIN sums s ON s.account_id = a.id
            ORDER BY a.id
            """, connection))
        await using (var reader = await recompute.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                checkedCount++;
                if (!reader.GetBoolean(1))
                {
                    mismatched.Add(reader.GetString(0));
                }
            }
        }
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(new ReconciliationResponse(
            mismatched.Count == 0 && ledgers.All(l => l.Balanced), ledgers, checkedCount, mismatched));
    }
}
