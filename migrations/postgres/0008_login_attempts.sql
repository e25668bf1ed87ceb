-- Sign-ins under way, between the redirect to the identity provider and its callback: kept out of
-- the session table, for ten minutes, and at most a few dozen per client address (the oldest go), so
-- requests for /login alone cannot fill the store.
CREATE TABLE login_attempts (
    id         TEXT COLLATE "C" PRIMARY KEY,        -- SHA-256 (hex) of the cookie's value, never the value
    client_ip  TEXT COLLATE "C" NOT NULL,
    data       TEXT NOT NULL,            -- the pending login (state, nonce, PKCE verifier), JSON
    created_at BIGINT NOT NULL,          -- unix milliseconds
    expires_at BIGINT NOT NULL           -- unix seconds
);
CREATE INDEX login_attempts_client ON login_attempts (client_ip, created_at);
CREATE INDEX login_attempts_expiry ON login_attempts (expires_at);
