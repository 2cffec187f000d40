-- Outbox bookkeeping per message part: a coach event may become several messages (a
-- long reply split in parts); `parts_posted` counts the parts already shown, so a retry
-- or a restarted instance resumes at the first part not yet posted, and
-- `attempted_at_ms` now means "the part at `parts_posted` was attempted".
ALTER TABLE deliveries ADD COLUMN parts_posted BIGINT NOT NULL DEFAULT 0;
