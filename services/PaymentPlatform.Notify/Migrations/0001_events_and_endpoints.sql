-- Events received from the gateway's stream, once each by event id (contracts.md, "The event path").
-- No CHECK on type: an event of a type this version does not know is still recorded, not lost.
CREATE TABLE events (
    event_id     text        PRIMARY KEY,
    type         text        NOT NULL,
    merchant_id  text        NOT NULL,
    payload      jsonb       NOT NULL,
    traceparent  text,
    -- The stream entry that first delivered it; a re-sent duplicate has another id and is dropped.
    stream_id    text        NOT NULL,
    -- When the gateway wrote the event (its outbox row).
    created_at   timestamptz,
    received_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX events_merchant_received ON events (merchant_id, received_at DESC);

-- Webhook endpoints; deliveries arrive with the notify issue.
CREATE TABLE endpoints (
    id                 text        PRIMARY KEY CHECK (id ~ '^we_[a-z0-9]+$'),
    merchant_id        text        NOT NULL,
    url                text        NOT NULL,
    enabled_events     text[]      NOT NULL,
    description        text,
    status             text        NOT NULL DEFAULT 'enabled' CHECK (status IN ('enabled', 'disabled')),
    -- AES-GCM: version (1) | nonce (12) | tag (16) | ciphertext. Never the plain secret.
    secret_ciphertext  bytea       NOT NULL,
    created_at         timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX endpoints_merchant_created ON endpoints (merchant_id, created_at);
