//! Cross-site request forgery defences for every request that is not a read. Two independent layers:
//! the browser's word on where a request comes from (`Origin`, `Sec-Fetch-Site`: same origin only,
//! so a sibling subdomain is refused too), and a body a cross-site page cannot send without a CORS
//! preflight (server functions accept `application/json` only, so `text/plain` and form bodies are
//! refused) or, for the one plain form (sign-out), a per-session token.

use axum::extract::State;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine;
use rand::RngCore;

use super::refusal::refuse;
use crate::model::ErrorKind;
use crate::server::state::AppState;

/// Where server functions live (leptos' default prefix).
const SERVER_FNS: &str = "/api/";

/// A fresh random token for the sign-out form, kept in the session beside the user.
pub fn new_token() -> String {
    let mut bytes = [0u8; 24];
    rand::thread_rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// This page request's form token, if someone is signed in: each of a page's forms writes it at once
/// (a members page has four forms per member), from the user `page_status` read before the render.
pub fn page_token() -> Option<String> {
    super::page_status::with_page_user(|user| user.csrf.clone())
}

/// Equal-time comparison; an empty expected token never matches.
pub fn token_matches(expected: &str, given: &str) -> bool {
    !expected.is_empty()
        && subtle::ConstantTimeEq::ct_eq(expected.as_bytes(), given.as_bytes()).into()
}

pub fn same_origin(headers: &HeaderMap, public_url: &str) -> bool {
    // A header that is present must be readable and right: an unreadable one fails closed (found by
    // the `headers` fuzz target: a Sec-Fetch-Site of non-ASCII bytes used to count as absent).
    let absent_or = |name, ok: &dyn Fn(&str) -> bool| match headers.get(name) {
        None => true,
        Some(v) => v.to_str().is_ok_and(ok),
    };
    let site_ok = absent_or("sec-fetch-site", &|s| matches!(s, "same-origin" | "none"));
    // Browsers send Origin on every cross-origin POST. "null" is refused — sandboxed frames and data:
    // URLs send it — unless the browser itself vouches that the request is same-origin: a page whose
    // referrer policy is `no-referrer` (an extension, an older orgdesk) makes Chromium send `null` for
    // its own forms, and `Sec-Fetch-Site` is a header no page can set.
    let same_site_says_so = headers
        .get("sec-fetch-site")
        .is_some_and(|v| v.as_bytes() == b"same-origin");
    let origin_ok = absent_or(header::ORIGIN.as_str(), &|o| {
        o == public_url || (o == "null" && same_site_says_so)
    });
    origin_ok && site_ok
}

pub fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|media| media.trim().eq_ignore_ascii_case("application/json"))
}

pub async fn guard(
    State(state): State<AppState>,
    request: Request<axum::body::Body>,
    next: Next,
) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    let headers = request.headers();
    if !same_origin(headers, &state.config.public_url) {
        let path = request.uri().path();
        tracing::warn!(path, "refused a cross-site write");
        return refuse(
            path,
            StatusCode::FORBIDDEN,
            ErrorKind::Forbidden,
            "Cross-site requests are not accepted.",
        );
    }
    if request.uri().path().starts_with(SERVER_FNS) && !is_json(headers) {
        let path = request.uri().path();
        tracing::warn!(path, "refused a server call without a JSON body");
        return refuse(
            path,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorKind::Invalid,
            "orgdesk's server calls take application/json bodies only.",
        );
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn only_the_exact_origin_passes() {
        let url = "https://desk.travel0.example";
        assert!(same_origin(&headers(&[("origin", url)]), url));
        assert!(same_origin(&headers(&[]), url));
        for other in [
            "https://evil.travel0.example",
            "http://desk.travel0.example",
            "https://desk.travel0.example:8443",
            "null",
        ] {
            let h = headers(&[("origin", other)]);
            assert!(!same_origin(&h, url), "{other}");
        }
        let mut unreadable = HeaderMap::new();
        unreadable.insert(
            "sec-fetch-site",
            header::HeaderValue::from_bytes(b"same-origin\xa0").unwrap(),
        );
        assert!(!same_origin(&unreadable, url));
        // `null` counts only when the browser says the request is same-origin.
        assert!(same_origin(
            &headers(&[("origin", "null"), ("sec-fetch-site", "same-origin")]),
            url
        ));
        for site in ["cross-site", "same-site", "none"] {
            let h = headers(&[("origin", "null"), ("sec-fetch-site", site)]);
            assert!(!same_origin(&h, url), "null from {site}");
        }
        let sibling = headers(&[("sec-fetch-site", "same-site")]);
        assert!(!same_origin(&sibling, url));
        assert!(!same_origin(
            &headers(&[("sec-fetch-site", "cross-site")]),
            url
        ));
    }

    #[test]
    fn only_json_bodies_count_as_json() {
        assert!(is_json(&headers(&[("content-type", "application/json")])));
        assert!(is_json(&headers(&[(
            "content-type",
            "Application/JSON; charset=utf-8"
        )])));
        for simple in [
            "text/plain",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
        ] {
            assert!(!is_json(&headers(&[("content-type", simple)])), "{simple}");
        }
        assert!(!is_json(&headers(&[])));
    }

    #[test]
    fn tokens_compare_whole() {
        let t = new_token();
        assert!(token_matches(&t, &t));
        assert!(!token_matches(&t, &t[..t.len() - 1]));
        assert!(!token_matches("", ""));
        assert_ne!(new_token(), t);
    }
}
