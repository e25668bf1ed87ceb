-- Webhooks: an organization's audit events sent to endpoints its admins registered, each delivery
-- signed with the endpoint's secret, retried with backoff, and listed with its outcome.
CREATE TABLE webhook_endpoints (
    id          TEXT PRIMARY KEY,          -- whe_…
    org_id      TEXT COLLATE "C" NOT NULL,
    url         TEXT NOT NULL,
    secret      TEXT NOT NULL,             -- whsec_…: signs deliveries; shown once, never rendered again
    description TEXT NOT NULL,
    created_at  BIGINT NOT NULL,           -- unix milliseconds
    created_by  TEXT NOT NULL,
    cursor      BIGINT NOT NULL,           -- the last audit event id queued for it
    failures    INTEGER NOT NULL,          -- failed attempts in a row
    paused_at   BIGINT                     -- NULL while active
);
CREATE INDEX webhook_endpoints_by_org ON webhook_endpoints (org_id);

CREATE TABLE webhook_deliveries (
    id          TEXT PRIMARY KEY,          -- msg_…: the webhook-id header
    endpoint_id TEXT NOT NULL,
    org_id      TEXT COLLATE "C" NOT NULL,
    event_id    BIGINT NOT NULL,
    action      TEXT NOT NULL,
    payload     TEXT NOT NULL,
    state       TEXT NOT NULL,             -- pending, delivered, failed
    attempts    INTEGER NOT NULL,
    next_at     BIGINT NOT NULL,
    last_status INTEGER,                   -- the endpoint's answer (NULL: no answer)
    last_error  TEXT,
    created_at  BIGINT NOT NULL,
    UNIQUE (endpoint_id, event_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_at);
CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries (endpoint_id, created_at);
