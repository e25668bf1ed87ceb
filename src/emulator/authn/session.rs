//! `GET|POST /userinfo`, `GET /v2/logout`, `GET /oidc/logout` (SPEC §2.5, §2.6).

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::super::Emulator;
use super::authorize::{session_id_from, SESSION_COOKIE};
use super::pages;

#[derive(Deserialize)]
struct AccessClaims {
    sub: String,
    #[serde(default)]
    scope: String,
    org_id: Option<String>,
}

fn unauthorized() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        [(header::WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"")],
        "Unauthorized",
    )
        .into_response()
}

/// Claims of the user behind an access token that includes the userinfo audience. `org_id` is included
/// when the token has one (decided; UNCONFIRMED upstream, SPEC §2.5).
pub async fn userinfo(State(e): State<Arc<Emulator>>, headers: HeaderMap) -> Response {
    let Some(token) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    else {
        return unauthorized();
    };
    let audience = format!("{}userinfo", e.issuer);
    let claims: AccessClaims =
        match e
            .keys()
            .verify(token.trim(), &audience, &e.issuer, e.now_secs())
        {
            Ok(c) => c,
            Err(_) => return unauthorized(),
        };
    let t = e.read();
    let Some(user) = t.users.get(&claims.sub) else {
        return unauthorized();
    };
    let has = |s: &str| claims.scope.split_whitespace().any(|x| x == s);
    let mut out = Map::new();
    out.insert("sub".into(), json!(e.hostile.userinfo_sub(&user.user_id)));
    if has("profile") {
        out.insert("nickname".into(), json!(user.nickname));
        out.insert("name".into(), json!(user.name));
        out.insert(
            "picture".into(),
            json!(user.picture.clone().unwrap_or_default()),
        );
        out.insert(
            "updated_at".into(),
            json!(crate::clock::iso(user.updated_at)),
        );
    }
    if has("email") {
        out.insert("email".into(), json!(user.email));
        out.insert("email_verified".into(), json!(user.email_verified));
    }
    if let Some(org) = claims.org_id {
        out.insert("org_id".into(), json!(org));
    }
    Json(Value::Object(out)).into_response()
}

fn end_session(e: &Emulator, headers: &HeaderMap) -> String {
    if let Some(sid) = session_id_from(headers) {
        e.write().sessions.remove(&sid);
    }
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")
}

fn with_cookie(mut response: Response, cookie: &str) -> Response {
    if let Ok(value) = cookie.parse() {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

fn logout_allowed(e: &Emulator, client_id: Option<&str>, url: &str) -> bool {
    let t = e.read();
    client_id
        .and_then(|id| t.clients.get(id))
        .is_some_and(|c| c.allowed_logout_urls.iter().any(|u| u == url))
}

/// `returnTo` must be one of the client's Allowed Logout URLs; otherwise a 400 page (decided).
pub async fn logout(
    State(e): State<Arc<Emulator>>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let cookie = end_session(&e, &headers);
    let response = match q.get("returnTo") {
        None => pages::page(StatusCode::OK, "Signed out", "<h1>You are signed out</h1>"),
        Some(url) if logout_allowed(&e, q.get("client_id").map(String::as_str), url) => {
            pages::found(url)
        }
        Some(_) => pages::error(
            StatusCode::BAD_REQUEST,
            "The returnTo URL is not in the application's list of Allowed Logout URLs.",
        ),
    };
    with_cookie(response, &cookie)
}

#[derive(Deserialize)]
struct HintClaims {
    aud: String,
}

/// RP-initiated logout: the client comes from `client_id` or the (possibly expired) `id_token_hint`.
pub async fn oidc_logout(
    State(e): State<Arc<Emulator>>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let hinted_client = q.get("id_token_hint").and_then(|hint| {
        let t = e.read();
        let payload = hint.split('.').nth(1)?;
        let raw =
            base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, payload)
                .ok()?;
        let aud = serde_json::from_slice::<HintClaims>(&raw).ok()?.aud;
        // The hint must be ours: verify the signature against the client it names (expiry is fine).
        let verified: Result<Value, String> = e.keys().verify(hint, &aud, &e.issuer, 0);
        (verified.is_ok() && t.clients.contains_key(&aud)).then_some(aud)
    });
    let client_id = q.get("client_id").cloned().or(hinted_client);
    let cookie = end_session(&e, &headers);
    let response = match q.get("post_logout_redirect_uri") {
        None => pages::page(StatusCode::OK, "Signed out", "<h1>You are signed out</h1>"),
        Some(url) if logout_allowed(&e, client_id.as_deref(), url) => {
            let target = match q.get("state") {
                Some(state) => format!(
                    "{url}{}{}",
                    if url.contains('?') { '&' } else { '?' },
                    serde_urlencoded::to_string([("state", state)]).unwrap_or_default()
                ),
                None => url.clone(),
            };
            pages::found(&target)
        }
        Some(_) => pages::error(
            StatusCode::BAD_REQUEST,
            "The post_logout_redirect_uri is not in the application's list of Allowed Logout URLs.",
        ),
    };
    with_cookie(response, &cookie)
}
