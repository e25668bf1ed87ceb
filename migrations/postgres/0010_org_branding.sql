-- Each organization's name and branding as orgdesk last read or wrote them at Auth0 (at every sign-in
-- and every settings change), so the desk's header shows them without a Management API call per page.
CREATE TABLE org_branding (
    org_id          TEXT COLLATE "C" PRIMARY KEY,
    display_name    TEXT NOT NULL,
    logo_url        TEXT NOT NULL,       -- '' when none
    primary_color   TEXT NOT NULL,       -- '#rrggbb' or ''
    page_background TEXT NOT NULL,
    updated_at      BIGINT NOT NULL      -- unix milliseconds
);
