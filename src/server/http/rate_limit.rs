//! The rate-limit middleware: refuses a request naming two sessions, then counts it against the
//! client address's, the session's and (for a change) the session's writes bucket
//! (`server::limits`).

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::http::{header, Method, Request};
use axum::middleware::Next;
use axum::response::Response;

use crate::server::limits::client_ip;
use crate::server::state::AppState;

/// A request that names two sessions: a browser never sends that for orgdesk's own cookie (one name,
/// one path, host-only), so it is a decoy meant to split what the limits count from what the session
/// layer uses. Refused; the answer also clears orgdesk's own cookie, so a browser that somehow holds
/// a second one (set by a sibling site for the parent domain) recovers by signing in again.
fn two_sessions(path: &str, cookie_name: &str, https: bool) -> Response {
    let mut response = super::refusal::refuse(
        path,
        axum::http::StatusCode::BAD_REQUEST,
        crate::model::ErrorKind::Invalid,
        "Your browser sent two orgdesk session cookies. Nothing was done. Sign in again; if this keeps happening, clear this site's cookies.",
    );
    let clear = format!(
        "{cookie_name}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax{}",
        if https { "; Secure" } else { "" }
    );
    if let Ok(value) = axum::http::HeaderValue::from_str(&clear) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

/// Static files and probes are not counted: a page load fetches several, and probes come from the
/// platform.
fn counted(path: &str) -> bool {
    !(path.starts_with("/pkg/")
        || path == "/favicon.svg"
        || path == "/healthz"
        || path == "/readyz")
}

pub async fn limit(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request<axum::body::Body>,
    next: Next,
) -> Response {
    let path = request.uri().path();
    let cookie = super::session_cookie_name(state.config.is_https());
    if crate::cookies::values(request.headers(), cookie)
        .nth(1)
        .is_some()
    {
        tracing::warn!(path, "refused a request naming two sessions");
        return two_sessions(path, cookie, state.config.is_https());
    }
    if counted(path) {
        let limits = &state.config.limits;
        let ip = client_ip(peer.ip(), request.headers(), &limits.trusted_proxies);
        let session = state.limiter.session_key(request.headers(), cookie);
        let write = !matches!(
            *request.method(),
            Method::GET | Method::HEAD | Method::OPTIONS
        ) && crate::api::is_change(path);
        if let Err(wait_ms) = state.limiter.check(limits, ip, session, write) {
            tracing::warn!(%ip, path, wait_ms, "rate limit reached");
            return super::refusal::too_many(path, wait_ms);
        }
    }
    next.run(request).await
}
