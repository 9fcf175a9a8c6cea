-- Deliveries (issue 11): one per event and matching endpoint, written in the same statement as
-- the event, before the stream entry is acknowledged.

ALTER TABLE endpoints
    -- A secret roll keeps the previous secret until it expires; deliveries are signed with both.
    ADD COLUMN previous_secret_ciphertext  bytea,
    ADD COLUMN previous_secret_expires_at  timestamptz,
    -- Why the endpoint was disabled (410 Gone, failing too long), for the merchant to see.
    ADD COLUMN disabled_reason             text,
    ADD COLUMN disabled_at                 timestamptz,
    -- Set on the first failure after a success, cleared by the next success.
    ADD COLUMN failing_since               timestamptz,
    -- 429/502/504 and Retry-After: no attempt to this endpoint before then.
    ADD COLUMN paused_until                timestamptz,
    ADD COLUMN deleted_at                  timestamptz,
    -- Attempts per second to this endpoint; null: the configured default (none unless set).
    ADD COLUMN rate_limit                  integer CHECK (rate_limit > 0);

CREATE TABLE deliveries (
    event_id            text        NOT NULL REFERENCES events (event_id),
    endpoint_id         text        NOT NULL REFERENCES endpoints (id),
    merchant_id         text        NOT NULL,
    status              text        NOT NULL DEFAULT 'pending'
                                    CHECK (status IN ('pending', 'succeeded', 'exhausted', 'canceled')),
    -- Every attempt ever made; the schedule position restarts when the delivery is replayed.
    attempt_count       integer     NOT NULL DEFAULT 0,
    schedule_index      integer     NOT NULL DEFAULT 0,
    next_attempt_at     timestamptz,
    -- A replica that took the delivery holds it until then; a crashed replica's lease runs out.
    leased_until        timestamptz,
    leased_by           text,
    last_attempt_at     timestamptz,
    last_response_code  integer,
    last_latency_ms     integer,
    last_error          text,
    created_at          timestamptz NOT NULL DEFAULT now(),
    completed_at        timestamptz,
    PRIMARY KEY (event_id, endpoint_id)
);

CREATE INDEX deliveries_due ON deliveries (endpoint_id, next_attempt_at) WHERE status = 'pending';
CREATE INDEX deliveries_exhausted ON deliveries (merchant_id, completed_at) WHERE status = 'exhausted';

CREATE TABLE delivery_attempts (
    id             bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id       text        NOT NULL,
    endpoint_id    text        NOT NULL,
    attempt        integer     NOT NULL,
    attempted_at   timestamptz NOT NULL,
    outcome        text        NOT NULL,
    response_code  integer,
    latency_ms     integer     NOT NULL,
    error          text,
    FOREIGN KEY (event_id, endpoint_id) REFERENCES deliveries (event_id, endpoint_id)
);

CREATE INDEX delivery_attempts_delivery ON delivery_attempts (event_id, endpoint_id, attempt);
