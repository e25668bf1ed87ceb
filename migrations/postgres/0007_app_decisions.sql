-- Each install remembers the client grant it was associated with, so uninstalling removes exactly
-- that association whatever happened to the app since.
ALTER TABLE app_installs ADD COLUMN grant_id TEXT COLLATE "C";
UPDATE app_installs SET grant_id = (SELECT grant_id FROM apps WHERE apps.app_id = app_installs.app_id);

-- An organization that said no to an app: recorded once, so repeated declines write nothing more
-- into the publisher's audit log.
CREATE TABLE app_declines (
    app_id      TEXT COLLATE "C" NOT NULL REFERENCES apps (app_id) ON DELETE CASCADE,
    org_id      TEXT COLLATE "C" NOT NULL,
    declined_by TEXT COLLATE "C" NOT NULL,
    declined_at TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (app_id, org_id)
);
