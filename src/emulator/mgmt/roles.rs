//! `/api/v2/roles` (SPEC §3.8).

use axum::body::Bytes;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::super::errors::MgmtError;
use super::super::ids;
use super::super::model::Role;
use super::super::paging::{self, Entry, Params, Shape};
use super::super::store::TenantState;
use super::auth::Caller;
use super::body::{self, invalid};

pub fn role_json(r: &Role) -> Value {
    json!({ "id": r.id, "name": r.name, "description": r.description.clone().unwrap_or_default() })
}

pub fn role_missing() -> MgmtError {
    MgmtError::not_found("The role does not exist.", None)
}

pub async fn list_roles(
    caller: Caller,
    Query(params): Query<Params>,
) -> Result<Json<Value>, MgmtError> {
    const SHAPE: Shape = Shape::offset("roles");
    caller.require(&["read:roles"])?;
    let paging = paging::parse(&params, &SHAPE)?;
    let filter = params.get("name_filter").map(str::to_lowercase);
    let t = caller.read();
    let entries: Vec<_> = t
        .roles
        .values()
        .filter(|r| {
            filter
                .as_ref()
                .is_none_or(|f| r.name.to_lowercase().contains(f))
        })
        .map(Entry::of)
        .collect();
    paging::render(&entries, &paging, &SHAPE, role_json).map(Json)
}

pub async fn get_role(caller: Caller, Path(id): Path<String>) -> Result<Json<Value>, MgmtError> {
    caller.require(&["read:roles"])?;
    caller
        .read()
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
pub async fn create_role(caller: Caller, raw: Bytes) -> Result<Json<Value>, MgmtError> {
    caller.require(&["create:roles"])?;
    let (b, _): (RoleBody, _) = body::parse(&raw, &["name", "description"], &["name"])?;
    body::check_len(&b.name, "name", 1, 50)?;
    let mut t = caller.write();
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

/// 200 with `{}` (recorded by Auth0's Go SDK); the role leaves every member and user holding it.
pub async fn delete_role(caller: Caller, Path(id): Path<String>) -> Result<Json<Value>, MgmtError> {
    caller.require(&["delete:roles"])?;
    let mut t = caller.write();
    if t.roles.shift_remove(&id).is_none() {
        return Err(role_missing());
    }
    for members in t.members.values_mut() {
        for m in members.values_mut() {
            m.roles.retain(|r| r != &id);
        }
    }
    for user in t.users.values_mut() {
        user.roles.retain(|r| r != &id);
    }
    Ok(Json(json!({})))
}

#[derive(Deserialize)]
struct RolePatch {
    name: Option<String>,
    description: Option<String>,
}

/// `PATCH /api/v2/roles/{id}`: name and description.
pub async fn update_role(
    caller: Caller,
    Path(id): Path<String>,
    raw: Bytes,
) -> Result<Json<Value>, MgmtError> {
    caller.require(&["update:roles"])?;
    let (b, map): (RolePatch, _) = body::parse(&raw, &["name", "description"], &[])?;
    if let Some(name) = &b.name {
        body::check_len(name, "name", 1, 50)?;
    }
    let mut t = caller.write();
    if let Some(name) = &b.name {
        if t.roles.values().any(|r| &r.name == name && r.id != id) {
            return Err(MgmtError::conflict("The role already exists.", None));
        }
    }
    let role = t.roles.get_mut(&id).ok_or_else(role_missing)?;
    if let Some(name) = b.name {
        role.name = name;
    }
    if map.contains_key("description") {
        role.description = b.description;
    }
    Ok(Json(role_json(role)))
}

/// Auth0's answer when an assignment names a role the tenant does not have.
pub fn all_exist(t: &TenantState, roles: &[String]) -> Result<(), MgmtError> {
    let unknown: Vec<&str> = roles
        .iter()
        .filter(|r| !t.roles.contains_key(*r))
        .map(String::as_str)
        .collect();
    if unknown.is_empty() {
        return Ok(());
    }
    Err(invalid(format!(
        "One or more of the specified roles do not exist: {}",
        unknown.join(", ")
    )))
}

#[derive(Deserialize)]
struct RolesBody {
    roles: Vec<String>,
}

/// The roles a `{"roles": [...]}` body names: at least one, each existing.
pub fn requested(t: &TenantState, raw: &Bytes) -> Result<Vec<String>, MgmtError> {
    let (b, _): (RolesBody, _) = body::parse(raw, &["roles"], &["roles"])?;
    if b.roles.is_empty() {
        return Err(body::invalid_on(
            "Array is too short (0), minimum 1",
            "roles",
        ));
    }
    all_exist(t, &b.roles)?;
    Ok(b.roles)
}
