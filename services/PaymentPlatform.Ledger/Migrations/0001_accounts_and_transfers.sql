-- The ledger in TigerBeetle's model: accounts keep four balances, transfers are immutable.
CREATE TABLE accounts (
    id                             text PRIMARY KEY,
    ledger                         text NOT NULL CHECK (ledger ~ '^[a-z]{3}$'),
    code                           text NOT NULL,
    debits_must_not_exceed_credits boolean NOT NULL DEFAULT false,
    credits_must_not_exceed_debits boolean NOT NULL DEFAULT false,
    debits_pending                 bigint NOT NULL DEFAULT 0 CHECK (debits_pending >= 0),
    debits_posted                  bigint NOT NULL DEFAULT 0 CHECK (debits_posted >= 0),
    credits_pending                bigint NOT NULL DEFAULT 0 CHECK (credits_pending >= 0),
    credits_posted                 bigint NOT NULL DEFAULT 0 CHECK (credits_posted >= 0),
    created_at                     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT accounts_flags_exclusive CHECK (NOT (debits_must_not_exceed_credits AND credits_must_not_exceed_debits)),
    -- Backstops for the limits the service checks under the row lock.
    CONSTRAINT accounts_debits_must_not_exceed_credits CHECK (NOT debits_must_not_exceed_credits OR debits_pending + debits_posted <= credits_posted),
    CONSTRAINT accounts_credits_must_not_exceed_debits CHECK (NOT credits_must_not_exceed_debits OR credits_pending + credits_posted <= debits_posted)
);

-- kind: single_phase (posted at once), pending (a hold), post_pending / void_pending (resolve a hold).
CREATE TABLE transfers (
    seq               bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    id                text PRIMARY KEY,
    debit_account_id  text NOT NULL REFERENCES accounts (id),
    credit_account_id text NOT NULL REFERENCES accounts (id),
    amount            bigint NOT NULL CHECK (amount > 0),
    ledger            text NOT NULL,
    kind              text NOT NULL CHECK (kind IN ('single_phase', 'pending', 'post_pending', 'void_pending')),
    pending_id        text,
    timeout_seconds   integer CHECK (timeout_seconds > 0),
    timeout_at        timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now(),
    CHECK (debit_account_id <> credit_account_id),
    CHECK ((kind IN ('post_pending', 'void_pending')) = (pending_id IS NOT NULL)),
    CHECK (kind = 'pending' OR timeout_seconds IS NULL)
);

-- A hold is resolved (posted or voided) at most once. pending_id has no foreign key on purpose:
-- the referential check locks the referenced row (FOR KEY SHARE), which needs the UPDATE
-- privilege this migration revokes below.
CREATE UNIQUE INDEX transfers_resolve_once ON transfers (pending_id) WHERE pending_id IS NOT NULL;
CREATE INDEX transfers_debit_account ON transfers (debit_account_id, seq);
CREATE INDEX transfers_credit_account ON transfers (credit_account_id, seq);

-- Transfers are immutable, even for the ledger's own role (which owns the table): a
-- correction is a new transfer. Balances change in accounts, in the transfer's transaction.
REVOKE UPDATE, DELETE, TRUNCATE ON transfers FROM CURRENT_USER;
