-- Payments and the transactional outbox (contracts.md, "The event path").
CREATE TABLE payments (
    id               text        PRIMARY KEY CHECK (id ~ '^pay_[a-z0-9]+$'),
    merchant_id      text        NOT NULL,
    amount           bigint      NOT NULL CHECK (amount > 0),
    currency         text        NOT NULL CHECK (currency ~ '^[a-z]{3}$'),
    status           text        NOT NULL CHECK (status IN ('requires_capture', 'succeeded', 'partially_refunded', 'refunded', 'declined', 'canceled', 'processing')),
    capture_method   text        NOT NULL CHECK (capture_method IN ('manual', 'automatic')),
    review           boolean     NOT NULL DEFAULT false,
    review_reasons   text[]      NOT NULL DEFAULT '{}',
    risk_score       double precision,
    decline_reason   text,
    -- The merchant's Idempotency-Key, when one was sent; the payment id is derived from it.
    idempotency_key  text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX payments_merchant_created ON payments (merchant_id, created_at DESC);

CREATE TABLE events (
    id           text        PRIMARY KEY CHECK (id ~ '^evt_[a-z0-9]+$'),
    -- Insertion order within one transaction (created_at is the same for every row of it).
    seq          bigint      GENERATED ALWAYS AS IDENTITY,
    type         text        NOT NULL CHECK (type IN ('payment.authorized', 'payment.captured', 'payment.canceled', 'payment.declined', 'payment.review', 'refund.succeeded')),
    merchant_id  text        NOT NULL,
    payload      jsonb       NOT NULL,
    traceparent  text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    relayed_at   timestamptz
);

-- The relay's claim query reads only this (small) partial index.
CREATE INDEX events_unrelayed ON events (created_at, seq) WHERE relayed_at IS NULL;
CREATE INDEX events_merchant_created ON events (merchant_id, created_at DESC);
