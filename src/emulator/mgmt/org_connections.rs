//! `/api/v2/organizations/{id}/enabled_connections` — the connections an organization's members sign
//! in with: list, enable, read, change, disable. Answers as go-auth0's recordings show them
//! (`connection: {name, strategy}` alongside; `is_signup_enabled` only where it was set).

use axum::body::Bytes;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::super::errors::MgmtError;
use super::super::model::OrgConnection;
use super::super::paging::{Params, Shape};
use super::super::store::TenantState;
use super::auth::Caller;
use super::body::{self, invalid};
use super::{organizations, strategies};

/// `AddOrganizationConnectionRequestContent`.
pub const ADD_FIELDS: &[&str] = &[
    "connection_id",
    "assign_membership_on_login",
    "is_signup_enabled",
    "show_as_button",
];
const UPDATE_FIELDS: &[&str] = &[
    "assign_membership_on_login",
    "is_signup_enabled",
    "show_as_button",
];
const SHAPE: Shape = Shape::offset("enabled_connections");

fn not_enabled() -> MgmtError {
    MgmtError::not_found("No connection found by that id", None)
}

pub fn render(t: &TenantState, e: &OrgConnection) -> Value {
    let mut m = Map::new();
    m.insert("connection_id".into(), json!(e.connection_id));
    m.insert(
        "assign_membership_on_login".into(),
        json!(e.assign_membership_on_login),
    );
    if let Some(signup) = e.is_signup_enabled {
        m.insert("is_signup_enabled".into(), json!(signup));
    }
    m.insert("show_as_button".into(), json!(e.show_as_button));
    if let Some(c) = t.connections.get(&e.connection_id) {
        m.insert(
            "connection".into(),
            json!({ "name": c.name, "strategy": c.strategy }),
        );
    }
    Value::Object(m)
}

#[derive(Deserialize)]
pub struct Settings {
    connection_id: Option<String>,
    assign_membership_on_login: Option<bool>,
    is_signup_enabled: Option<bool>,
    show_as_button: Option<bool>,
}

/// Sign-up through an organization needs a database connection that makes members on login.
fn check_signup(t: &TenantState, e: &OrgConnection) -> Result<(), MgmtError> {
    let database = t
        .connections
        .get(&e.connection_id)
        .is_some_and(|c| strategies::is_database(&c.strategy));
    if e.is_signup_enabled == Some(true) && !(database && e.assign_membership_on_login) {
        return Err(MgmtError::bad_request(
            "Only database connections with assign_membership_on_login = true support is_signup_enabled = true.",
        ));
    }
    Ok(())
}

/// One connection to enable, checked against the tenant: it must exist and not be enabled yet.
pub fn enabling(t: &TenantState, org_id: &str, s: Settings) -> Result<OrgConnection, MgmtError> {
    let connection_id = s.connection_id.unwrap_or_default();
    if !t.connections.contains_key(&connection_id) {
        return Err(MgmtError::bad_request("The connection does not exist"));
    }
    if t.org_connections
        .get(org_id)
        .is_some_and(|e| e.contains_key(&connection_id))
    {
        return Err(MgmtError::conflict(
            "The connection is already enabled for this organization",
            Some("conflict"),
        ));
    }
    let e = OrgConnection {
        connection_id,
        assign_membership_on_login: s.assign_membership_on_login.unwrap_or(false),
        show_as_button: s.show_as_button.unwrap_or(true),
        is_signup_enabled: s.is_signup_enabled,
    };
    check_signup(t, &e)?;
    Ok(e)
}

/// Reads one item of an organization's `enabled_connections` on create.
pub fn settings(v: &Value) -> Result<Settings, MgmtError> {
    let Value::Object(m) = v else {
        return Err(invalid(
            "Expected type object on property enabled_connections",
        ));
    };
    if let Some(extra) = m.keys().find(|k| !ADD_FIELDS.contains(&k.as_str())) {
        return Err(invalid(format!(
            "Additional properties not allowed: {extra}"
        )));
    }
    if !m.contains_key("connection_id") {
        return Err(invalid("Missing required property: connection_id"));
    }
    serde_json::from_value(v.clone()).map_err(|e| invalid(e.to_string()))
}

pub async fn list(
    caller: Caller,
    Path(id): Path<String>,
    Query(params): Query<Params>,
) -> Result<Json<Value>, MgmtError> {
    caller.require(&["read:organization_connections"])?;
    let per_page = params.int("per_page", 1, SHAPE.max_per_page)?.unwrap_or(50) as usize;
    let page = params.int("page", 0, i64::MAX)?.unwrap_or(0) as usize;
    let totals = params.bool("include_totals")?.unwrap_or(false);
    let t = caller.read();
    if !t.organizations.contains_key(&id) {
        return Err(organizations::not_found());
    }
    let all: Vec<&OrgConnection> = t
        .org_connections
        .get(&id)
        .map(|e| e.values().collect())
        .unwrap_or_default();
    let start = page.saturating_mul(per_page);
    let items: Vec<Value> = all
        .iter()
        .skip(start)
        .take(per_page)
        .map(|e| render(&t, e))
        .collect();
    if !totals {
        return Ok(Json(Value::Array(items)));
    }
    // Recorded: `limit` is the number of items returned, not `per_page`.
    Ok(Json(json!({
        "enabled_connections": items.clone(),
        "start": start,
        "limit": items.len(),
        "total": all.len(),
    })))
}

pub async fn add(
    caller: Caller,
    Path(id): Path<String>,
    raw: Bytes,
) -> Result<Response, MgmtError> {
    caller.require(&["create:organization_connections"])?;
    let (s, _): (Settings, _) = body::parse(&raw, ADD_FIELDS, &["connection_id"])?;
    let mut t = caller.write();
    if !t.organizations.contains_key(&id) {
        return Err(organizations::not_found());
    }
    let e = enabling(&t, &id, s)?;
    let out = render(&t, &e);
    t.org_connections
        .entry(id)
        .or_default()
        .insert(e.connection_id.clone(), e);
    Ok((StatusCode::CREATED, Json(out)).into_response())
}

pub async fn get(
    caller: Caller,
    Path((id, connection_id)): Path<(String, String)>,
) -> Result<Json<Value>, MgmtError> {
    caller.require(&["read:organization_connections"])?;
    let t = caller.read();
    if !t.organizations.contains_key(&id) {
        return Err(organizations::not_found());
    }
    let e = t
        .org_connections
        .get(&id)
        .and_then(|e| e.get(&connection_id))
        .ok_or_else(not_enabled)?;
    Ok(Json(render(&t, e)))
}

pub async fn update(
    caller: Caller,
    Path((id, connection_id)): Path<(String, String)>,
    raw: Bytes,
) -> Result<Json<Value>, MgmtError> {
    caller.require(&["update:organization_connections"])?;
    let (s, _): (Settings, _) = body::parse(&raw, UPDATE_FIELDS, &[])?;
    let mut t = caller.write();
    if !t.organizations.contains_key(&id) {
        return Err(organizations::not_found());
    }
    let mut e = t
        .org_connections
        .get(&id)
        .and_then(|e| e.get(&connection_id))
        .cloned()
        .ok_or_else(not_enabled)?;
    if let Some(v) = s.assign_membership_on_login {
        e.assign_membership_on_login = v;
    }
    if let Some(v) = s.show_as_button {
        e.show_as_button = v;
    }
    if s.is_signup_enabled.is_some() {
        e.is_signup_enabled = s.is_signup_enabled;
    }
    check_signup(&t, &e)?;
    let out = render(&t, &e);
    if let Some(enabled) = t.org_connections.get_mut(&id) {
        enabled.insert(connection_id, e);
    }
    Ok(Json(out))
}

pub async fn remove(
    caller: Caller,
    Path((id, connection_id)): Path<(String, String)>,
) -> Result<StatusCode, MgmtError> {
    caller.require(&["delete:organization_connections"])?;
    let mut t = caller.write();
    if !t.organizations.contains_key(&id) {
        return Err(organizations::not_found());
    }
    t.org_connections
        .get_mut(&id)
        .and_then(|e| e.shift_remove(&connection_id))
        .ok_or_else(not_enabled)?;
    Ok(StatusCode::NO_CONTENT)
}
