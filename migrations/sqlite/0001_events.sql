-- The event log: one row per event, a global position in commit order.
CREATE TABLE IF NOT EXISTS events (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
    stream_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    event_type TEXT NOT NULL,
    schema_version INTEGER NOT NULL,
    payload TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    UNIQUE (stream_id, version)
);

-- The first result of each idempotent append (Discord interaction id, Slack event id,
-- web message id).
CREATE TABLE IF NOT EXISTS idempotency_keys (
    key TEXT PRIMARY KEY,
    stream_id TEXT NOT NULL,
    first_version INTEGER NOT NULL,
    last_version INTEGER NOT NULL,
    first_position INTEGER NOT NULL,
    last_position INTEGER NOT NULL,
    recorded_at TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS projection_checkpoints (
    name TEXT PRIMARY KEY,
    position INTEGER NOT NULL
);

-- Read model: the interview list.
CREATE TABLE IF NOT EXISTS interview_list (
    stream_id TEXT PRIMARY KEY,
    interview_id TEXT NOT NULL,
    platform TEXT NOT NULL,
    server TEXT NOT NULL,
    place TEXT NOT NULL,
    candidate_id TEXT NOT NULL,
    candidate_name TEXT NOT NULL,
    problem_title TEXT NOT NULL,
    phase TEXT NOT NULL,
    started_at TEXT NOT NULL,
    ended_at TEXT,
    last_score INTEGER,
    submissions INTEGER NOT NULL,
    hints_used INTEGER NOT NULL,
    tokens_used INTEGER NOT NULL,
    last_position INTEGER NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS interview_list_id ON interview_list (interview_id);
CREATE INDEX IF NOT EXISTS interview_list_started ON interview_list (started_at);
CREATE INDEX IF NOT EXISTS interview_list_candidate ON interview_list (candidate_id);
