//! `/api/v2/users/{id}`, `/api/v2/users-by-email` and `/api/v2/users/{id}/organizations` (SPEC §3.10).

use axum::extract::{Path, Query};
use axum::Json;
use serde_json::{json, Value};

use super::super::errors::MgmtError;
use super::super::paging::{self, Entry, Params, Shape};
use super::auth::Caller;
use super::organizations;
use crate::clock::iso;

pub async fn get_user(caller: Caller, Path(id): Path<String>) -> Result<Json<Value>, MgmtError> {
    caller.require(&["read:users", "read:current_user", "read:user_idp_tokens"])?;
    let t = caller.read();
    let u = t
        .users
        .get(&id)
        .ok_or_else(|| MgmtError::not_found("The user does not exist.", Some("inexistent_user")))?;
    Ok(Json(user_json(u)))
}

/// A user as `GET /api/v2/users/{id}` answers it.
fn user_json(u: &crate::emulator::model::User) -> Value {
    let (provider, raw_id) = u.user_id.split_once('|').unwrap_or(("auth0", &u.user_id));
    json!({
        "created_at": iso(u.created_at),
        "email": u.email,
        "email_verified": u.email_verified,
        "identities": [{ "connection": "Username-Password-Authentication", "user_id": raw_id, "provider": provider, "isSocial": false }],
        "name": u.name,
        "nickname": u.nickname,
        "picture": u.picture.clone().unwrap_or_default(),
        "updated_at": iso(u.updated_at),
        "user_id": u.user_id,
    })
}

/// `GET /api/v2/users-by-email?email=`: every user with that email (case-insensitive), as an array;
/// an empty array when there is none.
pub async fn users_by_email(
    caller: Caller,
    Query(params): Query<Params>,
) -> Result<Json<Value>, MgmtError> {
    caller.require(&["read:users"])?;
    let email = params
        .get("email")
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .ok_or_else(|| MgmtError::invalid_query("Missing required property: email"))?;
    let t = caller.read();
    let users: Vec<Value> = t
        .users
        .values()
        .filter(|u| u.email.eq_ignore_ascii_case(&email))
        .map(user_json)
        .collect();
    Ok(Json(Value::Array(users)))
}

pub async fn user_organizations(
    caller: Caller,
    Path(id): Path<String>,
    Query(params): Query<Params>,
) -> Result<Json<Value>, MgmtError> {
    const SHAPE: Shape = Shape {
        max_records: Some(1000),
        ..Shape::offset("organizations")
    };
    caller.require(&["read:users", "read:organizations"])?;
    let paging = paging::parse(&params, &SHAPE)?;
    let t = caller.read();
    if !t.users.contains_key(&id) {
        return Err(MgmtError::not_found(
            "The user does not exist.",
            Some("inexistent_user"),
        ));
    }
    let entries: Vec<_> = t.organizations_of(&id).into_iter().map(Entry::of).collect();
    paging::render(&entries, &paging, &SHAPE, organizations::render).map(Json)
}
