-- Ledger, part 2: reconciliation from a checkpoint instead of a full scan.

-- The transaction that wrote each transfer (its xid8, as a bigint). seq is handed out when a row is
-- inserted, not when it commits, so "seq above the checkpoint" would miss a transfer whose transaction
-- committed after a later one had been checked. A snapshot does not: a transfer is new to reconciliation
-- when its transaction was not visible in the snapshot the last check saw (pg_visible_in_snapshot).
-- A bigint, not an xid8, so that a BRIN index can cover it: transfers are appended in roughly
-- transaction order, and BRIN costs next to nothing per insert, where a B-tree would be a seventh
-- index written per transfer.
ALTER TABLE transfers ADD COLUMN xact bigint NOT NULL DEFAULT pg_current_xact_id()::text::bigint;
CREATE INDEX transfers_xact ON transfers USING brin (xact);

-- One row: the snapshot of the last check and what it has covered.
CREATE TABLE reconciliation_checkpoint (
    id                int PRIMARY KEY CHECK (id = 1),
    snapshot          pg_snapshot NOT NULL,
    transfers_checked bigint NOT NULL,
    checked_at        timestamptz NOT NULL
);

-- Per account, the sums of its postings up to the checkpoint (what its balances must be); an account
-- whose balances differed stays flagged, and is checked again on every run until it matches.
CREATE TABLE reconciliation_accounts (
    account_id      text PRIMARY KEY,
    debits_pending  bigint NOT NULL,
    debits_posted   bigint NOT NULL,
    credits_pending bigint NOT NULL,
    credits_posted  bigint NOT NULL,
    mismatched      boolean NOT NULL
);
CREATE INDEX reconciliation_accounts_mismatched ON reconciliation_accounts (account_id) WHERE mismatched;

-- Per ledger, the sums of all postings up to the checkpoint: compared with the sums of all balances,
-- which catches a balance that changed without a posting in an account no new transfer touched.
CREATE TABLE reconciliation_ledgers (
    ledger          text PRIMARY KEY,
    debits_pending  bigint NOT NULL,
    debits_posted   bigint NOT NULL,
    credits_pending bigint NOT NULL,
    credits_posted  bigint NOT NULL
);
