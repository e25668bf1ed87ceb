//! Who is signed in, kept server-side in the session store. The cookie holds only the session id.

use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use crate::server::config::Config;

const USER: &str = "user";
/// Unix seconds of the last request that extended the idle timeout.
const SEEN: &str = "seen";
/// The idle timeout is extended at most this often: not a store write per request.
const TOUCH_EVERY: i64 = 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    /// An admin of their organization: the desk.
    Admin,
    /// Vendor support staff: the read-only console.
    Support,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionUser {
    pub user_id: String,
    pub name: String,
    pub email: String,
    pub org_id: String,
    pub org_name: Option<String>,
    pub role: Role,
    /// Unix seconds; the absolute session timeout counts from here.
    pub signed_in_at: i64,
    /// The token the sign-out form must carry (it is the one plain HTML form that changes state).
    #[serde(default)]
    pub csrf: String,
    /// How many organizations the person belongs to, read at sign-in (0 when it could not be read).
    #[serde(default)]
    pub organizations: usize,
    /// Unix seconds of the person's last authentication at the identity provider (`auth_time`;
    /// 0 when the ID token did not say): sensitive changes want it recent.
    #[serde(default)]
    pub auth_time: i64,
    /// That authentication included a second factor (`amr` named `mfa`).
    #[serde(default)]
    pub mfa: bool,
}

/// The signed-in user, or None. A session past its absolute timeout is ended here.
pub async fn current_user(session: &Session, config: &Config) -> Option<SessionUser> {
    let user: SessionUser = session.get(USER).await.ok().flatten()?;
    let now = config.clock.now_secs();
    if now - user.signed_in_at > config.session_absolute_timeout.as_secs() as i64 {
        let _ = session.flush().await;
        return None;
    }
    // A change to the session is what makes the store save it with a new idle expiry.
    let seen: i64 = session.get(SEEN).await.ok().flatten().unwrap_or(0);
    if now - seen >= TOUCH_EVERY {
        let _ = session.insert(SEEN, now).await;
    }
    Some(user)
}

/// Starts the signed-in session under a new id, so an id planted before sign-in is worthless.
pub async fn sign_in(
    session: &Session,
    user: &SessionUser,
) -> Result<(), tower_sessions::session::Error> {
    session.cycle_id().await?;
    session.insert(USER, user).await
}

/// The signed-in user, changed (a step-up's new authentication time); same session id.
pub async fn update(
    session: &Session,
    user: &SessionUser,
) -> Result<(), tower_sessions::session::Error> {
    session.insert(USER, user).await
}

/// Deletes the session server-side (the cookie then names nothing).
pub async fn sign_out(session: &Session) -> Result<(), tower_sessions::session::Error> {
    session.flush().await
}
