//! `/api/v2/organizations` — Auth0 Management API "Organizations": list, get by id or name, create,
//! update, delete (SPEC §3.3).

use axum::body::Bytes;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use indexmap::IndexMap;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::super::errors::MgmtError;
use super::super::ids;
use super::super::model::Organization;
use super::super::paging::{self, Entry, Params, Shape};
use super::super::quota;
use super::auth::Caller;
use super::body::{self, invalid_on};
use super::org_connections;

const READ: &[&str] = &["read:organizations", "read:organizations_summary"];
/// Auth0's `CreateOrganizationRequestContent`, and the two app-entitlement flags Auth0 accepts
/// beyond that document (kept and answered back, not acted on).
const CREATE_FIELDS: &[&str] = &[
    "name",
    "display_name",
    "branding",
    "metadata",
    "enabled_connections",
    "token_quota",
    "is_app_entitlement_active",
    "third_party_client_access",
];
/// `UpdateOrganizationRequestContent`: connections are enabled through their own endpoint.
const UPDATE_FIELDS: &[&str] = &[
    "name",
    "display_name",
    "branding",
    "metadata",
    "token_quota",
    "is_app_entitlement_active",
    "third_party_client_access",
];
const TYPED: &[&str] = &[
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
    if let Some(q) = &o.token_quota {
        m.insert("token_quota".into(), q.clone());
    }
    let mut v = Value::Object(m);
    body::answer_back(&mut v, &o.extra);
    v
}

#[derive(Deserialize)]
struct OrgBody {
    name: Option<String>,
    display_name: Option<String>,
    branding: Option<Value>,
    metadata: Option<Map<String, Value>>,
    enabled_connections: Option<Vec<Value>>,
    // Read only to refuse a wrong type; kept through `extra`. Auth0 documents no values for the
    // access setting, so any string is kept.
    #[allow(dead_code)]
    is_app_entitlement_active: Option<bool>,
    #[allow(dead_code)]
    third_party_client_access: Option<String>,
}

/// Lowercase letters, digits, `_` and `-`, 1–50 characters (SPEC §3.3).
pub fn valid_name(name: &str) -> bool {
    (1..=50).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
}

fn validate(b: &OrgBody, map: &Map<String, Value>) -> Result<(), MgmtError> {
    if let Some(q) = map.get("token_quota") {
        quota::validate(q, "token_quota")?;
    }

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
    let (b, map): (OrgBody, _) = body::parse(&raw, CREATE_FIELDS, &["name"])?;
    validate(&b, &map)?;
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
        token_quota: map.get("token_quota").filter(|q| !q.is_null()).cloned(),
        created_at: caller.now_ms(),
        extra: body::untyped(&map, TYPED),
    };
    let mut enabled = IndexMap::new();
    for item in b.enabled_connections.unwrap_or_default() {
        let e = org_connections::enabling(&t, &org.id, org_connections::settings(&item)?)?;
        if enabled.contains_key(&e.connection_id) {
            return Err(invalid_on("Duplicate connection_id", "enabled_connections"));
        }
        enabled.insert(e.connection_id.clone(), e);
    }
    let mut out = render(&org);
    if !enabled.is_empty() {
        let rendered: Vec<Value> = enabled
            .values()
            .map(|e| org_connections::render(&t, e))
            .collect();
        out["enabled_connections"] = Value::Array(rendered);
        t.org_connections.insert(org.id.clone(), enabled);
    }
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
    let (b, map): (OrgBody, _) = body::parse(&raw, UPDATE_FIELDS, &[])?;
    validate(&b, &map)?;
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
    if let Some(q) = map.get("token_quota") {
        org.token_quota = Some(q.clone()).filter(|q| !q.is_null());
    }
    body::keep(&mut org.extra, &map, TYPED);
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
