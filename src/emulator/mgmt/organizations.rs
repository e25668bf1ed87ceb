//! `/api/v2/organizations` — Auth0 Management API "Organizations": list, get by id or name, create,
//! update, delete (SPEC §3.3).

use axum::body::Bytes;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::super::errors::MgmtError;
use super::super::ids;
use super::super::model::Organization;
use super::super::paging::{self, Entry, Params, Shape};
use super::auth::Caller;
use super::body::{self, invalid_on};

const READ: &[&str] = &["read:organizations", "read:organizations_summary"];
const FIELDS: &[&str] = &[
    "name",
    "display_name",
    "branding",
    "metadata",
    "enabled_connections",
    "token_quota",
];
const SHAPE: Shape = Shape {
    checkpoint: true,
    max_records: Some(1000),
    ..Shape::offset("organizations")
};

pub fn not_found() -> MgmtError {
    MgmtError::not_found("No organization found by that id or name", None)
}

pub fn render(o: &Organization) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), json!(o.id));
    m.insert("name".into(), json!(o.name));
    if let Some(d) = &o.display_name {
        m.insert("display_name".into(), json!(d));
    }
    if let Some(b) = &o.branding {
        m.insert("branding".into(), b.clone());
    }
    if let Some(md) = &o.metadata {
        m.insert("metadata".into(), Value::Object(md.clone()));
    }
    Value::Object(m)
}

#[derive(Deserialize)]
struct OrgBody {
    name: Option<String>,
    display_name: Option<String>,
    branding: Option<Value>,
    metadata: Option<Map<String, Value>>,
    enabled_connections: Option<Vec<Value>>,
}

/// Lowercase letters, digits, `_` and `-`, 1–50 characters (SPEC §3.3).
pub fn valid_name(name: &str) -> bool {
    (1..=50).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
}

fn validate(b: &OrgBody) -> Result<(), MgmtError> {
    if let Some(name) = &b.name {
        if !valid_name(name) {
            return Err(invalid_on(
                format!("String does not match pattern ^[a-z0-9_-]+$: {name}"),
                "name",
            ));
        }
    }
    if let Some(d) = &b.display_name {
        body::check_len(d, "display_name", 1, 255)?;
    }
    if let Some(md) = &b.metadata {
        if md.len() > 25 {
            return Err(invalid_on("Too many properties, maximum 25", "metadata"));
        }
        if let Some((k, _)) = md
            .iter()
            .find(|(_, v)| !(v.is_null() || v.as_str().is_some_and(|s| s.len() <= 255)))
        {
            return Err(invalid_on(
                "Expected type string (max 255 chars)",
                &format!("metadata.{k}"),
            ));
        }
    }
    if b.enabled_connections
        .as_ref()
        .is_some_and(|c| !c.is_empty())
    {
        return Err(MgmtError::new(
            StatusCode::BAD_REQUEST,
            "Connections are not supported by the local tenant.",
            Some("operation_not_supported"),
        ));
    }
    Ok(())
}

pub async fn list(caller: Caller, Query(params): Query<Params>) -> Result<Json<Value>, MgmtError> {
    caller.require(READ)?;
    let paging = paging::parse(&params, &SHAPE)?;
    let t = caller.read();
    let mut orgs: Vec<&Organization> = t.organizations.values().collect();
    if let Some(sort) = params.get("sort") {
        let (field, dir) = sort.split_once(':').unwrap_or((sort, "1"));
        match field {
            "name" => orgs.sort_by(|a, b| a.name.cmp(&b.name)),
            "display_name" => orgs.sort_by(|a, b| a.display_name.cmp(&b.display_name)),
            "created_at" => orgs.sort_by_key(|o| o.created_at),
            _ => {
                return Err(MgmtError::invalid_query(format!(
                    "Invalid sort field {field}"
                )))
            }
        }
        if dir == "-1" {
            orgs.reverse();
        }
    }
    let entries: Vec<_> = orgs.into_iter().map(Entry::of).collect();
    paging::render(&entries, &paging, &SHAPE, render).map(Json)
}

pub async fn get(caller: Caller, Path(id): Path<String>) -> Result<Json<Value>, MgmtError> {
    caller.require(READ)?;
    let t = caller.read();
    t.organizations
        .get(&id)
        .map(|o| Json(render(o)))
        .ok_or_else(not_found)
}

pub async fn get_by_name(
    caller: Caller,
    Path(name): Path<String>,
) -> Result<Json<Value>, MgmtError> {
    caller.require(&["read:organizations"])?;
    let t = caller.read();
    t.organizations
        .values()
        .find(|o| o.name == name)
        .map(|o| Json(render(o)))
        .ok_or_else(not_found)
}

fn conflict() -> MgmtError {
    MgmtError::conflict(
        "An organization with the same name already exists.",
        Some("organization_conflict"),
    )
}

pub async fn create(caller: Caller, raw: Bytes) -> Result<Response, MgmtError> {
    caller.require(&["create:organizations"])?;
    let (b, _): (OrgBody, _) = body::parse(&raw, FIELDS, &["name"])?;
    validate(&b)?;
    let name = b.name.unwrap_or_default();
    let mut t = caller.write();
    if t.organizations.values().any(|o| o.name == name) {
        return Err(conflict());
    }
    let org = Organization {
        id: ids::organization(),
        name,
        display_name: b.display_name,
        branding: b.branding,
        metadata: b.metadata,
        created_at: caller.now_ms(),
    };
    let out = render(&org);
    t.members.insert(org.id.clone(), Default::default());
    t.organizations.insert(org.id.clone(), org);
    Ok((StatusCode::CREATED, Json(out)).into_response())
}

pub async fn update(
    caller: Caller,
    Path(id): Path<String>,
    raw: Bytes,
) -> Result<Json<Value>, MgmtError> {
    caller.require(&["update:organizations"])?;
    let (b, map): (OrgBody, _) = body::parse(&raw, FIELDS, &[])?;
    validate(&b)?;
    let mut t = caller.write();
    if let Some(name) = &b.name {
        if t.organizations
            .values()
            .any(|o| &o.name == name && o.id != id)
        {
            return Err(conflict());
        }
    }
    let org = t.organizations.get_mut(&id).ok_or_else(not_found)?;
    if let Some(name) = b.name {
        org.name = name;
    }
    if map.contains_key("display_name") {
        org.display_name = b.display_name;
    }
    if map.contains_key("branding") {
        org.branding = b.branding.filter(|v| !v.is_null());
    }
    if map.contains_key("metadata") {
        org.metadata = b.metadata;
    }
    Ok(Json(render(org)))
}

/// 404 when missing, unlike most deletes (SPEC §1.5). Members are removed, users stay.
pub async fn delete(caller: Caller, Path(id): Path<String>) -> Result<StatusCode, MgmtError> {
    caller.require(&["delete:organizations"])?;
    if caller.write().remove_organization(&id) {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(not_found())
    }
}
