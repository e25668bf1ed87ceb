-- Bots: Auth0 machine-to-machine clients registered through orgdesk, owned by one organization.
-- A bot belongs to an organization only if this table says so AND the client's metadata agrees.
CREATE TABLE bots (
    client_id   TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL,
    name        TEXT NOT NULL,
    description TEXT,
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX bots_org ON bots (org_id);

-- The API access orgdesk granted each bot: one client grant per (bot, API), associated with the org.
CREATE TABLE bot_grants (
    grant_id   TEXT PRIMARY KEY,
    client_id  TEXT NOT NULL REFERENCES bots (client_id) ON DELETE CASCADE,
    audience   TEXT NOT NULL,
    scopes     TEXT NOT NULL,             -- space-separated
    UNIQUE (client_id, audience)
);

-- Multi-step upstream operations, written before the first step: a failure is compensated from here,
-- and a process killed half-way is finished by the recovery pass at start-up. The idempotency key
-- makes a double submit one operation.
CREATE TABLE operations (
    id              TEXT PRIMARY KEY,
    idempotency_key TEXT UNIQUE,
    org_id          TEXT NOT NULL,
    kind            TEXT NOT NULL,        -- e.g. "bot.register"
    state           TEXT NOT NULL,        -- started, client_created, grant_created, done, compensated
    client_id       TEXT,
    grant_id        TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX operations_open ON operations (state) WHERE state NOT IN ('done', 'compensated');
