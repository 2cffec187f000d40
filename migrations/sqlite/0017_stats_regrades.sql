-- Regrades beside the originals in member stats (issue 17): one row per analysis of a
-- recorded `Regraded` event, with the original's score and the new one (the lower
-- median of the repeats that validated). Numbers only. The originals stay the stats'
-- figures (stats_analyses); these are shown beside them. Numbered after the issue so
-- it cannot clash with a parallel 0008.
CREATE TABLE IF NOT EXISTS stats_regrades (
    position INTEGER NOT NULL,
    reply_to INTEGER NOT NULL,
    stream_id TEXT NOT NULL,
    member_id TEXT NOT NULL,
    server TEXT NOT NULL,
    original_score INTEGER NOT NULL,
    score INTEGER NOT NULL,
    PRIMARY KEY (position, reply_to)
);
CREATE INDEX IF NOT EXISTS stats_regrades_member ON stats_regrades (member_id);
