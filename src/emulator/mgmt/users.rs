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
use super::super::model::{LogEvent, Role, User};
use super::super::paging::{self, Entry, Params, Shape};
use super::super::store::hash_password;
use super::auth::Caller;
use super::body::{self, invalid_on};
use super::{api_log, organizations, roles, strategies};
use crate::clock::iso;

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
    let (b, sent): (NewUser, _) = body::parse(&raw, CREATE_FIELDS, &["connection"])?;
    let database = caller
        .read()
        .connections
        .values()
        .any(|c| c.name == b.connection && strategies::is_database(&c.strategy));
    if !database {
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
        connection: b.connection,
        totp_secret: None,
        extra: b.extra,
    };
    let out = user_json(&user);
    // Auth0 logs a successful sign-up (`ss`) for a user made through the API too.
    let mut details = api_log::masked(Value::Object(sent));
    details["client_id"] = json!(caller.client_id);
    details["tenant"] = json!(t.name);
    let event = LogEvent {
        log_id: String::new(),
        date: now,
        kind: "ss".into(),
        description: String::new(),
        client_id: Some(caller.client_id.clone()),
        client_name: t.clients.get(&caller.client_id).map(|c| c.name.clone()),
        ip: String::new(),
        user_id: Some(user.user_id.clone()),
        user_name: Some(
            user.extra
                .get("username")
                .and_then(Value::as_str)
                .unwrap_or(&user.email)
                .to_string(),
        ),
        organization_id: None,
        organization_name: None,
        audience: None,
        scope: None,
        details: Some(json!({ "body": details })),
        connection: t.log_connection(&user.connection),
    };
    t.push_log(event);
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
    for ahead in t.roles_ahead.values_mut() {
        ahead.remove(&id);
    }
    t.sessions.retain(|_, s| s.user_id != id);
    Ok(StatusCode::NO_CONTENT)
}

/// Every property of Auth0's `UpdateUserRequestContent`.
const UPDATE_FIELDS: &[&str] = &[
    "blocked",
    "email_verified",
    "email",
    "phone_number",
    "phone_verified",
    "user_metadata",
    "app_metadata",
    "given_name",
    "family_name",
    "name",
    "nickname",
    "picture",
    "verify_email",
    "verify_phone_number",
    "password",
    "connection",
    "client_id",
    "username",
];

fn text(v: &Value, property: &str) -> Result<String, MgmtError> {
    v.as_str()
        .map(String::from)
        .ok_or_else(|| invalid_on("Expected type string", property))
}

/// Auth0 merges metadata one level deep; a null value removes its key.
fn merge_metadata(held: Option<&Value>, patch: &Value) -> Option<Value> {
    let mut merged = held.and_then(Value::as_object).cloned().unwrap_or_default();
    for (k, v) in patch.as_object()? {
        if v.is_null() {
            merged.remove(k);
        } else {
            merged.insert(k.clone(), v.clone());
        }
    }
    Some(Value::Object(merged))
}

/// `PATCH /api/v2/users/{id}`: profile fields replaced, metadata merged, a new password noted as
/// `last_password_reset` (recorded).
pub async fn update_user(
    caller: Caller,
    Path(id): Path<String>,
    raw: Bytes,
) -> Result<Json<Value>, MgmtError> {
    caller.require(&["update:users", "update:users_app_metadata"])?;
    let (patch, _): (serde_json::Map<String, Value>, _) = body::parse(&raw, UPDATE_FIELDS, &[])?;
    let now = caller.now_ms();
    let mut t = caller.write();
    if let Some(email) = patch.get("email") {
        let lowered = text(email, "email")?.to_ascii_lowercase();
        if t.user_by_email(&lowered).is_some_and(|u| u.user_id != id) {
            return Err(MgmtError::conflict(
                "The specified new email already exists",
                Some("auth0_idp_error"),
            ));
        }
    }
    let u = t.users.get_mut(&id).ok_or_else(missing_user)?;
    for (k, v) in &patch {
        match k.as_str() {
            // How to reach the user and whom to notify: nothing to keep.
            "connection" | "client_id" | "verify_email" | "verify_phone_number" => {}
            "password" => {
                u.password_hash = hash_password(&u.user_id, &text(v, k)?);
                u.extra
                    .insert("last_password_reset".into(), json!(iso(now)));
            }
            "email" => u.email = text(v, k)?.to_ascii_lowercase(),
            "email_verified" => {
                u.email_verified = v
                    .as_bool()
                    .ok_or_else(|| invalid_on("Expected type boolean", k))?;
            }
            "name" => u.name = text(v, k)?,
            "nickname" => u.nickname = Some(text(v, k)?),
            "picture" => u.picture = Some(text(v, k)?),
            "app_metadata" | "user_metadata" => {
                match merge_metadata(u.extra.get(k), v) {
                    Some(merged) => u.extra.insert(k.clone(), merged),
                    None => u.extra.remove(k),
                };
            }
            _ if v.is_null() => {
                u.extra.remove(k);
            }
            _ => {
                u.extra.insert(k.clone(), v.clone());
            }
        }
    }
    u.updated_at = now;
    Ok(Json(user_json(u)))
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
        "identities": [{ "connection": u.connection, "user_id": raw_id, "provider": provider, "isSocial": false }],
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
