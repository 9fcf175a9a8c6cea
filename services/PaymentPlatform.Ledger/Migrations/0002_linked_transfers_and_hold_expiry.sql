-- Ledger, part 1: linked chains, hold expiry by the ledger itself, and account timestamps.

-- The flag a transfer carried in its batch (linked to the next one), kept for audit as TigerBeetle does.
ALTER TABLE transfers ADD COLUMN linked boolean NOT NULL DEFAULT false;

-- A fourth way to resolve a hold: expire_pending, written by the ledger's expirer when the hold's
-- timeout passed unresolved. The kind checks of 0001 are unnamed, so they are found by definition.
DO $$
DECLARE c text;
BEGIN
    FOR c IN SELECT conname FROM pg_constraint
             WHERE conrelid = 'transfers'::regclass AND contype = 'c' AND pg_get_constraintdef(oid) LIKE '%kind%'
    LOOP
        EXECUTE format('ALTER TABLE transfers DROP CONSTRAINT %I', c);
    END LOOP;
END $$;
ALTER TABLE transfers
    ADD CONSTRAINT transfers_kind CHECK (kind IN ('single_phase', 'pending', 'post_pending', 'void_pending', 'expire_pending')),
    ADD CONSTRAINT transfers_resolution_names_a_hold CHECK ((kind IN ('post_pending', 'void_pending', 'expire_pending')) = (pending_id IS NOT NULL)),
    ADD CONSTRAINT transfers_timeout_only_on_holds CHECK (kind = 'pending' OR timeout_seconds IS NULL);

-- The expirer looks for holds whose timeout has passed.
CREATE INDEX transfers_pending_timeout ON transfers (timeout_at) WHERE kind = 'pending';

-- Balances as of a time read an account's transfers by creation time.
CREATE INDEX transfers_debit_account_time ON transfers (debit_account_id, created_at);
CREATE INDEX transfers_credit_account_time ON transfers (credit_account_id, created_at);

-- When an account's balances last changed.
ALTER TABLE accounts ADD COLUMN updated_at timestamptz;
UPDATE accounts SET updated_at = created_at;
ALTER TABLE accounts ALTER COLUMN updated_at SET NOT NULL, ALTER COLUMN updated_at SET DEFAULT now();
