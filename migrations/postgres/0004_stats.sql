-- Read model: member stats. One row per interview and one per code analysis, numbers
-- and ids only (never anything a member wrote), folded from the log under the
-- 'member_stats' checkpoint and rebuilt by `rebuild-projections`.
CREATE TABLE IF NOT EXISTS stats_interviews (
    stream_id TEXT PRIMARY KEY,
    member_id TEXT NOT NULL,
    server TEXT NOT NULL,
    problem_id TEXT,
    done BIGINT NOT NULL,
    hints_used BIGINT NOT NULL,
    last_position BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS stats_interviews_member ON stats_interviews (member_id);

CREATE TABLE IF NOT EXISTS stats_analyses (
    position BIGINT PRIMARY KEY,
    stream_id TEXT NOT NULL,
    member_id TEXT NOT NULL,
    server TEXT NOT NULL,
    problem_id TEXT,
    score BIGINT NOT NULL,
    communication BIGINT NOT NULL,
    problem_solving BIGINT NOT NULL,
    technical_competency BIGINT NOT NULL,
    testing BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS stats_analyses_member ON stats_analyses (member_id);

-- Leaderboard opt-ins: a member's own setting per community, not an interview fact, so
-- it lives here rather than in the log; `privacy forget` deletes the member's rows.
CREATE TABLE IF NOT EXISTS leaderboard_members (
    server TEXT NOT NULL,
    member_id TEXT NOT NULL,
    joined_at_ms BIGINT NOT NULL,
    PRIMARY KEY (server, member_id)
);
