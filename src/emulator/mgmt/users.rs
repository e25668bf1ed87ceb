//! `/api/v2/users/{id}`, `/api/v2/users-by-email` and `/api/v2/users/{id}/organizations` (SPEC §3.10).

use axum::extract::{Path, Query};
use axum::Json;
use serde_json::{json, Value};

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::super::errors::MgmtError;
use super::super::ids;
use super::super::model::{Role, User};
use super::super::paging::{self, Entry, Params, Shape};
use super::super::store::hash_password;
use super::auth::Caller;
use super::body::{self, invalid_on};
use super::{organizations, roles};
use crate::clock::iso;

/// The local tenant's one database connection.
pub const DATABASE: &str = "Username-Password-Authentication";

/// Every property of Auth0's `CreateUserRequestContent`.
const CREATE_FIELDS: &[&str] = &[
    "email",
    "phone_number",
    "user_metadata",
    "blocked",
    "email_verified",
    "phone_verified",
    "app_metadata",
    "given_name",
    "family_name",
    "name",
    "nickname",
    "picture",
    "user_id",
    "connection",
    "password",
    "verify_email",
    "username",
];
fn missing_user() -> MgmtError {
    MgmtError::not_found("The user does not exist.", Some("inexistent_user"))
}

#[derive(Deserialize)]
struct NewUser {
    connection: String,
    email: Option<String>,
    password: Option<String>,
    email_verified: Option<bool>,
    name: Option<String>,
    nickname: Option<String>,
    picture: Option<String>,
    user_id: Option<String>,
    /// Asks Auth0 to send a verification email; never stored or answered back.
    #[serde(rename = "verify_email")]
    _verify_email: Option<bool>,
    /// The rest of the user (metadata, given and family name, `blocked`, `username`), kept as given.
    #[serde(flatten)]
    extra: BTreeMap<String, Value>,
}

/// `POST /api/v2/users`: a user of the database connection.
pub async fn create_user(caller: Caller, raw: Bytes) -> Result<Response, MgmtError> {
    caller.require(&["create:users"])?;
    let (b, _): (NewUser, _) = body::parse(&raw, CREATE_FIELDS, &["connection"])?;
    if b.connection != DATABASE {
        return Err(MgmtError::new(
            StatusCode::BAD_REQUEST,
            "The connection does not exist.",
            Some("inexistent_connection"),
        ));
    }
    let email = b
        .email
        .ok_or_else(|| invalid_on("Missing required property: email", "email"))?;
    let password = b
        .password
        .ok_or_else(|| invalid_on("Missing required property: password", "password"))?;
    let now = caller.now_ms();
    let user_id = match b.user_id {
        Some(id) => format!("auth0|{id}"),
        None => ids::user(),
    };
    let mut t = caller.write();
    let lowered = email.to_ascii_lowercase();
    if t.users.contains_key(&user_id) || t.user_by_email(&lowered).is_some() {
        return Err(MgmtError::conflict(
            "The user already exists.",
            Some("auth0_idp_error"),
        ));
    }
    let user = User {
        password_hash: hash_password(&user_id, &password),
        user_id: user_id.clone(),
        email: lowered,
        email_verified: b.email_verified.unwrap_or(false),
        name: b.name.unwrap_or_else(|| email.clone()),
        nickname: b
            .nickname
            .or_else(|| email.split('@').next().map(String::from)),
        picture: b.picture,
        created_at: now,
        updated_at: now,
        roles: Vec::new(),
        extra: b.extra,
    };
    let out = user_json(&user);
    t.users.insert(user_id, user);
    Ok((StatusCode::CREATED, Json(out)).into_response())
}

/// `DELETE /api/v2/users/{id}`: the user, their memberships and sessions; 204 also when missing.
pub async fn delete_user(caller: Caller, Path(id): Path<String>) -> Result<StatusCode, MgmtError> {
    caller.require(&["delete:users"])?;
    let mut t = caller.write();
    t.users.shift_remove(&id);
    for members in t.members.values_mut() {
        members.shift_remove(&id);
    }
    t.sessions.retain(|_, s| s.user_id != id);
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/v2/users/{id}/roles`: the user's tenant roles.
pub async fn user_roles(
    caller: Caller,
    Path(id): Path<String>,
    Query(params): Query<Params>,
) -> Result<Json<Value>, MgmtError> {
    const SHAPE: Shape = Shape::offset("roles");
    caller.require(&["read:users", "read:roles", "read:role_members"])?;
    let paging = paging::parse(&params, &SHAPE)?;
    let t = caller.read();
    let user = t.users.get(&id).ok_or_else(missing_user)?;
    let held: Vec<&Role> = user.roles.iter().filter_map(|r| t.roles.get(r)).collect();
    let entries: Vec<Entry<'_, Role>> = held.into_iter().map(Entry::of).collect();
    paging::render(&entries, &paging, &SHAPE, roles::role_json).map(Json)
}

/// `POST /api/v2/users/{id}/roles`: adds tenant roles (existing ones only).
pub async fn assign_user_roles(
    caller: Caller,
    Path(id): Path<String>,
    raw: Bytes,
) -> Result<StatusCode, MgmtError> {
    caller.require(&["create:role_members", "update:users"])?;
    change_roles(&caller, &id, &raw, |held, named| {
        for role in named {
            if !held.contains(&role) {
                held.push(role);
            }
        }
    })
}

/// `DELETE /api/v2/users/{id}/roles`: removes tenant roles.
pub async fn remove_user_roles(
    caller: Caller,
    Path(id): Path<String>,
    raw: Bytes,
) -> Result<StatusCode, MgmtError> {
    caller.require(&["delete:role_members", "update:users"])?;
    change_roles(&caller, &id, &raw, |held, named| {
        held.retain(|r| !named.contains(r));
    })
}

fn change_roles(
    caller: &Caller,
    id: &str,
    raw: &Bytes,
    apply: impl FnOnce(&mut Vec<String>, Vec<String>),
) -> Result<StatusCode, MgmtError> {
    let mut t = caller.write();
    let named = roles::requested(&t, raw)?;
    let user = t.users.get_mut(id).ok_or_else(missing_user)?;
    apply(&mut user.roles, named);
    Ok(StatusCode::NO_CONTENT)
}

pub async fn get_user(caller: Caller, Path(id): Path<String>) -> Result<Json<Value>, MgmtError> {
    caller.require(&["read:users", "read:current_user", "read:user_idp_tokens"])?;
    let t = caller.read();
    let u = t.users.get(&id).ok_or_else(missing_user)?;
    Ok(Json(user_json(u)))
}

/// A user as `GET /api/v2/users/{id}` answers it.
fn user_json(u: &User) -> Value {
    let (provider, raw_id) = u.user_id.split_once('|').unwrap_or(("auth0", &u.user_id));
    let mut v = json!({
        "created_at": iso(u.created_at),
        "email": u.email,
        "email_verified": u.email_verified,
        "identities": [{ "connection": "Username-Password-Authentication", "user_id": raw_id, "provider": provider, "isSocial": false }],
        "name": u.name,
        "nickname": u.nickname,
        "picture": u.picture.clone().unwrap_or_default(),
        "updated_at": iso(u.updated_at),
        "user_id": u.user_id,
    });
    body::answer_back(&mut v, &u.extra);
    v
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
