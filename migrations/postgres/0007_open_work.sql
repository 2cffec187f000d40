-- Background work by indexed queries (issue 18): the interview list keeps, per
-- interview, what the timers, the coach's scan and the chat outboxes look up, so none
-- of them reads every open interview (nor only the newest 10,000). Times are Unix
-- milliseconds, compared the same way on both backends.
--   deadline_ms        when the time limit runs out (NULL: no limit)
--   time_warned        1 once the time-limit warning was given
--   last_candidate_ms  the candidate's latest event (abandoned web interviews end)
--   pending_turns      versions of candidate events awaiting the coach, comma-separated
--   coach_messages     coach events in the stream (what a chat outbox posts)
ALTER TABLE interview_list ADD COLUMN deadline_ms BIGINT;
ALTER TABLE interview_list ADD COLUMN time_warned BIGINT NOT NULL DEFAULT 0;
ALTER TABLE interview_list ADD COLUMN last_candidate_ms BIGINT;
ALTER TABLE interview_list ADD COLUMN pending_turns TEXT NOT NULL DEFAULT '';
ALTER TABLE interview_list ADD COLUMN coach_messages BIGINT NOT NULL DEFAULT 0;

CREATE INDEX IF NOT EXISTS interview_list_deadline ON interview_list (deadline_ms, stream_id)
    WHERE deadline_ms IS NOT NULL AND phase NOT IN ('ended', 'summarised');
CREATE INDEX IF NOT EXISTS interview_list_idle ON interview_list (platform, last_candidate_ms, stream_id)
    WHERE phase NOT IN ('ended', 'summarised');
CREATE INDEX IF NOT EXISTS interview_list_pending ON interview_list (started_at, stream_id)
    WHERE pending_turns <> '';
CREATE INDEX IF NOT EXISTS interview_list_outbound ON interview_list (platform, stream_id)
    WHERE coach_messages > 0;
CREATE INDEX IF NOT EXISTS deliveries_stream ON deliveries (stream_id)
    WHERE delivered_at_ms IS NOT NULL;

-- The new columns are folded from the log: drop the list (and the token usage folded
-- with it) so the start-up catch-up folds every interview again.
DELETE FROM interview_list;
DELETE FROM usage_daily;
DELETE FROM projection_checkpoints WHERE name = 'interview_list';
