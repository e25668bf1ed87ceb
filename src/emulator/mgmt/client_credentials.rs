//! `/api/v2/clients/{id}/credentials`: a client's public keys for `private_key_jwt`, made, read,
//! given an expiry and deleted on their own (auth0/go-auth0 recordings, Auth0's "Rotate
//! Credentials"). A credential made here is not used until the client lists it under
//! `client_authentication_methods`; at most two per client.

use axum::body::Bytes;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{Map, Value};

use super::super::errors::MgmtError;
use super::super::model::{Client, Credential};
use super::super::store::TenantState;
use super::auth::Caller;
use super::body::{self, invalid_on};
use super::{clients, credentials};
use crate::clock::parse_iso;

/// `PostClientCredentialRequestContent`.
const CREATE_FIELDS: &[&str] = &[
    "credential_type",
    "name",
    "subject_dn",
    "pem",
    "alg",
    "parse_expiry_from_cert",
    "expires_at",
    "kid",
];
const ALGORITHMS: &[&str] = &["RS256", "RS384", "PS256"];

fn missing() -> MgmtError {
    MgmtError::not_found("The credential does not exist", None)
}

fn client<'a>(t: &'a TenantState, id: &str) -> Result<&'a Client, MgmtError> {
    t.clients.get(id).ok_or_else(clients::not_found)
}

fn expiry(map: &Map<String, Value>) -> Result<Option<Option<i64>>, MgmtError> {
    match map.get("expires_at") {
        None => Ok(None),
        Some(Value::Null) => Ok(Some(None)),
        Some(Value::String(s)) => parse_iso(s)
            .map(|ms| Some(Some(ms)))
            .ok_or_else(|| invalid_on("Expected a date-time (RFC 3339)", "expires_at")),
        Some(_) => Err(invalid_on("Expected type string", "expires_at")),
    }
}

pub async fn list(caller: Caller, Path(id): Path<String>) -> Result<Json<Value>, MgmtError> {
    caller.require(&["read:client_credentials"])?;
    let t = caller.read();
    let c = client(&t, &id)?;
    let all = c
        .credentials
        .iter()
        .map(|c| credentials::render_one(c, true))
        .collect();
    Ok(Json(Value::Array(all)))
}

pub async fn get(
    caller: Caller,
    Path((id, credential_id)): Path<(String, String)>,
) -> Result<Json<Value>, MgmtError> {
    caller.require(&["read:client_credentials"])?;
    let t = caller.read();
    let found = client(&t, &id)?
        .credentials
        .iter()
        .find(|c| c.id == credential_id)
        .ok_or_else(missing)?;
    Ok(Json(credentials::render_one(found, true)))
}

/// Public keys only (`public_key`); the mTLS kinds need certificates the local tenant cannot check.
pub async fn create(
    caller: Caller,
    Path(id): Path<String>,
    raw: Bytes,
) -> Result<Response, MgmtError> {
    caller.require(&["create:client_credentials"])?;
    let (given, map): (Value, _) = body::parse(&raw, CREATE_FIELDS, &["credential_type"])?;
    match given.get("credential_type").and_then(Value::as_str) {
        Some("public_key") => {}
        Some("cert_subject_dn" | "x509_cert") => {
            return Err(MgmtError::new(
                StatusCode::BAD_REQUEST,
                "mTLS credentials are not supported by the local tenant.",
                Some("operation_not_supported"),
            ))
        }
        _ => {
            return Err(invalid_on(
                "No enum match for: credential_type",
                "credential_type",
            ))
        }
    }
    if let Some(alg) = given.get("alg").and_then(Value::as_str) {
        if !ALGORITHMS.contains(&alg) {
            return Err(invalid_on(format!("No enum match for: \"{alg}\""), "alg"));
        }
    }
    let expires_at = expiry(&map)?.flatten();
    let now = caller.now_ms();
    let made = Credential {
        expires_at,
        ..credentials::credential(&given, now)?
    };
    let mut t = caller.write();
    let c = t.clients.get_mut(&id).ok_or_else(clients::not_found)?;
    if c.credentials.len() >= credentials::MAX {
        return Err(credentials::too_many());
    }
    let out = credentials::render_one(&made, false);
    c.credentials.push(made);
    Ok((StatusCode::CREATED, Json(out)).into_response())
}

/// Only `expires_at` changes; 200 as recorded (the OpenAPI document says 201).
pub async fn update(
    caller: Caller,
    Path((id, credential_id)): Path<(String, String)>,
    raw: Bytes,
) -> Result<Json<Value>, MgmtError> {
    caller.require(&["update:client_credentials"])?;
    let (_, map): (Value, _) = body::parse(&raw, &["expires_at"], &[])?;
    let expires_at = expiry(&map)?;
    let now = caller.now_ms();
    let mut t = caller.write();
    let c = t.clients.get_mut(&id).ok_or_else(clients::not_found)?;
    let found = c
        .credentials
        .iter_mut()
        .find(|c| c.id == credential_id)
        .ok_or_else(missing)?;
    if let Some(expires_at) = expires_at {
        found.expires_at = expires_at;
        found.updated_at = now;
    }
    Ok(Json(credentials::render_one(found, true)))
}

/// 204, also when there is no such credential (recorded). One the client still authenticates with
/// is refused: take it out of `client_authentication_methods` first, as Auth0's rotation guide does.
pub async fn delete(
    caller: Caller,
    Path((id, credential_id)): Path<(String, String)>,
) -> Result<StatusCode, MgmtError> {
    caller.require(&["delete:client_credentials"])?;
    let mut t = caller.write();
    let c = t.clients.get_mut(&id).ok_or_else(clients::not_found)?;
    if c.credentials
        .iter()
        .any(|c| c.id == credential_id && c.in_use)
    {
        return Err(MgmtError::bad_request(
            "The credential is in use by the client's private_key_jwt authentication method",
        ));
    }
    c.credentials.retain(|c| c.id != credential_id);
    Ok(StatusCode::NO_CONTENT)
}
