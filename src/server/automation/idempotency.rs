//! `Idempotency-Key` on every create: the same caller sending the same key again gets the first
//! answer back (marked `Idempotent-Replayed: true`) and changes nothing; the same key with another
//! body is refused (422); a key whose first request is still running answers 409. A refused or
//! failed create frees its key. A secret is never kept: a replayed registration answers without it.
//! Keys are kept for a day.

use std::future::Future;

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::caller::ApiCall;
use super::problem::Problem;
use crate::server::store::api_idempotency::{self as store, Caller};

pub const HEADER: &str = "idempotency-key";
/// How long keys are kept.
pub const KEPT_MS: i64 = 24 * 3600 * 1000;
/// A first request still "running" after this long died with its process: its key is free again.
const ABANDONED_MS: i64 = 2 * 60 * 1000;

/// What a create made: the answer now, and the answer a repeat gets (without any secret).
pub struct Created {
    pub status: StatusCode,
    pub body: serde_json::Value,
    pub replay: serde_json::Value,
}

impl Created {
    /// A 201 whose answer holds no secret: a repeat gets the same.
    pub fn same(answer: &impl Serialize) -> Self {
        let body = serde_json::to_value(answer).unwrap_or_default();
        Created {
            status: StatusCode::CREATED,
            replay: body.clone(),
            body,
        }
    }
}

/// The key as sent: 1–255 visible ASCII characters.
fn key_of(headers: &HeaderMap) -> Result<String, &'static str> {
    let value = headers
        .get(HEADER)
        .ok_or("Send an `Idempotency-Key` header with every create (a UUID is a good key).")?;
    let key = value
        .to_str()
        .map_err(|_| "The Idempotency-Key must be visible ASCII.")?;
    let key = key.trim_matches('"');
    if key.is_empty() || key.len() > 255 || !key.chars().all(|c| c.is_ascii_graphic()) {
        return Err("The Idempotency-Key must be 1–255 visible ASCII characters.");
    }
    Ok(key.to_string())
}

/// A key for the services' own journal (16–64 characters), unique to this caller and key.
pub fn journal_key(call: &ApiCall, key: &str) -> String {
    let digest = Sha256::digest(
        format!(
            "{}\u{0}{}\u{0}{key}",
            call.machine.org_id, call.machine.client_id
        )
        .as_bytes(),
    );
    format!("api-{}", hex(&digest[..20]))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Runs `create` once per key.
pub async fn once<Fut>(
    call: &ApiCall,
    headers: &HeaderMap,
    path: &str,
    input: &impl Serialize,
    create: impl FnOnce(String) -> Fut,
) -> Response
where
    Fut: Future<Output = Result<Created, Problem>>,
{
    let rid = call.rid();
    let key = match key_of(headers) {
        Ok(k) => k,
        Err(why) => {
            let p = Problem::new(StatusCode::BAD_REQUEST, "idempotency-key", why);
            return p.with_request_id(rid).into_response();
        }
    };
    let body = serde_json::to_string(input).unwrap_or_default();
    let fingerprint = hex(&Sha256::digest(format!("{path}\u{0}{body}").as_bytes()));
    let caller = Caller {
        org_id: &call.machine.org_id,
        client_id: &call.machine.client_id,
    };
    let db = &call.state.db;
    let now = call.state.config.clock.now_ms();
    let store_failed = |e: sqlx::Error| Problem::service(e.into(), rid).into_response();
    let claimed = match store::claim(db, &caller, &key, &fingerprint, now).await {
        Ok(c) => c,
        Err(e) => return store_failed(e),
    };
    if !claimed {
        let seen = match store::seen(db, &caller, &key).await {
            Ok(Some(seen)) => seen,
            Ok(None) => {
                let p = Problem::new(
                    StatusCode::CONFLICT,
                    "idempotency-in-progress",
                    "That key was just released; send the request again.",
                );
                return p.with_request_id(rid).into_response();
            }
            Err(e) => return store_failed(e),
        };
        if seen.fingerprint != fingerprint {
            let p = Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "idempotency-key-reused",
                "This Idempotency-Key was used for another request. Use a new key for a new create.",
            );
            return p.with_request_id(rid).into_response();
        }
        match (seen.status, seen.body) {
            (Some(status), Some(body)) => return replayed(status, body),
            _ if now - seen.created_at > ABANDONED_MS => {
                // Its first request died with its process; this one takes the key over.
                if let Err(e) = store::release(db, &caller, &key).await {
                    return store_failed(e);
                }
                if !matches!(
                    store::claim(db, &caller, &key, &fingerprint, now).await,
                    Ok(true)
                ) {
                    let p = Problem::new(
                        StatusCode::CONFLICT,
                        "idempotency-in-progress",
                        "A request with this Idempotency-Key is under way.",
                    );
                    return p.with_request_id(rid).into_response();
                }
            }
            _ => {
                let p = Problem::new(
                    StatusCode::CONFLICT,
                    "idempotency-in-progress",
                    "A request with this Idempotency-Key is still under way. Wait for it, then send it again to read its answer.",
                );
                return p.with_request_id(rid).into_response();
            }
        }
    }
    match create(key.clone()).await {
        Ok(created) => {
            let replay = created.replay.to_string();
            if let Err(e) = store::finish(db, &caller, &key, created.status.as_u16(), &replay).await
            {
                tracing::warn!(error = %e, "cannot keep an idempotent answer; a repeat will be refused as under way");
            }
            (created.status, axum::Json(created.body)).into_response()
        }
        Err(problem) => {
            if let Err(e) = store::release(db, &caller, &key).await {
                tracing::warn!(error = %e, "cannot free an idempotency key");
            }
            problem.into_response()
        }
    }
}

fn replayed(status: i64, body: String) -> Response {
    let status = u16::try_from(status)
        .ok()
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(StatusCode::OK);
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert("idempotent-replayed", HeaderValue::from_static("true"));
    response
}
