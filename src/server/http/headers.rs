//! Security headers on every response. Pages get a CSP whose only script allowance is the per-response
//! nonce of leptos' hydration scripts plus `'wasm-unsafe-eval'` to compile the wasm bundle; everything
//! else (server calls, CSV files, sign-in problem pages) gets a CSP that allows no script at all.

use std::sync::{Arc, OnceLock};

use axum::extract::State;
use axum::http::{header, HeaderValue, Request};
use axum::middleware::Next;
use axum::response::Response;

use crate::server::state::AppState;

/// A page's CSP: the hydration scripts carry `nonce`; styles and images come from orgdesk itself
/// (avatars may come from any https host, as Auth0 profile pictures do). Forms may post to orgdesk and
/// follow its redirect to the identity provider's logout.
pub fn page_policy(nonce: &str, issuer_origin: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self' 'nonce-{nonce}'; img-src 'self' data: https:; connect-src 'self'; font-src 'self'; \
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

/// The CSP a page wrote for itself (`app::shell`, naming its nonce), handed to this layer on the
/// request rather than through Leptos' response options, which once failed to carry it (seen in a
/// browser run: a desk page under the strict policy, its bundle and hydration scripts refused).
#[derive(Clone, Default)]
pub struct PagePolicy(Arc<OnceLock<HeaderValue>>);

impl PagePolicy {
    pub fn set(&self, policy: HeaderValue) {
        let _ = self.0.set(policy);
    }

    /// The page's policy if it wrote one, else the strict one.
    fn or_strict(&self) -> HeaderValue {
        self.0
            .get()
            .cloned()
            .unwrap_or(HeaderValue::from_static(STRICT_POLICY))
    }
}

pub async fn secure(
    State(state): State<AppState>,
    mut request: Request<axum::body::Body>,
    next: Next,
) -> Response {
    let path = request.uri().path().to_string();
    let page_policy = PagePolicy::default();
    request.extensions_mut().insert(page_policy.clone());
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(header::CONTENT_SECURITY_POLICY, page_policy.or_strict());
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
    fn a_response_without_a_policy_gets_the_pages_own_or_the_strict_one() {
        let slot = PagePolicy::default();
        assert_eq!(slot.or_strict(), STRICT_POLICY);
        let page = HeaderValue::from_str(&page_policy("n0nce", "https://t.auth0.com")).unwrap();
        // The page's render holds a clone of the request's slot.
        slot.clone().set(page.clone());
        assert_eq!(slot.or_strict(), page);
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
