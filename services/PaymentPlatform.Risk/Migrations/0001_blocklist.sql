-- Values that make risk block at once. Values are stored normalized (handles lowercase, IPs canonical).
CREATE TABLE blocklist (
    id         text PRIMARY KEY,
    kind       text NOT NULL CHECK (kind IN ('card_fingerprint', 'handle', 'ip', 'merchant')),
    value      text NOT NULL CHECK (length(value) BETWEEN 1 AND 256),
    reason     text,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (kind, value)
);
