-- Web platform: secrets generated once and shared by every instance (the share-link
-- signing key when WEB_SHARE_SECRET is not set).
CREATE TABLE IF NOT EXISTS web_secrets (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
