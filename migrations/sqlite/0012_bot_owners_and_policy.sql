-- Each bot's owner (the member who registered it, or one assigned) and when its credential in force
-- was made (a secret's registration or rotation, the oldest key in use; unix milliseconds, 0 when
-- unknown: then its registration counts). And each organization's credential policy.
ALTER TABLE bots ADD COLUMN owner_id TEXT NOT NULL DEFAULT '';
ALTER TABLE bots ADD COLUMN owner_email TEXT NOT NULL DEFAULT '';
ALTER TABLE bots ADD COLUMN credential_at BIGINT NOT NULL DEFAULT 0;
UPDATE bots SET owner_id = created_by;

CREATE TABLE credential_policies (
    org_id       TEXT PRIMARY KEY,
    max_age_days INTEGER NOT NULL,       -- 0: no maximum
    warn_days    INTEGER NOT NULL,
    updated_at   BIGINT NOT NULL
);
