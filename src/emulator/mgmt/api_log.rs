//! `sapi` ("Success API Operation") log entries: every Management API change that succeeds is
//! logged, as Auth0 logs it — named by the operation's summary in Auth0's OpenAPI document
//! (`openapi.json`), with the caller's client and scopes, the request and the answer in
//! `details`, secrets masked.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::{to_bytes, Body};
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};

use super::super::model::LogEvent;
use super::super::Emulator;
use super::auth::Caller;
use super::validation;

/// Keys whose values never reach a log, masked as Auth0 masks a password.
const SECRET_KEYS: &[&str] = &["client_secret", "password", "signing_secret", "secret"];

/// Larger bodies are refused before they reach a handler (Auth0 answers 413 too).
const MAX_BODY: usize = 1 << 20;

/// A change's name: the summary Auth0's document gives the operation (the recorded descriptions
/// are these: "Delete a User", "Create an Organization"). Reads are not logged.
fn describe(method: &Method, path: &str) -> Option<&'static str> {
    if method == Method::GET {
        return None;
    }
    let template = validation::template(path)?;
    validation::operation(template, method)?["summary"].as_str()
}

/// Masks secrets anywhere in a body.
pub fn masked(mut v: Value) -> Value {
    fn walk(v: &mut Value) {
        match v {
            Value::Object(m) => {
                for (k, x) in m.iter_mut() {
                    if SECRET_KEYS.contains(&k.as_str()) && !x.is_null() {
                        *x = json!("*****");
                    } else {
                        walk(x);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(walk),
            _ => {}
        }
    }
    walk(&mut v);
    v
}

pub async fn record(State(e): State<Arc<Emulator>>, request: Request, next: Next) -> Response {
    let Some(description) = describe(request.method(), request.uri().path()) else {
        return next.run(request).await;
    };
    let (mut parts, body) = request.into_parts();
    let Ok(sent) = to_bytes(body, MAX_BODY).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    // The same check the handler makes; only a change it accepted is logged.
    let (client_id, scopes) = match Caller::from_request_parts(&mut parts, &e).await {
        Ok(c) => (Some(c.client_id), c.scopes),
        Err(_) => (None, Vec::new()),
    };
    let ip = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_default();
    let user_agent = parts
        .headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let query: Map<String, Value> = parts
        .uri
        .query()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .map(|(k, v)| (k.into_owned(), json!(v)))
                .collect()
        })
        .unwrap_or_default();
    let method = parts.method.as_str().to_ascii_lowercase();
    let path = parts.uri.path().to_string();
    let response = next
        .run(Request::from_parts(parts, Body::from(sent.clone())))
        .await;
    if !response.status().is_success() {
        return response;
    }
    let (answer_parts, answer) = response.into_parts();
    let Ok(answered) = to_bytes(answer, usize::MAX).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let json_of = |b: &[u8]| serde_json::from_slice::<Value>(b).map(masked).ok();
    let details = json!({
        "request": {
            "auth": { "credentials": { "scopes": scopes }, "strategy": "jwt", "user": {} },
            "body": json_of(&sent),
            "channel": "api",
            "ip": ip,
            "method": method,
            "path": path,
            "query": query,
            "userAgent": user_agent,
        },
        "response": {
            "body": json_of(&answered).unwrap_or_else(|| json!({})),
            "statusCode": answer_parts.status.as_u16(),
        },
    });
    let event = LogEvent {
        log_id: String::new(),
        date: e.now_ms(),
        kind: "sapi".into(),
        description: description.into(),
        client_id,
        // Auth0 leaves the name of the calling client empty on these entries.
        client_name: Some(String::new()),
        ip,
        user_id: None,
        user_name: None,
        organization_id: None,
        organization_name: None,
        audience: None,
        scope: None,
        details: Some(details),
        connection: None,
    };
    e.write().push_log(event);
    Response::from_parts(answer_parts, Body::from(answered))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_are_named_by_their_template() {
        let named = |m: Method, p: &str| describe(&m, p);
        assert_eq!(
            named(Method::DELETE, "/api/v2/users/auth0%7Cabc"),
            Some("Delete a User")
        );
        assert_eq!(
            named(Method::POST, "/api/v2/organizations/org_1/members"),
            Some("Add members to an organization")
        );
        assert_eq!(
            named(Method::POST, "/api/v2/organizations/org_1/members/u/roles"),
            Some("Assign user roles to an Organization member")
        );
        assert_eq!(
            named(Method::GET, "/api/v2/users/x"),
            None,
            "reads are not logged"
        );
        assert_eq!(named(Method::POST, "/oauth/token"), None);
    }

    #[test]
    fn secrets_are_masked_at_any_depth() {
        let v = masked(json!({
            "client_secret": "s3cret", "name": "bot",
            "nested": [{ "password": "hunter2" }], "secret": null
        }));
        assert_eq!(v["client_secret"], "*****");
        assert_eq!(v["nested"][0]["password"], "*****");
        assert_eq!(v["name"], "bot");
        assert!(v["secret"].is_null());
        assert!(!v.to_string().contains("s3cret") && !v.to_string().contains("hunter2"));
    }
}
