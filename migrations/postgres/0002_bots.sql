-- PostgreSQL twin of sqlite/0002.
CREATE TABLE bots (
    client_id   TEXT COLLATE "C" PRIMARY KEY,
    org_id      TEXT COLLATE "C" NOT NULL,
    name        TEXT COLLATE "C" NOT NULL,
    description TEXT COLLATE "C",
    created_by  TEXT COLLATE "C" NOT NULL,
    created_at  TEXT COLLATE "C" NOT NULL
);
CREATE INDEX bots_org ON bots (org_id);

CREATE TABLE bot_grants (
    grant_id   TEXT COLLATE "C" PRIMARY KEY,
    client_id  TEXT COLLATE "C" NOT NULL REFERENCES bots (client_id) ON DELETE CASCADE,
    audience   TEXT COLLATE "C" NOT NULL,
    scopes     TEXT COLLATE "C" NOT NULL,
    UNIQUE (client_id, audience)
);

CREATE TABLE operations (
    id              TEXT COLLATE "C" PRIMARY KEY,
    idempotency_key TEXT COLLATE "C" UNIQUE,
    org_id          TEXT COLLATE "C" NOT NULL,
    kind            TEXT COLLATE "C" NOT NULL,
    state           TEXT COLLATE "C" NOT NULL,
    client_id       TEXT COLLATE "C",
    grant_id        TEXT COLLATE "C",
    created_at      TEXT COLLATE "C" NOT NULL,
    updated_at      TEXT COLLATE "C" NOT NULL
);
CREATE INDEX operations_open ON operations (state) WHERE state NOT IN ('done', 'compensated');
