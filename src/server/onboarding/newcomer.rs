//! A person signed in through the sign-up application, kept in the session beside (not as) a
//! signed-in admin: they have no organization yet. What their last attempt typed and was told (the
//! page's own `Outcome`) is kept there too, for the page to show once.

use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use crate::model::onboarding::Outcome;
use crate::server::auth::oidc::Person;
use crate::server::config::Config;

const NEWCOMER: &str = "newcomer";
const OUTCOME: &str = "onboarding_outcome";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Newcomer {
    pub person: Person,
    /// Unix seconds; the session's absolute timeout counts from here.
    pub signed_in_at: i64,
    /// The token the page's forms carry.
    pub csrf: String,
}

/// The newcomer of this session, or None; one past the absolute timeout is forgotten.
pub async fn current(session: &Session, config: &Config) -> Option<Newcomer> {
    let newcomer: Newcomer = session.get(NEWCOMER).await.ok().flatten()?;
    let age = config.clock.now_secs() - newcomer.signed_in_at;
    if age > config.session_absolute_timeout.as_secs() as i64 {
        let _ = session.remove::<Newcomer>(NEWCOMER).await;
        return None;
    }
    Some(newcomer)
}

/// Keeps the newcomer under a new session id (an id planted before sign-in is worthless).
pub async fn begin(
    session: &Session,
    newcomer: &Newcomer,
) -> Result<(), tower_sessions::session::Error> {
    session.cycle_id().await?;
    session.insert(NEWCOMER, newcomer).await
}

pub async fn keep_outcome(session: &Session, outcome: &Outcome) {
    if let Err(err) = session.insert(OUTCOME, outcome).await {
        tracing::warn!(error = %err, "cannot keep the onboarding outcome");
    }
}

/// The outcome the page being rendered shows (taken from the session before it renders).
#[derive(Debug, Clone)]
pub struct Shown(pub Option<Outcome>);

/// The last refused attempt, once.
pub async fn take_outcome(session: &Session) -> Option<Outcome> {
    session.remove(OUTCOME).await.ok().flatten()
}
