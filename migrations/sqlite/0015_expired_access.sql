-- Revoking at expiry: an organization's policy may take away the API access of a bot whose
-- credential is past the maximum age. What it took is kept, so an admin can give it back after
-- rotating the credential (the way back).
ALTER TABLE credential_policies ADD COLUMN revoke_at_expiry INTEGER NOT NULL DEFAULT 0;

CREATE TABLE expired_access (
    client_id  TEXT NOT NULL,
    org_id     TEXT NOT NULL,
    audience   TEXT NOT NULL,
    scopes     TEXT NOT NULL,            -- space-separated, as the grant held them
    revoked_at BIGINT NOT NULL,          -- unix milliseconds
    PRIMARY KEY (client_id, audience)
);
CREATE INDEX expired_access_by_org ON expired_access (org_id);
