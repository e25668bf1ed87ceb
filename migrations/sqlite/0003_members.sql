-- A searchable copy of each organization's member list. Auth0 has no member search, and scanning
-- 100,000 members (1,000 pages) per keystroke is out of the question; orgdesk mirrors the list,
-- refreshes it in the background, and updates it on its own writes. Decisions still read Auth0 live.
CREATE TABLE member_directory (
    org_id    TEXT NOT NULL,
    user_id   TEXT NOT NULL,
    email     TEXT NOT NULL,
    name      TEXT NOT NULL,
    roles     TEXT NOT NULL,          -- JSON [{"id","name"}]
    synced_at INTEGER NOT NULL,       -- unix ms of the sync pass that last saw the member
    PRIMARY KEY (org_id, user_id)
);

-- Word prefixes of each member's name and email ("carol", "smith", "carol@consult.example",
-- "consult.example"): a search is an index range scan, whatever the organization's size.
CREATE TABLE member_terms (
    org_id  TEXT NOT NULL,
    term    TEXT NOT NULL,
    user_id TEXT NOT NULL,
    PRIMARY KEY (org_id, term, user_id)
);
-- Per member: replacing a member's terms, and checking a search's further words.
CREATE INDEX member_terms_user ON member_terms (org_id, user_id, term);

CREATE TABLE member_syncs (
    org_id      TEXT PRIMARY KEY,
    started_at  INTEGER NOT NULL,
    finished_at INTEGER,              -- NULL while a pass runs
    completed_at INTEGER              -- the last pass that read the whole list
);

-- Leases that serialise work across requests (and replicas sharing this store): a holder owns the
-- name until it releases it or the lease expires.
CREATE TABLE locks (
    name       TEXT PRIMARY KEY,
    holder     TEXT NOT NULL,
    expires_at INTEGER NOT NULL
);

CREATE INDEX audit_events_org_id ON audit_events (org_id, id DESC);
