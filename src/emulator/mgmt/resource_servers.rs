//! `/api/v2/resource-servers` (SPEC §3.9).

use axum::body::Bytes;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::super::errors::MgmtError;
use super::super::ids;
use super::super::model::{ResourceServer, Scope};
use super::super::paging::{self, Entry, Params, Shape};
use super::super::store::TenantState;
use super::auth::Caller;
use super::body::{self, invalid};

fn rs_json(r: &ResourceServer) -> Value {
    let mut v = json!({
        "id": r.id,
        "identifier": r.identifier,
        "signing_alg": "RS256",
        "allow_offline_access": r.allow_offline_access,
        "skip_consent_for_verifiable_first_party_clients": false,
        "token_lifetime": r.token_lifetime,
        "token_lifetime_for_web": 7200,
        "subject_type_authorization": { "client": { "policy": "require_client_grant" }, "user": { "policy": "allow_all" } },
    });
    if let Some(n) = &r.name {
        v["name"] = json!(n);
    }
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
    body::answer_back(&mut v, &r.extra);
    v
}

/// Every property of Auth0's API schema (`CreateResourceServerRequestContent`), and
/// `token_lifetime_for_web`, which Auth0 still accepts (recorded by its Go SDK).
const CREATE_FIELDS: &[&str] = &[
    "name",
    "identifier",
    "scopes",
    "signing_alg",
    "signing_secret",
    "allow_offline_access",
    "allow_online_access",
    "allow_online_access_with_ephemeral_sessions",
    "token_lifetime",
    "token_lifetime_for_web",
    "token_dialect",
    "skip_consent_for_verifiable_first_party_clients",
    "enforce_policies",
    "token_encryption",
    "consent_policy",
    "authorization_details",
    "proof_of_possession",
    "subject_type_authorization",
    "authorization_policy",
];

/// What the tenant acts on; the rest is kept in `extra`.
const TYPED: &[&str] = &[
    "name",
    "identifier",
    "scopes",
    "enforce_policies",
    "token_dialect",
    "token_lifetime",
    "allow_offline_access",
];

/// An API by id or by identifier; the identifier may come percent-encoded once more (as SDKs send
/// it), and is read back decoded.
fn find_id(t: &TenantState, id: &str) -> Option<String> {
    let decoded = url::form_urlencoded::parse(format!("x={}", id.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    t.resource_servers
        .get(id)
        .or_else(|| t.resource_server_by_audience(id))
        .or_else(|| t.resource_server_by_audience(&decoded))
        .map(|r| r.id.clone())
}

fn rs_missing() -> MgmtError {
    MgmtError::not_found(
        "The resource server does not exist",
        Some("inexistent_resource_server"),
    )
}

pub async fn list_resource_servers(
    caller: Caller,
    Query(params): Query<Params>,
) -> Result<Json<Value>, MgmtError> {
    const SHAPE: Shape = Shape {
        totals_first: true,
        ..Shape::offset("resource_servers")
    };
    caller.require(&["read:resource_servers"])?;
    let paging = paging::parse(&params, &SHAPE)?;
    let fields = params.field_filter()?;
    let identifiers = params.all("identifiers");
    if identifiers.len() > 10 {
        return Err(MgmtError::invalid_query(
            "Too many items (max 10) on property identifiers.",
        ));
    }
    let t = caller.read();
    let entries: Vec<_> = t
        .resource_servers
        .values()
        .filter(|r| identifiers.is_empty() || identifiers.contains(&r.identifier.as_str()))
        .map(Entry::of)
        .collect();
    paging::render(&entries, &paging, &SHAPE, |r| {
        paging::apply_fields(rs_json(r), &fields)
    })
    .map(Json)
}

/// Accepts the id or the audience (SPEC §3.9).
pub async fn get_resource_server(
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Value>, MgmtError> {
    caller.require(&["read:resource_servers"])?;
    let t = caller.read();
    find_id(&t, &id)
        .and_then(|id| t.resource_servers.get(&id))
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

pub async fn create_resource_server(caller: Caller, raw: Bytes) -> Result<Response, MgmtError> {
    caller.require(&["create:resource_servers"])?;
    let (b, map): (RsBody, _) = body::parse(&raw, CREATE_FIELDS, &["identifier"])?;
    let mut t = caller.write();
    if t.resource_server_by_audience(&b.identifier).is_some() {
        return Err(MgmtError::conflict(
            "A resource server with the same identifier already exists.",
            Some("operation_not_supported"),
        ));
    }
    let rs = ResourceServer {
        id: ids::resource_server(),
        name: b.name,
        identifier: b.identifier,
        scopes: b.scopes,
        token_lifetime: b.token_lifetime.unwrap_or(86400),
        enforce_policies: b.enforce_policies,
        token_dialect: b.token_dialect,
        allow_offline_access: b.allow_offline_access,
        is_system: false,
        extra: body::untyped(&map, TYPED),
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
    token_lifetime: Option<i64>,
    allow_offline_access: Option<bool>,
}

pub async fn update_resource_server(
    caller: Caller,
    Path(id): Path<String>,
    raw: Bytes,
) -> Result<Json<Value>, MgmtError> {
    caller.require(&["update:resource_servers"])?;
    // The create schema less `identifier`, which cannot change.
    let fields: Vec<&str> = CREATE_FIELDS
        .iter()
        .copied()
        .filter(|f| *f != "identifier")
        .collect();
    let (b, map): (RsPatch, _) = body::parse(&raw, &fields, &[])?;
    let mut t = caller.write();
    let id = find_id(&t, &id).ok_or_else(rs_missing)?;
    let rs = t.resource_servers.get_mut(&id).ok_or_else(rs_missing)?;
    if rs.is_system {
        return Err(MgmtError::new(
            StatusCode::FORBIDDEN,
            "You cannot update a system resource server.",
            Some("operation_not_supported"),
        ));
    }
    if let Some(v) = b.name {
        rs.name = Some(v);
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
    if let Some(v) = b.token_lifetime {
        rs.token_lifetime = v;
    }
    if let Some(v) = b.allow_offline_access {
        rs.allow_offline_access = v;
    }
    body::keep(&mut rs.extra, &map, TYPED);
    Ok(Json(rs_json(rs)))
}

pub async fn delete_resource_server(
    caller: Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, MgmtError> {
    caller.require(&["delete:resource_servers"])?;
    let mut t = caller.write();
    match t.resource_servers.get(&id) {
        Some(rs) if rs.is_system => Err(invalid("You cannot delete a system resource server.")),
        Some(_) => {
            t.resource_servers.shift_remove(&id);
            Ok(StatusCode::NO_CONTENT)
        }
        None => Ok(StatusCode::NO_CONTENT),
    }
}
