-- Attempts to create an organization through onboarding: what the per-person and per-address abuse
-- limits count. Rows older than a day are deleted as new ones arrive.
CREATE TABLE org_creations (
    id         TEXT COLLATE "C" PRIMARY KEY,
    user_id    TEXT COLLATE "C" NOT NULL,
    client_ip  TEXT COLLATE "C" NOT NULL,
    created_at BIGINT NOT NULL          -- unix milliseconds
);
CREATE INDEX org_creations_user ON org_creations (user_id, created_at);
CREATE INDEX org_creations_client ON org_creations (client_ip, created_at);
