-- The organization audit log: every change and every denied attempt, never a secret.
CREATE TABLE audit_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    occurred_at TEXT    NOT NULL,                 -- RFC 3339, UTC
    org_id      TEXT,                             -- NULL for tenant-wide events (support console)
    actor_id    TEXT    NOT NULL,                 -- user id, or "system"
    actor_name  TEXT,
    action      TEXT    NOT NULL,                 -- e.g. "bot.create"
    target      TEXT,                             -- the object acted on, e.g. a client id
    result      TEXT    NOT NULL CHECK (result IN ('ok', 'denied', 'failed')),
    request_id  TEXT,
    detail      TEXT                              -- short, human-readable; never a secret
);

CREATE INDEX audit_events_org_time ON audit_events (org_id, occurred_at DESC);
