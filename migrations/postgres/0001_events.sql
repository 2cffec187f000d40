-- The event log: one row per event. Appends go through ic_append, which serialises
-- writers with a transaction-level advisory lock taken before the position is drawn,
-- so position order is commit order and a reader of read_all never skips an event.
CREATE TABLE IF NOT EXISTS events (
    position BIGSERIAL PRIMARY KEY,
    stream_id TEXT NOT NULL,
    version BIGINT NOT NULL,
    event_type TEXT NOT NULL,
    schema_version INTEGER NOT NULL,
    payload TEXT NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL,
    UNIQUE (stream_id, version)
);

CREATE TABLE IF NOT EXISTS idempotency_keys (
    key TEXT PRIMARY KEY,
    stream_id TEXT NOT NULL,
    first_version BIGINT NOT NULL,
    last_version BIGINT NOT NULL,
    first_position BIGINT NOT NULL,
    last_position BIGINT NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE IF NOT EXISTS projection_checkpoints (
    name TEXT PRIMARY KEY,
    position BIGINT NOT NULL
);

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
    started_at TIMESTAMPTZ NOT NULL,
    ended_at TIMESTAMPTZ,
    last_score BIGINT,
    submissions BIGINT NOT NULL,
    hints_used BIGINT NOT NULL,
    tokens_used BIGINT NOT NULL,
    last_position BIGINT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS interview_list_id ON interview_list (interview_id);
CREATE INDEX IF NOT EXISTS interview_list_started ON interview_list (started_at);
CREATE INDEX IF NOT EXISTS interview_list_candidate ON interview_list (candidate_id);

-- One append: idempotency check, optimistic version check, inserts, notification.
-- status is 'ok', 'duplicate' (the key's first result) or 'conflict' (current version
-- in first_version).
CREATE OR REPLACE FUNCTION ic_append(
    p_stream TEXT,
    p_expected BIGINT,
    p_key TEXT,
    p_types TEXT[],
    p_schemas INTEGER[],
    p_payloads TEXT[]
) RETURNS TABLE (
    status TEXT,
    stream_id TEXT,
    first_version BIGINT,
    last_version BIGINT,
    first_position BIGINT,
    last_position BIGINT
) LANGUAGE plpgsql AS $$
DECLARE
    cur BIGINT;
    n INTEGER := COALESCE(array_length(p_types, 1), 0);
    pos BIGINT;
    fpos BIGINT;
    k RECORD;
    now_ts TIMESTAMPTZ := clock_timestamp();
BEGIN
    PERFORM pg_advisory_xact_lock(727274001);
    IF p_key IS NOT NULL THEN
        SELECT * INTO k FROM idempotency_keys i WHERE i.key = p_key;
        IF FOUND THEN
            RETURN QUERY SELECT 'duplicate'::TEXT, k.stream_id, k.first_version, k.last_version,
                k.first_position, k.last_position;
            RETURN;
        END IF;
    END IF;
    SELECT COALESCE(MAX(e.version), 0) INTO cur FROM events e WHERE e.stream_id = p_stream;
    IF p_expected >= 0 AND cur <> p_expected THEN
        RETURN QUERY SELECT 'conflict'::TEXT, p_stream, cur, cur, 0::BIGINT, 0::BIGINT;
        RETURN;
    END IF;
    FOR i IN 1..n LOOP
        INSERT INTO events (stream_id, version, event_type, schema_version, payload, recorded_at)
        VALUES (p_stream, cur + i, p_types[i], p_schemas[i], p_payloads[i], now_ts)
        RETURNING events.position INTO pos;
        IF i = 1 THEN
            fpos := pos;
        END IF;
    END LOOP;
    IF p_key IS NOT NULL THEN
        INSERT INTO idempotency_keys (key, stream_id, first_version, last_version, first_position, last_position, recorded_at)
        VALUES (p_key, p_stream, cur + 1, cur + n, fpos, pos, now_ts);
    END IF;
    PERFORM pg_notify('ic_events', pos::TEXT);
    RETURN QUERY SELECT 'ok'::TEXT, p_stream, cur + 1, cur + n, fpos, pos;
END;
$$;
