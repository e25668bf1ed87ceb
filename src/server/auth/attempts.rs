//! Sign-ins under way: what orgdesk must remember between sending a browser to the identity provider
//! and its callback (state, nonce, PKCE verifier, where to go back to). Kept in their own table, not
//! as sessions: ten minutes at most, a bounded number per client address (the oldest give way), and
//! named by a cookie of their own whose value the store only keeps hashed.

use std::net::IpAddr;
use std::time::Duration;

use axum::http::{HeaderMap, HeaderValue};
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::oidc::PendingLogin;
use crate::clock::Clock;
use crate::server::store::{login_attempts as rows, Db};

/// How long a sign-in may take at the identity provider.
pub const LIFETIME: Duration = Duration::from_secs(600);

/// Sign-ins under way from one client address (an office behind one address signs in together).
pub const PER_ADDRESS: i64 = 32;

pub fn cookie_name(https: bool) -> &'static str {
    if https {
        "__Host-orgdesk_login"
    } else {
        "orgdesk_login"
    }
}

fn digest(value: &str) -> String {
    Sha256::digest(value.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Stores a sign-in under way; answers the `Set-Cookie` value that names it.
pub async fn begin(
    db: &Db,
    clock: &dyn Clock,
    client: IpAddr,
    pending: &PendingLogin,
    https: bool,
) -> Result<HeaderValue, sqlx::Error> {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    let value = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let now = clock.now_ms();
    let ip = client.to_string();
    let data = serde_json::to_string(pending).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    let attempt = rows::NewAttempt {
        id: &digest(&value),
        client_ip: &ip,
        data: &data,
        created_at_ms: now,
        expires_at: now / 1000 + LIFETIME.as_secs() as i64,
    };
    rows::insert(db, attempt, PER_ADDRESS).await?;
    let cookie = format!(
        "{}={value}; Path=/; Max-Age={}; HttpOnly; SameSite=Lax{}",
        cookie_name(https),
        LIFETIME.as_secs(),
        if https { "; Secure" } else { "" }
    );
    HeaderValue::from_str(&cookie).map_err(|e| sqlx::Error::Encode(Box::new(e)))
}

/// The sign-in this browser started, used up: a callback is answered once.
pub async fn take(
    db: &Db,
    clock: &dyn Clock,
    headers: &HeaderMap,
    https: bool,
) -> Option<PendingLogin> {
    let name = cookie_name(https);
    let value = crate::cookies::values(headers, name).last()?;
    let id = digest(value);
    let row = rows::take(db, &id).await.ok().flatten();
    let (data, expires_at) = row?;
    if expires_at < clock.now_secs() {
        return None;
    }
    serde_json::from_str(&data).ok()
}

/// The `Set-Cookie` value that ends the cookie (sent with the callback's answer).
pub fn clear(https: bool) -> HeaderValue {
    let cookie = format!(
        "{}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax{}",
        cookie_name(https),
        if https { "; Secure" } else { "" }
    );
    HeaderValue::from_str(&cookie).unwrap_or(HeaderValue::from_static("orgdesk_login=; Max-Age=0"))
}

/// Removes sign-ins that were never finished (run with the expired-session sweep).
pub async fn delete_expired(db: &Db, clock: &dyn Clock) -> Result<u64, sqlx::Error> {
    rows::delete_expired(db, clock.now_secs()).await
}
