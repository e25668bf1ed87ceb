//! `/api/v2/roles/{id}/permissions`: the API scopes a role carries into RBAC access tokens. Shapes
//! as go-auth0 recorded them: 201 `{}` on add, 204 on remove, offset pages of
//! `{permission_name, description, resource_server_name, resource_server_identifier}`.

use axum::body::Bytes;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::super::errors::MgmtError;
use super::super::model::Permission;
use super::super::paging::{self, Entry, Params, Shape};
use super::super::store::TenantState;
use super::auth::Caller;
use super::body::{self, invalid_on};
use super::roles;

const SHAPE: Shape = Shape::offset("permissions");

#[derive(Deserialize)]
struct PermissionsBody {
    permissions: Vec<Permission>,
}

/// The permissions a body names: at least one, each a scope its API defines.
fn requested(t: &TenantState, raw: &Bytes) -> Result<Vec<Permission>, MgmtError> {
    let (b, _): (PermissionsBody, _) = body::parse(raw, &["permissions"], &["permissions"])?;
    if b.permissions.is_empty() {
        return Err(invalid_on(
            "Array is too short (0), minimum 1",
            "permissions",
        ));
    }
    for p in &b.permissions {
        let defined = t
            .resource_servers
            .values()
            .find(|rs| rs.identifier == p.resource_server_identifier)
            .is_some_and(|rs| rs.scopes.iter().any(|s| s.value == p.permission_name));
        if !defined {
            return Err(MgmtError::bad_request(format!(
                "Permission {} does not exist on resource server {}",
                p.permission_name, p.resource_server_identifier
            )));
        }
    }
    Ok(b.permissions)
}

pub async fn list(
    caller: Caller,
    Path(id): Path<String>,
    Query(params): Query<Params>,
) -> Result<Json<Value>, MgmtError> {
    caller.require(&["read:roles"])?;
    let paging = paging::parse(&params, &SHAPE)?;
    let t = caller.read();
    let role = t.roles.get(&id).ok_or_else(roles::role_missing)?;
    let entries: Vec<_> = role.permissions.iter().map(Entry::of).collect();
    paging::render(&entries, &paging, &SHAPE, |p| {
        let api = t
            .resource_servers
            .values()
            .find(|rs| rs.identifier == p.resource_server_identifier);
        let description = api
            .and_then(|rs| rs.scopes.iter().find(|s| s.value == p.permission_name))
            .map(|s| s.description.clone());
        let mut out = json!({
            "permission_name": p.permission_name,
            "resource_server_identifier": p.resource_server_identifier,
        });
        // Left out, not null, when there is none (Auth0's schema has strings only).
        if let Some(d) = description {
            out["description"] = json!(d);
        }
        if let Some(n) = api.and_then(|rs| rs.name.as_ref()) {
            out["resource_server_name"] = json!(n);
        }
        out
    })
    .map(Json)
}

/// 201 with `{}`; a permission the role already has is not added twice.
pub async fn add(
    caller: Caller,
    Path(id): Path<String>,
    raw: Bytes,
) -> Result<Response, MgmtError> {
    caller.require(&["update:roles"])?;
    let mut t = caller.write();
    if !t.roles.contains_key(&id) {
        return Err(roles::role_missing());
    }
    let named = requested(&t, &raw)?;
    let role = t.roles.get_mut(&id).ok_or_else(roles::role_missing)?;
    for p in named {
        if !role.permissions.contains(&p) {
            role.permissions.push(p);
        }
    }
    Ok((StatusCode::CREATED, Json(json!({}))).into_response())
}

pub async fn remove(
    caller: Caller,
    Path(id): Path<String>,
    raw: Bytes,
) -> Result<StatusCode, MgmtError> {
    caller.require(&["update:roles"])?;
    let mut t = caller.write();
    if !t.roles.contains_key(&id) {
        return Err(roles::role_missing());
    }
    let (b, _): (PermissionsBody, _) = body::parse(&raw, &["permissions"], &["permissions"])?;
    let role = t.roles.get_mut(&id).ok_or_else(roles::role_missing)?;
    role.permissions
        .retain(|held| !b.permissions.contains(held));
    Ok(StatusCode::NO_CONTENT)
}
