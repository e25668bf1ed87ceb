-- PostgreSQL twin of sqlite/0003. member_terms is range-scanned by prefix: its "C" collation is what
-- makes `term >= 'ab' AND term < 'ac'` mean "starts with ab".
CREATE TABLE member_directory (
    org_id    TEXT COLLATE "C" NOT NULL,
    user_id   TEXT COLLATE "C" NOT NULL,
    email     TEXT COLLATE "C" NOT NULL,
    name      TEXT COLLATE "C" NOT NULL,
    roles     TEXT COLLATE "C" NOT NULL,
    synced_at BIGINT NOT NULL,
    PRIMARY KEY (org_id, user_id)
);

CREATE TABLE member_terms (
    org_id  TEXT COLLATE "C" NOT NULL,
    term    TEXT COLLATE "C" NOT NULL,
    user_id TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (org_id, term, user_id)
);
CREATE INDEX member_terms_user ON member_terms (org_id, user_id, term);

CREATE TABLE member_syncs (
    org_id       TEXT COLLATE "C" PRIMARY KEY,
    started_at   BIGINT NOT NULL,
    finished_at  BIGINT,
    completed_at BIGINT
);

CREATE TABLE locks (
    name       TEXT COLLATE "C" PRIMARY KEY,
    holder     TEXT COLLATE "C" NOT NULL,
    expires_at BIGINT NOT NULL
);

CREATE INDEX audit_events_org_id ON audit_events (org_id, id DESC);
