-- PostgreSQL twin of sqlite/0004.
CREATE TABLE apps (
    app_id         TEXT COLLATE "C" PRIMARY KEY,
    client_id      TEXT COLLATE "C" NOT NULL UNIQUE,
    publisher_org  TEXT COLLATE "C" NOT NULL,
    publisher_name TEXT COLLATE "C" NOT NULL,
    description    TEXT COLLATE "C" NOT NULL,
    audience       TEXT COLLATE "C" NOT NULL,
    grant_id       TEXT COLLATE "C" NOT NULL,
    scopes         TEXT COLLATE "C" NOT NULL,
    published      BIGINT NOT NULL DEFAULT 1,
    created_by     TEXT COLLATE "C" NOT NULL,
    created_at     TEXT COLLATE "C" NOT NULL
);
CREATE INDEX apps_publisher ON apps (publisher_org);

CREATE TABLE app_installs (
    app_id       TEXT COLLATE "C" NOT NULL REFERENCES apps (app_id) ON DELETE CASCADE,
    org_id       TEXT COLLATE "C" NOT NULL,
    org_name     TEXT COLLATE "C" NOT NULL,
    installed_by TEXT COLLATE "C" NOT NULL,
    installed_at TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (app_id, org_id)
);
CREATE INDEX app_installs_org ON app_installs (org_id);
