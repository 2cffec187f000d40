-- Member stats count tests passed: per interview, the cases its latest tested
-- submission passed and ran (issue 14). Numbers only; 0 before any run.
ALTER TABLE stats_interviews ADD COLUMN tests_passed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stats_interviews ADD COLUMN tests_total INTEGER NOT NULL DEFAULT 0;
