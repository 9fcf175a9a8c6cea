namespace PaymentPlatform.Ledger.Reconciliation;

/// <summary>The statements of a reconciliation run (<see cref="ReconciliationStore"/>).</summary>
internal static class ReconciliationSql
{
    /// <summary>
    /// Per account touched by a new transfer, or found mismatched before: the sums at the checkpoint, the change of
    /// the new transfers (a resolution releases its whole hold from pending; a post adds its amount to posted), the
    /// balances now, and the number of new transfers.
    /// </summary>
    public static string TouchedAccounts(string isNew) => $"""
        WITH new AS MATERIALIZED (
            SELECT t.debit_account_id, t.credit_account_id, t.amount, t.kind, t.pending_id FROM transfers t WHERE {isNew}),
        effects AS (
            SELECT n.debit_account_id AS debit, n.credit_account_id AS credit,
                   CASE WHEN n.kind = 'pending' THEN n.amount WHEN n.pending_id IS NOT NULL THEN -h.amount ELSE 0 END AS pending,
                   CASE WHEN n.kind IN ('single_phase', 'post_pending') THEN n.amount ELSE 0 END AS posted
            FROM new n LEFT JOIN transfers h ON h.id = n.pending_id),
        delta AS (
            SELECT account_id, sum(dpn)::bigint AS dpn, sum(dps)::bigint AS dps, sum(cpn)::bigint AS cpn, sum(cps)::bigint AS cps FROM (
                SELECT debit AS account_id, pending AS dpn, posted AS dps, 0 AS cpn, 0 AS cps FROM effects
                UNION ALL
                SELECT credit, 0, 0, pending, posted FROM effects) e
            GROUP BY account_id),
        checked AS (
            SELECT account_id FROM delta
            UNION
            SELECT account_id FROM reconciliation_accounts WHERE mismatched)
        SELECT a.id, a.ledger,
               coalesce(r.debits_pending, 0), coalesce(r.debits_posted, 0), coalesce(r.credits_pending, 0), coalesce(r.credits_posted, 0),
               coalesce(d.dpn, 0), coalesce(d.dps, 0), coalesce(d.cpn, 0), coalesce(d.cps, 0),
               a.debits_pending, a.debits_posted, a.credits_pending, a.credits_posted,
               (SELECT count(*) FROM new)
        FROM checked c
        JOIN accounts a ON a.id = c.account_id
        LEFT JOIN delta d ON d.account_id = c.account_id
        LEFT JOIN reconciliation_accounts r ON r.account_id = c.account_id
        """;

    /// <summary>Holds that a new resolution resolves although another transfer resolved them too.</summary>
    public static string HoldsResolvedTwice(string isNew) => $"""
        SELECT DISTINCT t.pending_id FROM transfers t
        WHERE {isNew} AND t.pending_id IS NOT NULL
          AND EXISTS (SELECT 1 FROM transfers r WHERE r.pending_id = t.pending_id AND r.id <> t.id)
        """;

    public const string BalancesByLedger = """
        SELECT ledger, sum(debits_pending)::bigint, sum(debits_posted)::bigint, sum(credits_pending)::bigint, sum(credits_posted)::bigint
        FROM accounts GROUP BY ledger
        """;

    public const string PostingsByLedger = "SELECT ledger, debits_pending, debits_posted, credits_pending, credits_posted FROM reconciliation_ledgers";

    public const string SaveAccounts = """
        INSERT INTO reconciliation_accounts (account_id, debits_pending, debits_posted, credits_pending, credits_posted, mismatched)
        SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::boolean[])
        ON CONFLICT (account_id) DO UPDATE SET
            debits_pending = excluded.debits_pending, debits_posted = excluded.debits_posted,
            credits_pending = excluded.credits_pending, credits_posted = excluded.credits_posted, mismatched = excluded.mismatched
        """;

    public const string SaveLedgers = """
        INSERT INTO reconciliation_ledgers (ledger, debits_pending, debits_posted, credits_pending, credits_posted)
        SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[])
        ON CONFLICT (ledger) DO UPDATE SET
            debits_pending = excluded.debits_pending, debits_posted = excluded.debits_posted,
            credits_pending = excluded.credits_pending, credits_posted = excluded.credits_posted
        """;

    public const string SaveCheckpoint = """
        INSERT INTO reconciliation_checkpoint (id, snapshot, transfers_checked, checked_at)
        VALUES (1, $1::text::pg_snapshot, $2, now())
        ON CONFLICT (id) DO UPDATE SET snapshot = excluded.snapshot, transfers_checked = excluded.transfers_checked, checked_at = excluded.checked_at
        """;
}
