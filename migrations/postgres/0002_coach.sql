-- Leases on coach turns (and later deliveries): one instance works on a key at a time;
-- a dead instance's lease expires and another takes the work over.
CREATE TABLE IF NOT EXISTS leases (
    key TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    expires_at_ms BIGINT NOT NULL
);

-- Read model: tokens the coach spent per community and UTC day (daily budgets).
CREATE TABLE IF NOT EXISTS usage_daily (
    server TEXT NOT NULL,
    day TEXT NOT NULL,
    tokens BIGINT NOT NULL,
    PRIMARY KEY (server, day)
);

-- Outbox bookkeeping: which coach events have been posted to a chat platform, so each
-- reply is posted once across restarts and instances.
CREATE TABLE IF NOT EXISTS deliveries (
    key TEXT PRIMARY KEY,
    stream_id TEXT NOT NULL,
    version BIGINT NOT NULL,
    attempted_at_ms BIGINT,
    delivered_at_ms BIGINT,
    external_id TEXT
);
