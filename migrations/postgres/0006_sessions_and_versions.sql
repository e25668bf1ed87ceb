-- Sessions, keyed by the SHA-256 of the session id (never the id itself); data is the JSON record.
-- Shared by every replica on this store.
CREATE TABLE user_sessions (
    id         TEXT COLLATE "C" PRIMARY KEY,
    data       TEXT NOT NULL,
    expires_at BIGINT NOT NULL          -- unix seconds
);
CREATE INDEX user_sessions_expiry ON user_sessions (expires_at);

-- A counter per organization, bumped by every change orgdesk makes to it: every replica's read cache
-- compares it before serving a cached answer, so no one sees an answer older than their own change.
CREATE TABLE org_versions (
    org_id  TEXT COLLATE "C" PRIMARY KEY,
    version BIGINT NOT NULL
);
