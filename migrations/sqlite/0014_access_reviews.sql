-- Access reviews: a snapshot of who and what can reach the organization's data (each bot with its
-- owner, APIs, scopes and last token; each member with the admin role), every item kept or removed
-- by a reviewer before the deadline. Times are unix milliseconds. And how often the organization's
-- policy starts one (0: never; an admin starts them).
CREATE TABLE access_reviews (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL,
    started_by    TEXT NOT NULL,         -- a user id, or 'orgdesk' when the policy started it
    starter_email TEXT NOT NULL,
    started_at    BIGINT NOT NULL,
    due_at        BIGINT NOT NULL,
    closed_at     BIGINT                 -- when its last item was decided
);
CREATE INDEX access_reviews_by_org ON access_reviews (org_id, started_at);

CREATE TABLE access_review_items (
    review_id     TEXT NOT NULL,
    org_id        TEXT NOT NULL,
    kind          TEXT NOT NULL,         -- bot | admin
    subject_id    TEXT NOT NULL,         -- the bot's client id, the member's user id
    label         TEXT NOT NULL,         -- the bot's name, the member's email
    owner         TEXT NOT NULL,         -- the bot's owner ('' for a member)
    access        TEXT NOT NULL,         -- "api: scopes" per API, ';'-separated; a member's roles
    last_used     BIGINT NOT NULL,       -- the bot's last token (0: none seen)
    decision      TEXT,                  -- keep | remove
    decided_by    TEXT,
    decider_email TEXT,
    decided_at    BIGINT,
    note          TEXT,
    PRIMARY KEY (review_id, kind, subject_id)
);

ALTER TABLE credential_policies ADD COLUMN review_every_days INTEGER NOT NULL DEFAULT 0;
