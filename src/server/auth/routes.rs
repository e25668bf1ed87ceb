//! `GET /login`, `GET /auth/callback`, `POST /logout`.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Form, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use tower_sessions::Session;

use super::attempts;
use super::oidc::{PendingLogin, SignedIn};
use super::session::{self, Role, SessionUser};
use crate::server::audit::{self, Audit};
use crate::server::limits;
use crate::server::policy;
use crate::server::state::AppState;
use crate::server::text::escaped;

#[derive(Deserialize)]
pub struct LoginQuery {
    organization: Option<String>,
    /// An invitation ticket (Auth0's invitation links carry it with `organization`).
    invitation: Option<String>,
    return_to: Option<String>,
}

/// A path on orgdesk's own origin to go back to after sign-in, or None. The value is resolved as a
/// URL against `public_url` and must keep its origin; control characters, whitespace and backslashes
/// refuse it outright (browsers drop tabs and newlines and read `\\` as `/`, so `/\t/evil.example` is
/// `//evil.example` to them). Answers the path as the URL parser normalised it.
pub fn safe_return_to(value: Option<String>, public_url: &str) -> Option<String> {
    let value = value?;
    if value.len() >= 512
        || !value.starts_with('/')
        || value.chars().any(|c| {
            c.is_control() || c.is_whitespace() || c == '\\' || crate::server::text::invisible(c)
        })
    {
        return None;
    }
    let base = url::Url::parse(public_url).ok()?;
    let joined = base.join(&value).ok()?;
    if joined.origin() != base.origin() || !joined.username().is_empty() {
        return None;
    }
    let mut path = joined.path().to_string();
    if path.starts_with("//") {
        return None;
    }
    if let Some(query) = joined.query() {
        path.push('?');
        path.push_str(query);
    }
    Some(path)
}

pub fn valid_org(value: &str) -> bool {
    value.len() <= 64
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

pub async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Query(q): Query<LoginQuery>,
) -> Response {
    let organization = q.organization.filter(|o| !o.is_empty());
    if organization.as_deref().is_some_and(|o| !valid_org(o)) {
        return problem(
            StatusCode::BAD_REQUEST,
            "That organization name is not valid.",
        );
    }
    let invitation = q.invitation.filter(|i| !i.is_empty());
    if invitation.as_deref().is_some_and(|i| !valid_org(i))
        || (invitation.is_some() && organization.is_none())
    {
        return problem(
            StatusCode::BAD_REQUEST,
            "That invitation link is not valid. Ask for a new invitation.",
        );
    }
    let (url, pending) = state
        .oidc
        .authorize_url(
            organization.as_deref(),
            invitation.as_deref(),
            safe_return_to(q.return_to, &state.config.public_url),
        )
        .await;
    let client = limits::client_ip(peer.ip(), &headers, &state.config.limits.trusted_proxies);
    to_provider(&state, client, &url, &pending).await
}

/// Remembers the sign-in under way (its cookie on the answer) and sends the browser to `url`.
pub(crate) async fn to_provider(
    state: &AppState,
    client: std::net::IpAddr,
    url: &str,
    pending: &PendingLogin,
) -> Response {
    let config = &state.config;
    let begun = attempts::begin(
        &state.db,
        config.clock.as_ref(),
        client,
        pending,
        config.is_https(),
    )
    .await;
    match begun {
        Ok(cookie) => {
            let mut response = go(url);
            response.headers_mut().append(header::SET_COOKIE, cookie);
            response
        }
        Err(err) => {
            tracing::error!(error = %err, "cannot store the pending login");
            problem(
                StatusCode::SERVICE_UNAVAILABLE,
                "Sign-in is unavailable right now. Please try again.",
            )
        }
    }
}

/// The callback's answer, with the sign-in under way used up (whatever the outcome).
pub(crate) fn used_up(mut response: Response, https: bool) -> Response {
    response
        .headers_mut()
        .append(header::SET_COOKIE, attempts::clear(https));
    response
}

#[derive(Deserialize)]
pub struct Callback {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

/// Equal-time comparison of the returned `state` with the one this browser started.
fn same(a: &str, b: &str) -> bool {
    subtle::ConstantTimeEq::ct_eq(a.as_bytes(), b.as_bytes()).into()
}

pub async fn callback(
    State(state): State<AppState>,
    session: Session,
    parts: axum::http::request::Parts,
    Query(cb): Query<Callback>,
) -> Response {
    let https = state.config.is_https();
    used_up(finish(&state, &session, parts, cb).await, https)
}

async fn finish(
    state: &AppState,
    session: &Session,
    parts: axum::http::request::Parts,
    cb: Callback,
) -> Response {
    let (pending, identity) = match verified(state, &parts.headers, cb).await {
        Ok(both) => both,
        Err(refusal) => return refusal,
    };
    if pending.step_up {
        return super::step_up::finish(state, session, parts, pending, identity).await;
    }
    let standing = match standing(state, &identity).await {
        Ok(standing) => standing,
        Err(refusal) => return refusal,
    };
    if pending.invited {
        // A member joined (and an invitation was used up) at Auth0: the desk's cached lists of this
        // organization end now, on every replica.
        use crate::server::cache::{invalidate, Stale};
        invalidate(&state.db, &identity.org_id, Stale::Joined).await;
    }
    let audit = Audit::new(
        &state.db,
        state.config.clock.as_ref(),
        &identity.org_id,
        &identity.user_id,
        Some(&identity.email),
    );
    let role = policy::desk_role(&state.config.identity, &identity.org_id, &standing.roles);
    let Some(role) = role else {
        if pending.invited {
            audit
                .record(
                    audit::Action::SessionJoin,
                    None,
                    audit::Result::Ok,
                    "accepted an invitation",
                )
                .await;
            let org = standing
                .display_name
                .or(identity.org_name)
                .unwrap_or(identity.org_id);
            return joined(&org, state.config.is_https());
        }
        audit
            .record(
                audit::Action::SessionSignIn,
                None,
                audit::Result::Denied,
                "not an admin of the organization",
            )
            .await;
        return problem(
            StatusCode::FORBIDDEN,
            "orgdesk is for your organization's admins. Ask an admin of your organization for the admin role.",
        );
    };
    let user = SessionUser {
        user_id: identity.user_id,
        name: identity.name,
        email: identity.email,
        org_id: identity.org_id,
        org_name: standing.display_name.or(identity.org_name),
        role,
        signed_in_at: state.config.clock.now_secs(),
        csrf: crate::server::http::csrf::new_token(),
        organizations: standing.organizations,
        auth_time: identity.auth_time.unwrap_or(0),
        mfa: identity.mfa,
    };
    if let Err(err) = session::sign_in(session, &user).await {
        tracing::error!(error = %err, "cannot store the session");
        return problem(
            StatusCode::SERVICE_UNAVAILABLE,
            "Sign-in is unavailable right now. Please try again.",
        );
    }
    audit
        .record(audit::Action::SessionSignIn, None, audit::Result::Ok, "")
        .await;
    let home = match role {
        Role::Admin => format!("/orgs/{}", user.org_id),
        Role::Support => "/support".to_string(),
    };
    go(&pending.return_to.unwrap_or(home))
}

/// The callback checked against the sign-in this browser started, and the ID token verified; or
/// the page that says why not.
async fn verified(
    state: &AppState,
    headers: &HeaderMap,
    cb: Callback,
) -> Result<(PendingLogin, SignedIn), Response> {
    let (pending, code) = checked(state, headers, cb).await?;
    match state.oidc.finish(&pending, &code).await {
        Ok(identity) => Ok((pending, identity)),
        Err(err) => Err(unverified(&err)),
    }
}

/// The page for an ID token that did not verify (the reason goes to the log only).
pub(crate) fn unverified(err: &super::oidc::SignInError) -> Response {
    tracing::warn!(error = %escaped(&err.to_string()), "sign-in refused");
    problem(
        StatusCode::UNAUTHORIZED,
        "Sign-in could not be verified. Please sign in again.",
    )
}

/// The callback checked against the sign-in this browser started (used up either way): the
/// sign-in and its code; or the page that says why not.
pub(crate) async fn checked(
    state: &AppState,
    headers: &HeaderMap,
    cb: Callback,
) -> Result<(PendingLogin, String), Response> {
    let Some(pending) = attempts::take(
        &state.db,
        state.config.clock.as_ref(),
        headers,
        state.config.is_https(),
    )
    .await
    else {
        return Err(problem(
            StatusCode::BAD_REQUEST,
            "This sign-in link has expired or was already used. Please sign in again.",
        ));
    };
    if !cb.state.as_deref().is_some_and(|s| same(s, &pending.state)) {
        return Err(problem(
            StatusCode::BAD_REQUEST,
            "The sign-in did not match the one this browser started. Please sign in again.",
        ));
    }
    if let Some(error) = cb.error {
        let message = match error.as_str() {
            "access_denied" => "Your organization did not let you in. Check that you picked the right organization.",
            "login_required" => "Please sign in again.",
            _ => "Sign-in failed at the identity provider.",
        };
        // Both come from the query string: escaped, so they cannot start forged log lines.
        tracing::info!(
            error = %escaped(&error),
            description = %escaped(cb.error_description.as_deref().unwrap_or("")),
            "sign-in refused by the provider"
        );
        return Err(problem(StatusCode::UNAUTHORIZED, message));
    }
    let Some(code) = cb.code else {
        return Err(problem(
            StatusCode::BAD_REQUEST,
            "The sign-in answer was incomplete. Please sign in again.",
        ));
    };
    Ok((pending, code))
}

/// What Auth0 says of the person in the organization they signed in to.
struct Standing {
    roles: Vec<crate::server::auth0::roles::Role>,
    display_name: Option<String>,
    /// How many organizations they belong to (whether "Switch organization" means anything).
    organizations: usize,
}

/// The person's roles, read live (the ID token says who, the Management API says what they may do),
/// with the organization's display name and their number of organizations, read at the same time.
/// The desk's first views need not read the roles again.
async fn standing(state: &AppState, identity: &SignedIn) -> Result<Standing, Response> {
    let mgmt = &state.mgmt;
    let (roles, display_name, organizations) = tokio::join!(
        mgmt.member_roles(&identity.org_id, &identity.user_id),
        async {
            let org = mgmt.organization(&identity.org_id).await.ok()?;
            // What the desk's header shows, refreshed at every sign-in (a change made in Auth0's
            // dashboard shows from the next one).
            crate::server::service::org_settings::remember(&state.ctx(None), &org).await;
            org.display_name
        },
        async {
            mgmt.organizations_of(&identity.user_id)
                .await
                .map(|orgs| orgs.len())
                .unwrap_or(0)
        },
    );
    let roles = roles.map_err(|err| {
        tracing::error!(error = %err, "cannot read the member's roles");
        problem(
            StatusCode::SERVICE_UNAVAILABLE,
            "orgdesk could not check your role right now. Please try again in a moment.",
        )
    })?;
    state
        .cache
        .prime(
            &state.db,
            &crate::server::cache::roles_scope(&identity.org_id),
            &crate::server::http::web::viewer_roles_key(&identity.user_id),
            crate::server::http::web::VIEWER_ROLES_FOR,
            roles.clone(),
        )
        .await;
    Ok(Standing {
        roles,
        display_name,
        organizations,
    })
}

#[derive(Deserialize)]
pub struct LogoutForm {
    #[serde(default)]
    csrf: String,
}

/// Ends the session here and at the identity provider. The form's token must match the session's:
/// a forged sign-out would otherwise be a nuisance a hostile page could inflict.
pub async fn logout(
    State(state): State<AppState>,
    session: Session,
    Form(form): Form<LogoutForm>,
) -> Response {
    let newcomer = crate::server::onboarding::newcomer::current(&session, &state.config).await;
    let user = session::current_user(&session, &state.config).await;
    // A newcomer (signed up, no organization yet) signs out with their own token.
    let expected = user
        .as_ref()
        .map(|u| u.csrf.as_str())
        .or(newcomer.as_ref().map(|n| n.csrf.as_str()));
    if let Some(expected) = expected {
        if !crate::server::http::csrf::token_matches(expected, &form.csrf) {
            tracing::warn!("refused a sign-out without the session's token");
            return problem(
                StatusCode::FORBIDDEN,
                "That sign-out request did not come from orgdesk's own page. Use the Sign out button.",
            );
        }
    }
    if let Some(user) = user {
        Audit::new(
            &state.db,
            state.config.clock.as_ref(),
            &user.org_id,
            &user.user_id,
            Some(&user.email),
        )
        .record(audit::Action::SessionSignOut, None, audit::Result::Ok, "")
        .await;
    }
    if let Err(err) = session::sign_out(&session).await {
        tracing::error!(error = %err, "cannot delete the session");
    }
    let return_to = format!("{}/", state.config.public_url);
    let query = serde_urlencoded::to_string([
        ("client_id", state.config.identity.login_client_id.as_str()),
        ("returnTo", &return_to),
    ])
    .unwrap_or_default();
    go(&format!("{}v2/logout?{query}", state.issuer))
}

/// A 303 to `location`; one that cannot be a header value is refused instead of panicking.
pub(crate) fn go(location: &str) -> Response {
    match axum::http::HeaderValue::try_from(location) {
        Ok(value) => (StatusCode::SEE_OTHER, [(header::LOCATION, value)]).into_response(),
        Err(_) => problem(
            StatusCode::BAD_REQUEST,
            "That sign-in link is not valid. Please sign in again.",
        ),
    }
}

/// Where an invitee lands: `/joined`, a page of the site, under a clean address. The organization's
/// name travels in a short-lived cookie only that page reads (`JOINED_COOKIE`).
fn joined(org: &str, https: bool) -> Response {
    let value: String = url::form_urlencoded::byte_serialize(org.as_bytes()).collect();
    let cookie = format!(
        "{JOINED_COOKIE}={value}; Path=/; Max-Age=300; HttpOnly; SameSite=Lax{}",
        if https { "; Secure" } else { "" }
    );
    let mut response = go("/joined");
    if let Ok(cookie) = axum::http::HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

/// The cookie that tells `/joined` which organization the invitee joined.
pub const JOINED_COOKIE: &str = "orgdesk_joined";

/// A small page for sign-in problems: a readable message and a way back.
pub(crate) fn problem(status: StatusCode, message: &str) -> Response {
    let body = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>Sign-in · orgdesk</title><link rel=\"stylesheet\" href=\"/pkg/orgdesk.css\"></head><body><main class=\"container main\">\
<section class=\"error-page\"><h1>Sign-in</h1><p role=\"alert\">{}</p><p><a class=\"btn btn--primary\" href=\"/login\">Sign in again</a> \
<a class=\"btn\" href=\"/\">Back to the overview</a></p></section></main></body></html>",
        crate::html::escape(message)
    );
    (status, [(header::CACHE_CONTROL, "no-store")], Html(body)).into_response()
}
