-- Merchants, their API keys, and idempotency records (issue 10, "Gateway, part 1").

CREATE TABLE merchants (
    id                     text        PRIMARY KEY CHECK (id ~ '^mer_[A-Za-z0-9]{1,64}$'),
    name                   text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    -- Basis points and a fixed part in minor units, on each capture (contracts.md, "Fees").
    fee_basis_points       integer     NOT NULL DEFAULT 290 CHECK (fee_basis_points BETWEEN 0 AND 10000),
    fee_fixed              bigint      NOT NULL DEFAULT 30 CHECK (fee_fixed >= 0),
    rate_limit_per_second  integer     NOT NULL DEFAULT 100 CHECK (rate_limit_per_second > 0),
    rate_limit_burst       integer     NOT NULL DEFAULT 200 CHECK (rate_limit_burst > 0),
    created_at             timestamptz NOT NULL DEFAULT now()
);

-- Secret keys are stored only as SHA-256 hashes: a key has 192 random bits, so a fast hash is
-- enough (no dictionary to attack), and a lookup is one index probe.
CREATE TABLE api_keys (
    id           text        PRIMARY KEY CHECK (id ~ '^key_[a-z0-9]+$'),
    merchant_id  text        NOT NULL REFERENCES merchants (id),
    secret_hash  bytea       NOT NULL UNIQUE CHECK (length(secret_hash) = 32),
    livemode     boolean     NOT NULL,
    -- What dashboards show: the prefix and the last four characters, never the secret.
    redacted     text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    -- Set when the key is rolled (the overlap ends) or revoked (now).
    expires_at   timestamptz
);

CREATE INDEX api_keys_merchant ON api_keys (merchant_id);

-- One row per (merchant, Idempotency-Key): the durable truth of a keyed request. The request body
-- is never stored, only a keyed fingerprint of it (contracts.md).
CREATE TABLE idempotency_keys (
    merchant_id      text        NOT NULL,
    key              text        NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    -- e.g. "POST /v1/payments": the same key on another route is a different request.
    operation        text        NOT NULL,
    fingerprint      bytea       NOT NULL,
    -- The object the request creates or changes (pay_..., re_...), known from the first phase.
    resource_id      text,
    -- started -> the phases' own recovery points -> finished.
    recovery_point   text        NOT NULL DEFAULT 'started',
    -- Held while a request works on the key; a lock older than the lease is abandoned.
    locked_until     timestamptz,
    response_status  integer,
    -- The answer exactly as sent (text, not jsonb: a replay is the same bytes).
    response_body    text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    finished_at      timestamptz,
    PRIMARY KEY (merchant_id, key)
);

-- The completer's query: unfinished keys whose lock lapsed.
CREATE INDEX idempotency_keys_unfinished ON idempotency_keys (locked_until) WHERE finished_at IS NULL;
-- The purge's query.
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

ALTER TABLE payments
    ADD COLUMN livemode          boolean     NOT NULL DEFAULT false,
    ADD COLUMN description       text,
    ADD COLUMN metadata          jsonb       NOT NULL DEFAULT '{}',
    -- The card as the vault describes it: a token and what may be shown, never the PAN.
    ADD COLUMN card_token        text,
    ADD COLUMN card_brand        text,
    ADD COLUMN card_bin          text CHECK (card_bin ~ '^[0-9]{6}$'),
    ADD COLUMN card_last4        text CHECK (card_last4 ~ '^[0-9]{4}$'),
    ADD COLUMN card_exp_month    integer,
    ADD COLUMN card_exp_year     integer,
    ADD COLUMN card_fingerprint  text,
    -- An uncaptured authorization is canceled (reason expired) by the gateway at this time.
    ADD COLUMN expires_at        timestamptz,
    -- A capture or cancel asked of the ledger and not yet recorded here (a recovery point): the
    -- completer finishes it with the same amount and fee if the request that asked is gone.
    ADD COLUMN pending_action    text CHECK (pending_action IN ('capture', 'cancel')),
    ADD COLUMN pending_amount    bigint CHECK (pending_amount > 0),
    ADD COLUMN pending_fee       bigint CHECK (pending_fee >= 0),
    ADD COLUMN pending_reason    text,
    -- The Idempotency-Key of the request that asked for it, finished with the action.
    ADD COLUMN pending_idempotency_key text;

CREATE INDEX payments_expiring ON payments (expires_at) WHERE status = 'requires_capture';
-- The completer's queries.
CREATE INDEX payments_unfinished ON payments (updated_at) WHERE status = 'processing' OR pending_action IS NOT NULL;
CREATE INDEX refunds_pending ON refunds (updated_at) WHERE status = 'pending';
CREATE INDEX payments_merchant_status_created ON payments (merchant_id, status, created_at DESC);

ALTER TABLE refunds
    ADD COLUMN reason text CHECK (reason IN ('duplicate', 'fraudulent', 'requested_by_customer'));
