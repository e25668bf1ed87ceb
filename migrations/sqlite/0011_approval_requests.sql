-- API access with a sensitive scope, asked for by one admin and waiting for another's decision
-- (four-eyes approval). Times are unix milliseconds.
CREATE TABLE approval_requests (
    id              TEXT PRIMARY KEY,
    org_id          TEXT NOT NULL,
    client_id       TEXT NOT NULL,
    audience        TEXT NOT NULL,
    scopes          TEXT NOT NULL,       -- the whole set asked for, space-separated
    sensitive       TEXT NOT NULL,       -- the sensitive scopes among them
    requested_by    TEXT NOT NULL,
    requester_email TEXT NOT NULL,
    requested_at    BIGINT NOT NULL,
    expires_at      BIGINT NOT NULL,
    state           TEXT NOT NULL,       -- pending | approved | rejected | failed
    decided_by      TEXT,
    decider_email   TEXT,
    decided_at      BIGINT,
    reason          TEXT
);
CREATE INDEX approval_requests_by_org ON approval_requests (org_id, requested_at);
CREATE INDEX approval_requests_pending ON approval_requests (state, requested_at);
