-- Each bot's use, read from the tenant's logs (`seccft`, `feccft`) by a background pass: tokens
-- issued and refused per UTC day, the last of each, and how far the pass has read (Auth0's log id).
CREATE TABLE token_usage_days (
    client_id TEXT NOT NULL,
    day       TEXT NOT NULL,             -- YYYY-MM-DD, UTC
    issued    BIGINT NOT NULL,
    failed    BIGINT NOT NULL,
    PRIMARY KEY (client_id, day)
);

CREATE TABLE token_usage (
    client_id        TEXT PRIMARY KEY,
    last_ok_at       BIGINT NOT NULL,    -- unix ms; 0 when none
    last_ok_ip       TEXT NOT NULL,
    last_ok_agent    TEXT NOT NULL,
    last_ok_org      TEXT NOT NULL,
    last_fail_at     BIGINT NOT NULL,
    last_fail_reason TEXT NOT NULL,
    last_fail_ip     TEXT NOT NULL
);

CREATE TABLE log_cursors (
    tenant     TEXT PRIMARY KEY,
    log_id     TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
