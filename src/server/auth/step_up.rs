//! Step-up: a sensitive change (a credential shown or made, API access granted or widened, an admin
//! made, the organization deleted) wants a recent authentication. Without one, the change is held in
//! the session, the admin signs in again at the identity provider (`prompt=login`, `max_age=0`, and
//! the multi-factor `acr_values` when the vendor asks for it), and the new ID token's `auth_time`
//! (and `amr`) decide; then the held change runs as it was sent, fields and all.

use std::net::SocketAddr;
use std::time::Duration;

use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use super::oidc::{PendingLogin, SignedIn};
use super::routes::{go, problem, safe_return_to, to_provider};
use super::session::{self, SessionUser};
use crate::server::audit::{self, Audit};
use crate::server::config_error::{invalid, ConfigError};
use crate::server::state::AppState;

pub const VARIABLES: &[&str] = &["ORGDESK_STEP_UP_MINUTES", "ORGDESK_STEP_UP_MFA"];

/// How long an authentication counts as recent, and whether it must have had a second factor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub window: Duration,
    pub mfa: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            window: Duration::from_secs(600),
            mfa: false,
        }
    }
}

/// How long a held change waits for its author to sign in again.
const HELD_FOR: i64 = 15 * 60;
/// A step-up's ID token must tell of an authentication this recent: orgdesk asked for a new one.
const FRESH: i64 = 300;
const HELD: &str = "step_up_held";

impl Settings {
    pub fn from_vars(
        get: &dyn Fn(&str) -> Option<String>,
        bounded: crate::server::onboarding::settings::Bounded<'_>,
    ) -> Result<Self, ConfigError> {
        let minutes = bounded("ORGDESK_STEP_UP_MINUTES", 10, 1, 24 * 60)?;
        let mfa = match get("ORGDESK_STEP_UP_MFA").as_deref() {
            None | Some("off") => false,
            Some("on") => true,
            Some(other) => {
                return Err(invalid(
                    "ORGDESK_STEP_UP_MFA",
                    format!("`{other}` is not `on` or `off`"),
                ))
            }
        };
        Ok(Self {
            window: Duration::from_secs(minutes * 60),
            mfa,
        })
    }

    /// Whether the person's last authentication is recent (and strong) enough for a sensitive change.
    pub fn recent(&self, user: &SessionUser, now_secs: i64) -> bool {
        let age = now_secs - user.auth_time;
        user.auth_time > 0
            && (-60..=self.window.as_secs() as i64).contains(&age)
            && (!self.mfa || user.mfa)
    }
}

/// A change held while its author signs in again: the form as it was posted (without its token)
/// and the page it came from.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Held {
    pub endpoint: String,
    pub fields: Vec<(String, String)>,
    pub back: String,
    pub at: i64,
}

/// Keeps the change for after the step-up (one at a time: the latest asked for wins).
pub async fn hold(session: &Session, held: &Held) -> Result<(), tower_sessions::session::Error> {
    session.insert(HELD, held).await
}

/// The held change, used up; None when there is none or it waited too long.
async fn take(session: &Session, now: i64) -> Option<Held> {
    let held: Held = session.remove(HELD).await.ok().flatten()?;
    (now - held.at <= HELD_FOR).then_some(held)
}

#[derive(Deserialize)]
pub struct StartQuery {
    return_to: Option<String>,
}

/// `GET /auth/step-up`: to the identity provider to sign in again, as the same person in the same
/// organization.
pub async fn start(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    session: Session,
    Query(q): Query<StartQuery>,
) -> Response {
    let Some(user) = session::current_user(&session, &state.config).await else {
        return go("/login");
    };
    let return_to = safe_return_to(q.return_to, &state.config.public_url);
    let (url, pending) = state
        .oidc
        .step_up_url(
            &user.org_id,
            &user.email,
            state.config.step_up.mfa,
            return_to,
        )
        .await;
    let client =
        crate::server::limits::client_ip(peer.ip(), &headers, &state.config.limits.trusted_proxies);
    to_provider(&state, client, &url, &pending).await
}

/// The callback of a step-up: the same person, freshly authenticated (with a second factor when the
/// vendor wants one), goes on with the change they asked for; anything else changes nothing.
pub async fn finish(
    state: &AppState,
    session: &Session,
    parts: axum::http::request::Parts,
    pending: PendingLogin,
    identity: SignedIn,
) -> Response {
    let config = &state.config;
    let Some(mut user) = session::current_user(session, config).await else {
        return problem(
            StatusCode::UNAUTHORIZED,
            "Your session ended while you were confirming. Sign in again; nothing was changed.",
        );
    };
    let now = config.clock.now_secs();
    let audit = Audit::new(
        &state.db,
        config.clock.as_ref(),
        &user.org_id,
        &user.user_id,
        Some(&user.email),
    );
    let refusal = if identity.user_id != user.user_id || identity.org_id != user.org_id {
        Some("You signed in as someone else. Nothing was changed; you are still signed in as before.")
    } else if identity.auth_time.is_none_or(|at| now - at > FRESH) {
        Some("The identity provider did not confirm a new sign-in. Nothing was changed.")
    } else if config.step_up.mfa && !identity.mfa {
        Some("The sign-in did not include your second factor. Nothing was changed.")
    } else {
        None
    };
    if let Some(message) = refusal {
        let _ = take(session, now).await;
        audit
            .record(
                audit::Action::SessionStepUp,
                None,
                audit::Result::Denied,
                message,
            )
            .await;
        return problem(StatusCode::FORBIDDEN, message);
    }
    user.auth_time = identity.auth_time.unwrap_or(now);
    user.mfa = identity.mfa;
    if let Err(err) = session::update(session, &user).await {
        tracing::error!(error = %err, "cannot store the session");
        return problem(
            StatusCode::SERVICE_UNAVAILABLE,
            "orgdesk could not record the sign-in. Nothing was changed; try again.",
        );
    }
    audit
        .record(audit::Action::SessionStepUp, None, audit::Result::Ok, "")
        .await;
    match take(session, now).await {
        Some(held) => crate::server::http::forms::resume(state, parts, held).await,
        None => go(&pending
            .return_to
            .unwrap_or_else(|| format!("/orgs/{}", user.org_id))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(auth_time: i64, mfa: bool) -> SessionUser {
        SessionUser {
            user_id: "auth0|a".into(),
            name: String::new(),
            email: String::new(),
            org_id: "org_a".into(),
            org_name: None,
            role: super::super::Role::Admin,
            signed_in_at: 0,
            csrf: String::new(),
            organizations: 1,
            auth_time,
            mfa,
        }
    }

    #[test]
    fn an_authentication_is_recent_within_the_window_and_strong_when_asked() {
        let ten = Settings::default();
        assert!(ten.recent(&user(1_000, false), 1_000 + 600));
        assert!(!ten.recent(&user(1_000, false), 1_000 + 601));
        assert!(
            !ten.recent(&user(0, false), 10),
            "unknown auth_time is not recent"
        );
        assert!(!ten.recent(&user(1_000, false), 900), "from the future");
        let mfa = Settings {
            mfa: true,
            ..Settings::default()
        };
        assert!(!mfa.recent(&user(1_000, false), 1_001));
        assert!(mfa.recent(&user(1_000, true), 1_001));
    }

    #[test]
    fn the_window_is_read_from_the_environment() {
        let vars = [
            ("ORGDESK_STEP_UP_MINUTES", "3"),
            ("ORGDESK_STEP_UP_MFA", "on"),
        ];
        let get = |n: &str| {
            vars.iter()
                .find(|(k, _)| *k == n)
                .map(|(_, v)| v.to_string())
        };
        let bounded =
            |n: &str, d: u64, _: u64, _: u64| Ok(get(n).and_then(|v| v.parse().ok()).unwrap_or(d));
        let s = Settings::from_vars(&get, &bounded).unwrap();
        assert_eq!(s.window, Duration::from_secs(180));
        assert!(s.mfa);
        let bad = |n: &str| (n == "ORGDESK_STEP_UP_MFA").then(|| "yes".to_string());
        assert!(Settings::from_vars(&bad, &bounded).is_err());
    }
}
