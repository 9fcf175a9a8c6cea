-- Capture, cancel and refunds (issue 10, "Payments"). Money is bigint minor units.
ALTER TABLE payments
    ADD COLUMN amount_captured       bigint NOT NULL DEFAULT 0 CHECK (amount_captured >= 0),
    -- The fee sent to the ledger with the capture (the gateway's fee rule).
    ADD COLUMN fee                   bigint NOT NULL DEFAULT 0 CHECK (fee >= 0),
    ADD COLUMN amount_refunded       bigint NOT NULL DEFAULT 0 CHECK (amount_refunded >= 0),
    -- Refunds reserved but not yet answered by the ledger (a recovery point, see the README).
    ADD COLUMN amount_refund_pending bigint NOT NULL DEFAULT 0 CHECK (amount_refund_pending >= 0),
    ADD COLUMN cancellation_reason   text,
    ADD CONSTRAINT payments_captured_within_amount CHECK (amount_captured <= amount),
    ADD CONSTRAINT payments_fee_within_captured CHECK (fee <= amount_captured),
    ADD CONSTRAINT payments_refunds_within_captured CHECK (amount_refunded + amount_refund_pending <= amount_captured);

CREATE TABLE refunds (
    id               text        PRIMARY KEY CHECK (id ~ '^re_[a-z0-9]+$'),
    payment_id       text        NOT NULL REFERENCES payments (id),
    merchant_id      text        NOT NULL,
    amount           bigint      NOT NULL CHECK (amount > 0),
    currency         text        NOT NULL CHECK (currency ~ '^[a-z]{3}$'),
    status           text        NOT NULL CHECK (status IN ('pending', 'succeeded')),
    -- The merchant's Idempotency-Key, when one was sent; the refund id is derived from it.
    idempotency_key  text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX refunds_payment_created ON refunds (payment_id, created_at);
CREATE INDEX refunds_merchant_created ON refunds (merchant_id, created_at DESC);
