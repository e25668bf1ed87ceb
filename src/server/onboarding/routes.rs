//! `GET /onboarding/start`, `GET /onboarding/callback`, `POST /onboarding/create`. The page itself
//! (`/onboarding`) is a page of the site (`pages::onboarding`).

use std::net::SocketAddr;
use std::time::Duration;

use axum::extract::{ConnectInfo, Form, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use tower_sessions::Session;

use super::newcomer::{self, Newcomer};
use super::settings::ATTEMPTS_PER_PERSON_HOURLY;
use crate::model::onboarding::Outcome;
use crate::server::auth::routes::{
    checked, go, problem, to_provider, unverified, used_up, Callback,
};
use crate::server::http::csrf;
use crate::server::limits;
use crate::server::service::organizations::{self, Founder, NewOrg};
use crate::server::service::ServiceError;
use crate::server::state::AppState;
use crate::server::store::{locks, org_creations};
use crate::server::text::escaped;

/// Where the page lives.
pub const PAGE: &str = "/onboarding";

fn unavailable() -> Response {
    problem(
        StatusCode::NOT_FOUND,
        "Creating an organization is not available here. Ask the vendor for an invitation to your organization.",
    )
}

#[derive(Deserialize)]
pub struct StartQuery {
    /// Present: open Auth0's sign-up form rather than its sign-in form.
    signup: Option<String>,
}

/// Sends the browser to the sign-up application (no organization).
pub async fn start(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Query(q): Query<StartQuery>,
) -> Response {
    let Some(oidc) = &state.onboarding_oidc else {
        return unavailable();
    };
    let (url, pending) = oidc.signup_url(q.signup.is_some()).await;
    let trusted = &state.config.limits.trusted_proxies;
    let client = limits::client_ip(peer.ip(), &headers, trusted);
    to_provider(&state, client, &url, &pending).await
}

pub async fn callback(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    Query(cb): Query<Callback>,
) -> Response {
    let https = state.config.is_https();
    used_up(finish(&state, &session, &headers, cb).await, https)
}

async fn finish(
    state: &AppState,
    session: &Session,
    headers: &HeaderMap,
    cb: Callback,
) -> Response {
    let Some(oidc) = &state.onboarding_oidc else {
        return unavailable();
    };
    let (pending, code) = match checked(state, headers, cb).await {
        Ok(both) => both,
        Err(refusal) => return refusal,
    };
    let person = match oidc.finish_person(&pending, &code).await {
        Ok(person) => person,
        Err(err) => return unverified(&err),
    };
    if !state
        .config
        .onboarding
        .admits(&person.email, person.email_verified)
    {
        return not_admitted(state, person.email_verified);
    }
    let newcomer = Newcomer {
        person,
        signed_in_at: state.config.clock.now_secs(),
        csrf: csrf::new_token(),
    };
    if let Err(err) = newcomer::begin(session, &newcomer).await {
        tracing::error!(error = %err, "cannot store the session");
        return problem(
            StatusCode::SERVICE_UNAVAILABLE,
            "Sign-up is unavailable right now. Please try again.",
        );
    }
    go(PAGE)
}

fn not_admitted(state: &AppState, verified: bool) -> Response {
    let domains = state.config.onboarding.email_domains.join(", ");
    let message = if verified {
        format!("Organizations here are created with an email address at {domains}. Sign up with such an address.")
    } else {
        format!("Organizations here are created with a verified email address at {domains}. Follow the link in the verification email, then sign in again.")
    };
    problem(StatusCode::FORBIDDEN, &message)
}

#[derive(Deserialize)]
pub struct CreateForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    name: String,
}

/// Creates the organization the newcomer typed, within the vendor's limits, and sends them to sign
/// in to it; a refusal goes back to the page with what they typed and why.
pub async fn create(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    session: Session,
    headers: HeaderMap,
    Form(form): Form<CreateForm>,
) -> Response {
    if state.onboarding_oidc.is_none() {
        return unavailable();
    }
    let Some(newcomer) = newcomer::current(&session, &state.config).await else {
        return problem(
            StatusCode::UNAUTHORIZED,
            "Your sign-up session has ended. Sign up or sign in again to create your organization.",
        );
    };
    if !csrf::token_matches(&newcomer.csrf, &form.csrf) {
        tracing::warn!("refused an organization creation without the session's token");
        return problem(
            StatusCode::FORBIDDEN,
            "That form did not come from orgdesk's own page. Nothing was created.",
        );
    }
    let client = limits::client_ip(peer.ip(), &headers, &state.config.limits.trusted_proxies);
    let request_id = crate::server::http::web::request_id_of(&headers);
    match attempt(&state, &newcomer, &client.to_string(), &form, request_id).await {
        Ok(org_id) => go(&format!("/login?organization={org_id}")),
        Err((field, message)) => {
            let outcome = Outcome {
                display_name: form.display_name.chars().take(255).collect(),
                name: form.name.chars().take(50).collect(),
                field: field.to_string(),
                message,
            };
            newcomer::keep_outcome(&session, &outcome).await;
            go(PAGE)
        }
    }
}

/// The refusal of an attempt: the field it is about (or "") and what to tell the person.
type Refusal = (&'static str, String);

async fn attempt(
    state: &AppState,
    newcomer: &Newcomer,
    client_ip: &str,
    form: &CreateForm,
    request_id: Option<String>,
) -> Result<String, Refusal> {
    let person = &newcomer.person;
    let settings = &state.config.onboarding;
    let new = NewOrg::parse(&form.display_name, &form.name).map_err(refusal)?;
    let now = state.config.clock.now_ms();
    let busy = || {
        (
            "",
            "orgdesk could not take your request right now. Please try again.".to_string(),
        )
    };
    let recent = org_creations::recent(&state.db, &person.user_id, client_ip, now)
        .await
        .map_err(|_| busy())?;
    if recent.person_hour >= ATTEMPTS_PER_PERSON_HOURLY
        || recent.address_day >= settings.per_address_daily as i64
    {
        tracing::warn!(user = %escaped(&person.user_id), client_ip, "organization creation limit reached");
        return Err((
            "",
            "Too many organizations were asked for from here recently. Please try again later."
                .into(),
        ));
    }
    // One creation per person at a time, so two tabs cannot both pass the per-person count.
    let lease = locks::acquire(
        &state.db,
        state.config.clock.as_ref(),
        &format!("onboarding:{}", person.user_id),
        Duration::from_secs(120),
        Duration::from_secs(5),
    )
    .await
    .map_err(|_| busy())?;
    let result = create_within_limit(state, newcomer, client_ip, &new, now, request_id).await;
    lease.release(&state.db).await;
    result
}

async fn create_within_limit(
    state: &AppState,
    newcomer: &Newcomer,
    client_ip: &str,
    new: &NewOrg,
    now: i64,
    request_id: Option<String>,
) -> Result<String, Refusal> {
    let person = &newcomer.person;
    let per_person = state.config.onboarding.per_person;
    let theirs = state
        .mgmt
        .organizations_of_user(&person.user_id)
        .await
        .map_err(|e| refusal(e.into()))?;
    let founded = organizations::founded_by(&theirs, &person.user_id);
    if founded >= per_person {
        return Err((
            "",
            format!(
                "You have created {founded} organization{}, the most one person may create here.",
                if founded == 1 { "" } else { "s" }
            ),
        ));
    }
    org_creations::record(&state.db, &person.user_id, client_ip, now)
        .await
        .map_err(|e| refusal(e.into()))?;
    let Some(client) = &state.config.identity.onboarding else {
        return Err(("", "Creating an organization is not available here.".into()));
    };
    let founder = Founder {
        user_id: &person.user_id,
        email: &person.email,
    };
    let ctx = state.ctx(request_id);
    organizations::create(&ctx, &founder, new, &client.connections)
        .await
        .map_err(refusal)
}

fn refusal(err: ServiceError) -> Refusal {
    match err {
        ServiceError::Invalid { field, message } => (field, message),
        other => {
            tracing::warn!(error = %escaped(&other.to_string()), "organization creation failed");
            (
                "",
                format!(
                    "Your organization could not be created: {}. Nothing was kept; please try again.",
                    other.audit_text()
                ),
            )
        }
    }
}
