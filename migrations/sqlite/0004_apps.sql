-- Third-party apps: an organization publishes one of its bots; other organizations install it.
-- The bot's client grant (organization_usage=require, allow_any_organization=false) stays as it is;
-- an install is the installing organization's own association with that grant.
CREATE TABLE apps (
    app_id         TEXT PRIMARY KEY,             -- public: it is in the install link
    client_id      TEXT NOT NULL UNIQUE,          -- the bot (one app per bot)
    publisher_org  TEXT NOT NULL,
    publisher_name TEXT NOT NULL,
    description    TEXT NOT NULL,
    audience       TEXT NOT NULL,
    grant_id       TEXT NOT NULL,
    scopes         TEXT NOT NULL,                 -- space-separated: what installers approve
    published      INTEGER NOT NULL DEFAULT 1,    -- 0: no new installs; existing ones stay
    created_by     TEXT NOT NULL,
    created_at     TEXT NOT NULL
);
CREATE INDEX apps_publisher ON apps (publisher_org);

CREATE TABLE app_installs (
    app_id       TEXT NOT NULL REFERENCES apps (app_id) ON DELETE CASCADE,
    org_id       TEXT NOT NULL,
    org_name     TEXT NOT NULL,
    installed_by TEXT NOT NULL,
    installed_at TEXT NOT NULL,
    PRIMARY KEY (app_id, org_id)
);
CREATE INDEX app_installs_org ON app_installs (org_id);
