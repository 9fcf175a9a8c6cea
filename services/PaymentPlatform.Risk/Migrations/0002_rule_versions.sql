-- Every rules-and-model configuration risk has run with: recorded when a replica starts with it or
-- reloads it, so a decision can be traced back to the rules in force at the time.
CREATE TABLE rule_versions (
    checksum         text PRIMARY KEY,
    options          jsonb NOT NULL,
    first_applied_at timestamptz NOT NULL DEFAULT now(),
    last_applied_at  timestamptz NOT NULL DEFAULT now()
);
