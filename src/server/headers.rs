//! Security headers on every response. Pages get a CSP whose only script allowance is the per-response
//! nonce of leptos' hydration scripts plus `'wasm-unsafe-eval'` to compile the wasm bundle; everything
//! else (server calls, CSV files, sign-in problem pages) gets a CSP that allows no script at all.

use axum::extract::State;
use axum::http::{header, HeaderValue, Request};
use axum::middleware::Next;
use axum::response::Response;

use super::state::AppState;

/// A page's CSP: the hydration scripts carry `nonce`; styles and images come from orgdesk itself
/// (avatars may come from any https host, as Auth0 profile pictures do). Forms may post to orgdesk and
/// follow its redirect to the identity provider's logout.
pub fn page_policy(nonce: &str, issuer_origin: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data: https:; connect-src 'self'; font-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self' {issuer_origin}; frame-ancestors 'none'"
    )
}

/// Everything that is not a leptos page: no scripts at all.
const STRICT_POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self'; \
     base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// `scheme://host[:port]` of a URL, for CSP source lists.
pub fn origin_of(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(u) => u.origin().ascii_serialization(),
        Err(_) => String::new(),
    }
}

pub async fn secure(
    State(state): State<AppState>,
    request: Request<axum::body::Body>,
    next: Next,
) -> Response {
    let path = request.uri().path().to_string();
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(STRICT_POLICY),
        );
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    // No address leaves orgdesk (its URLs name organizations and bots), but same-origin requests keep
    // theirs: under `no-referrer` Chromium sends `Origin: null` with every form POST, sign-out included.
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=()"),
    );
    if state.config.is_https() {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=63072000; includeSubDomains"),
        );
    }
    // The bundle and static files are public; every other answer may be about one organization.
    let public = path.starts_with("/pkg/") || path == "/favicon.svg" || path == "/healthz";
    if !public && !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_policy_allows_only_the_nonce_and_wasm() {
        let p = page_policy("abc123", "https://travel0.eu.auth0.com");
        assert!(p.contains("script-src 'self' 'nonce-abc123' 'wasm-unsafe-eval';"));
        assert!(!p.contains("unsafe-inline"));
        assert!(!p.contains("'unsafe-eval'"));
        assert!(p.contains("frame-ancestors 'none'"));
        assert!(p.contains("form-action 'self' https://travel0.eu.auth0.com;"));
    }

    #[test]
    fn origins_drop_paths() {
        assert_eq!(origin_of("https://t.auth0.com/"), "https://t.auth0.com");
        assert_eq!(
            origin_of("http://127.0.0.1:4000/x/"),
            "http://127.0.0.1:4000"
        );
        assert_eq!(origin_of("not a url"), "");
    }
}
