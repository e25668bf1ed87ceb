//! The read-mostly directory: `/api/v2/roles`, `/api/v2/resource-servers`, `/api/v2/users/{id}` and
//! `/api/v2/users/{id}/organizations` (SPEC §3.8–§3.10).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::super::errors::MgmtError;
use super::super::ids;
use super::super::model::{ResourceServer, Role, Scope};
use super::super::paging::{self, Entry, Params, Shape};
use super::super::Emulator;
use super::auth::Caller;
use super::body::{self, invalid};
use super::organizations;
use crate::clock::iso;

fn role_json(r: &Role) -> Value {
    json!({ "id": r.id, "name": r.name, "description": r.description.clone().unwrap_or_default() })
}

fn role_missing() -> MgmtError {
    MgmtError::not_found("The role does not exist.", None)
}

pub async fn list_roles(
    State(e): State<Arc<Emulator>>,
    caller: Caller,
    Query(params): Query<Params>,
) -> Result<Json<Value>, MgmtError> {
    caller.require(&["read:roles"])?;
    const SHAPE: Shape = Shape::offset("roles");
    let paging = paging::parse(&params, &SHAPE)?;
    let filter = params.get("name_filter").map(str::to_lowercase);
    let t = e.read();
    let entries: Vec<_> = t
        .roles
        .values()
        .filter(|r| {
            filter
                .as_ref()
                .is_none_or(|f| r.name.to_lowercase().contains(f))
        })
        .map(|r| Entry {
            id: &r.id,
            created_at: 0,
            item: r,
        })
        .collect();
    paging::render(&entries, &paging, &SHAPE, role_json).map(Json)
}

pub async fn get_role(
    State(e): State<Arc<Emulator>>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Value>, MgmtError> {
    caller.require(&["read:roles"])?;
    e.read()
        .roles
        .get(&id)
        .map(|r| Json(role_json(r)))
        .ok_or_else(role_missing)
}

#[derive(Deserialize)]
struct RoleBody {
    name: String,
    description: Option<String>,
}

/// 200, not 201, and `description: null` when omitted (SPEC §3.8, EX role-01).
pub async fn create_role(
    State(e): State<Arc<Emulator>>,
    caller: Caller,
    raw: Bytes,
) -> Result<Json<Value>, MgmtError> {
    caller.require(&["create:roles"])?;
    let (b, _): (RoleBody, _) = body::parse(&raw, &["name", "description"], &["name"])?;
    body::check_len(&b.name, "name", 1, 50)?;
    let mut t = e.write();
    if t.roles.values().any(|r| r.name == b.name) {
        return Err(MgmtError::conflict("The role already exists.", None));
    }
    if t.roles.len() >= 1000 {
        return Err(MgmtError::new(
            StatusCode::FORBIDDEN,
            "You reached the limit of entities of this type for this tenant.",
            Some("too_many_entities"),
        ));
    }
    let role = Role {
        id: ids::role(),
        name: b.name,
        description: b.description,
        permissions: Vec::new(),
    };
    let out = json!({ "id": role.id, "name": role.name, "description": role.description });
    t.roles.insert(role.id.clone(), role);
    Ok(Json(out))
}

pub async fn delete_role(
    State(e): State<Arc<Emulator>>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, MgmtError> {
    caller.require(&["delete:roles"])?;
    let mut t = e.write();
    if t.roles.shift_remove(&id).is_none() {
        return Err(role_missing());
    }
    for members in t.members.values_mut() {
        for m in members.values_mut() {
            m.roles.retain(|r| r != &id);
        }
    }
    Ok(StatusCode::OK)
}

fn rs_json(r: &ResourceServer) -> Value {
    let mut v = json!({
        "id": r.id,
        "name": r.name,
        "identifier": r.identifier,
        "signing_alg": "RS256",
        "allow_offline_access": r.allow_offline_access,
        "skip_consent_for_verifiable_first_party_clients": false,
        "token_lifetime": r.token_lifetime,
        "token_lifetime_for_web": 7200,
        "subject_type_authorization": { "client": { "policy": "require_client_grant" }, "user": { "policy": "allow_all" } },
    });
    if r.is_system {
        v["is_system"] = json!(true);
    }
    if !r.scopes.is_empty() {
        v["scopes"] = json!(r.scopes);
    }
    if let Some(p) = r.enforce_policies {
        v["enforce_policies"] = json!(p);
    }
    if let Some(d) = &r.token_dialect {
        v["token_dialect"] = json!(d);
    }
    v
}

fn rs_missing() -> MgmtError {
    MgmtError::not_found(
        "The resource server does not exist",
        Some("inexistent_resource_server"),
    )
}

pub async fn list_resource_servers(
    State(e): State<Arc<Emulator>>,
    caller: Caller,
    Query(params): Query<Params>,
) -> Result<Json<Value>, MgmtError> {
    caller.require(&["read:resource_servers"])?;
    const SHAPE: Shape = Shape {
        totals_first: true,
        ..Shape::offset("resource_servers")
    };
    let paging = paging::parse(&params, &SHAPE)?;
    let fields = params.field_filter()?;
    let identifiers = params.all("identifiers");
    if identifiers.len() > 10 {
        return Err(MgmtError::invalid_query(
            "Too many items (max 10) on property identifiers.",
        ));
    }
    let t = e.read();
    let entries: Vec<_> = t
        .resource_servers
        .values()
        .filter(|r| identifiers.is_empty() || identifiers.contains(&r.identifier.as_str()))
        .map(|r| Entry {
            id: &r.id,
            created_at: 0,
            item: r,
        })
        .collect();
    paging::render(&entries, &paging, &SHAPE, |r| {
        paging::apply_fields(rs_json(r), &fields)
    })
    .map(Json)
}

/// Accepts the id or the audience (SPEC §3.9).
pub async fn get_resource_server(
    State(e): State<Arc<Emulator>>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Value>, MgmtError> {
    caller.require(&["read:resource_servers"])?;
    let t = e.read();
    t.resource_servers
        .get(&id)
        .or_else(|| t.resource_server_by_audience(&id))
        .map(|r| Json(rs_json(r)))
        .ok_or_else(rs_missing)
}

#[derive(Deserialize)]
struct RsBody {
    name: Option<String>,
    identifier: String,
    #[serde(default)]
    scopes: Vec<Scope>,
    enforce_policies: Option<bool>,
    token_dialect: Option<String>,
    token_lifetime: Option<i64>,
    #[serde(default)]
    allow_offline_access: bool,
}

pub async fn create_resource_server(
    State(e): State<Arc<Emulator>>,
    caller: Caller,
    raw: Bytes,
) -> Result<Response, MgmtError> {
    caller.require(&["create:resource_servers"])?;
    let (b, _): (RsBody, _) = body::parse(
        &raw,
        &[
            "name",
            "identifier",
            "scopes",
            "enforce_policies",
            "token_dialect",
            "token_lifetime",
            "allow_offline_access",
            "signing_alg",
        ],
        &["identifier"],
    )?;
    let mut t = e.write();
    if t.resource_server_by_audience(&b.identifier).is_some() {
        return Err(MgmtError::conflict(
            "A resource server with the same identifier already exists.",
            Some("operation_not_supported"),
        ));
    }
    let rs = ResourceServer {
        id: ids::resource_server(),
        name: b.name.unwrap_or_else(|| b.identifier.clone()),
        identifier: b.identifier,
        scopes: b.scopes,
        token_lifetime: b.token_lifetime.unwrap_or(86400),
        enforce_policies: b.enforce_policies,
        token_dialect: b.token_dialect,
        allow_offline_access: b.allow_offline_access,
        is_system: false,
    };
    let out = rs_json(&rs);
    t.resource_servers.insert(rs.id.clone(), rs);
    Ok((StatusCode::CREATED, Json(out)).into_response())
}

#[derive(Deserialize)]
struct RsPatch {
    name: Option<String>,
    scopes: Option<Vec<Scope>>,
    enforce_policies: Option<bool>,
    token_dialect: Option<String>,
}

pub async fn update_resource_server(
    State(e): State<Arc<Emulator>>,
    caller: Caller,
    Path(id): Path<String>,
    raw: Bytes,
) -> Result<Json<Value>, MgmtError> {
    caller.require(&["update:resource_servers"])?;
    let (b, _): (RsPatch, _) = body::parse(
        &raw,
        &["name", "scopes", "enforce_policies", "token_dialect"],
        &[],
    )?;
    let mut t = e.write();
    let rs = t.resource_servers.get_mut(&id).ok_or_else(rs_missing)?;
    if rs.is_system {
        return Err(MgmtError::new(
            StatusCode::FORBIDDEN,
            "You cannot update a system resource server.",
            Some("operation_not_supported"),
        ));
    }
    if let Some(v) = b.name {
        rs.name = v;
    }
    if let Some(v) = b.scopes {
        rs.scopes = v;
    }
    if b.enforce_policies.is_some() {
        rs.enforce_policies = b.enforce_policies;
    }
    if b.token_dialect.is_some() {
        rs.token_dialect = b.token_dialect;
    }
    Ok(Json(rs_json(rs)))
}

pub async fn delete_resource_server(
    State(e): State<Arc<Emulator>>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, MgmtError> {
    caller.require(&["delete:resource_servers"])?;
    let mut t = e.write();
    match t.resource_servers.get(&id) {
        Some(rs) if rs.is_system => Err(invalid("You cannot delete a system resource server.")),
        Some(_) => {
            t.resource_servers.shift_remove(&id);
            Ok(StatusCode::NO_CONTENT)
        }
        None => Ok(StatusCode::NO_CONTENT),
    }
}

pub async fn get_user(
    State(e): State<Arc<Emulator>>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Value>, MgmtError> {
    caller.require(&["read:users", "read:current_user", "read:user_idp_tokens"])?;
    let t = e.read();
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
    State(e): State<Arc<Emulator>>,
    caller: Caller,
    Query(params): Query<Params>,
) -> Result<Json<Value>, MgmtError> {
    caller.require(&["read:users"])?;
    let email = params
        .get("email")
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .ok_or_else(|| MgmtError::invalid_query("Missing required property: email"))?;
    let t = e.read();
    let users: Vec<Value> = t
        .users
        .values()
        .filter(|u| u.email.eq_ignore_ascii_case(&email))
        .map(user_json)
        .collect();
    Ok(Json(Value::Array(users)))
}

pub async fn user_organizations(
    State(e): State<Arc<Emulator>>,
    caller: Caller,
    Path(id): Path<String>,
    Query(params): Query<Params>,
) -> Result<Json<Value>, MgmtError> {
    caller.require(&["read:users", "read:organizations"])?;
    const SHAPE: Shape = Shape {
        max_records: Some(1000),
        ..Shape::offset("organizations")
    };
    let paging = paging::parse(&params, &SHAPE)?;
    let t = e.read();
    if !t.users.contains_key(&id) {
        return Err(MgmtError::not_found(
            "The user does not exist.",
            Some("inexistent_user"),
        ));
    }
    let entries: Vec<_> = t
        .organizations_of(&id)
        .into_iter()
        .map(|o| Entry {
            id: &o.id,
            created_at: o.created_at,
            item: o,
        })
        .collect();
    paging::render(&entries, &paging, &SHAPE, organizations::render).map(Json)
}
