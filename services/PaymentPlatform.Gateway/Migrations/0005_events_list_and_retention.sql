-- The events API pages on (created_at, id) per merchant, optionally of one type (Events/EventStore.cs),
-- and the retention job deletes the oldest relayed rows first (Events/EventRetention.cs).
CREATE INDEX events_merchant_created_id ON events (merchant_id, created_at DESC, id DESC);
CREATE INDEX events_merchant_type_created_id ON events (merchant_id, type, created_at DESC, id DESC);
CREATE INDEX events_relayed_created ON events (created_at) WHERE relayed_at IS NOT NULL;
-- Superseded by events_merchant_created_id (same leading columns).
DROP INDEX events_merchant_created;
