-- The automation API's Idempotency-Key: a create sent again with the same key by the same caller
-- gets the first answer back (or a conflict while the first is still running) and changes nothing.
CREATE TABLE api_idempotency (
    org_id      TEXT NOT NULL,
    client_id   TEXT NOT NULL,
    idem_key    TEXT NOT NULL,
    fingerprint TEXT NOT NULL,            -- SHA-256 of the method, path and body
    status      INTEGER,                  -- NULL while the first request runs
    body        TEXT,                     -- the answer, never a secret
    created_at  BIGINT NOT NULL,          -- unix milliseconds
    PRIMARY KEY (org_id, client_id, idem_key)
);
CREATE INDEX api_idempotency_by_age ON api_idempotency (created_at);
