//! `/api/v2/client-grants` — Auth0 Management API "Client Grants", with the organization fields of
//! Machine-to-Machine Access for Organizations (SPEC §3.2).

use axum::body::Bytes;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::super::errors::MgmtError;
use super::super::ids;
use super::super::model::ClientGrant;
use super::super::paging::{self, Entry, Params, Shape};
use super::super::store::{TenantState, DEFAULT_FOR_THIRD_PARTY};
use super::auth::Caller;
use super::body::{self, invalid, invalid_on};
use super::organizations;
use crate::model::m2m::OrganizationUsage;

const SHAPE: Shape = Shape {
    totals_first: true,
    checkpoint: true,
    ..Shape::offset("client_grants")
};

pub fn not_found() -> MgmtError {
    MgmtError::not_found("The grant does not exist.", Some("inexistent_client_grant"))
}

/// Org fields are omitted when never set; `scope` disappears with `allow_all_scopes` (SPEC §3.2).
pub fn render(g: &ClientGrant) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), json!(g.id));
    if let Some(c) = &g.client_id {
        m.insert("client_id".into(), json!(c));
    }
    if let Some(d) = &g.default_for {
        m.insert("default_for".into(), json!(d));
    }
    m.insert("audience".into(), json!(g.audience));
    if g.allow_all_scopes != Some(true) {
        m.insert("scope".into(), json!(g.scope));
    }
    if let Some(u) = g.organization_usage {
        m.insert("organization_usage".into(), json!(u));
    }
    if let Some(a) = g.allow_any_organization {
        m.insert("allow_any_organization".into(), json!(a));
    }
    if g.is_system {
        m.insert("is_system".into(), json!(true));
    }
    m.insert("subject_type".into(), json!(g.subject_type));
    if let Some(t) = &g.authorization_details_types {
        m.insert("authorization_details_types".into(), json!(t));
    }
    if let Some(a) = g.allow_all_scopes {
        m.insert("allow_all_scopes".into(), json!(a));
    }
    Value::Object(m)
}

#[derive(Deserialize)]
struct CreateBody {
    client_id: Option<String>,
    default_for: Option<String>,
    audience: String,
    #[serde(default)]
    scope: Vec<String>,
    organization_usage: Option<OrganizationUsage>,
    allow_any_organization: Option<bool>,
    allow_all_scopes: Option<bool>,
    subject_type: Option<String>,
    authorization_details_types: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct PatchBody {
    scope: Option<Vec<String>>,
    organization_usage: Option<OrganizationUsage>,
    allow_any_organization: Option<bool>,
    allow_all_scopes: Option<bool>,
    authorization_details_types: Option<Vec<String>>,
}

/// Auth0 checks a scope's form only: a scope the API does not define is accepted (recorded by its Go
/// SDK, TestClientGrantManager_Update).
fn check_scopes(scopes: &[String]) -> Result<(), MgmtError> {
    if let Some(s) = scopes
        .iter()
        .find(|s| s.is_empty() || s.chars().count() > 280)
    {
        return Err(invalid_on(format!("Invalid scope value \"{s}\""), "scope"));
    }
    Ok(())
}

fn check_third_party(
    t: &TenantState,
    client_id: &str,
    allow_any: Option<bool>,
) -> Result<(), MgmtError> {
    let first_party = t.clients.get(client_id).is_none_or(|c| c.is_first_party);
    if !first_party && allow_any == Some(true) {
        return Err(invalid(
            "allow_any_organization is not available for third-party clients",
        ));
    }
    Ok(())
}

pub async fn list(caller: Caller, Query(params): Query<Params>) -> Result<Json<Value>, MgmtError> {
    caller.require(&["read:client_grants"])?;
    let paging = paging::parse(&params, &SHAPE)?;
    let audience = params.get("audience");
    let client_id = params.get("client_id");
    let subject = params.get("subject_type");
    let default_for = params.get("default_for");
    if default_for.is_some_and(|d| d != DEFAULT_FOR_THIRD_PARTY) {
        return Err(MgmtError::invalid_query("No enum match for: default_for"));
    }
    let any_org = match params.get("allow_any_organization") {
        None => None,
        Some("true") => Some(true),
        Some(_) => {
            return Err(MgmtError::invalid_query(
                "No enum match for: allow_any_organization",
            ))
        }
    };
    let t = caller.read();
    let entries: Vec<Entry<'_, ClientGrant>> = t
        .grants
        .values()
        .filter(|g| audience.is_none_or(|a| g.audience == a))
        .filter(|g| client_id.is_none_or(|c| g.client_id.as_deref() == Some(c)))
        .filter(|g| default_for.is_none_or(|d| g.default_for.as_deref() == Some(d)))
        .filter(|g| subject.is_none_or(|s| g.subject_type == s))
        .filter(|g| any_org.is_none() || g.allow_any_organization == Some(true))
        .map(Entry::of)
        .collect();
    paging::render(&entries, &paging, &SHAPE, render).map(Json)
}

pub async fn get(caller: Caller, Path(id): Path<String>) -> Result<Json<Value>, MgmtError> {
    caller.require(&["read:client_grants"])?;
    let t = caller.read();
    t.grants
        .get(&id)
        .map(|g| Json(render(g)))
        .ok_or_else(not_found)
}

pub async fn create(caller: Caller, raw: Bytes) -> Result<Response, MgmtError> {
    caller.require(&["create:client_grants"])?;
    let (b, _): (CreateBody, _) = body::parse(
        &raw,
        &[
            "client_id",
            "default_for",
            "audience",
            "scope",
            "organization_usage",
            "allow_any_organization",
            "subject_type",
            "authorization_details_types",
            "allow_all_scopes",
        ],
        &["audience"],
    )?;
    body::check_len(&b.audience, "audience", 1, 600)?;
    // Exactly one of the two: a grant is a client's own or the default for a group.
    let (client_id, default_for) = match (b.client_id, b.default_for) {
        (Some(c), None) => (Some(c), None),
        (None, Some(d)) if d == DEFAULT_FOR_THIRD_PARTY => (None, Some(d)),
        (None, Some(d)) => {
            return Err(invalid_on(
                format!("No enum match for: \"{d}\""),
                "default_for",
            ))
        }
        (None, None) => return Err(invalid("Missing required property: client_id")),
        (Some(_), Some(_)) => {
            return Err(invalid(
                "client_id and default_for cannot be given together",
            ))
        }
    };
    let subject_type = b.subject_type.unwrap_or_else(|| "client".into());
    if !["client", "user"].contains(&subject_type.as_str()) {
        return Err(invalid_on(
            format!("No enum match for: \"{subject_type}\""),
            "subject_type",
        ));
    }
    let mut t = caller.write();
    if client_id
        .as_ref()
        .is_some_and(|c| !t.clients.contains_key(c))
    {
        return Err(MgmtError::not_found(
            "Client not found",
            Some("inexistent_client"),
        ));
    }
    if t.resource_server_by_audience(&b.audience).is_none() {
        return Err(MgmtError::not_found(
            "Resource server not found",
            Some("inexistent_resource_server"),
        ));
    }
    check_scopes(&b.scope)?;
    if let Some(c) = &client_id {
        check_third_party(&t, c, b.allow_any_organization)?;
    }
    let duplicate = t.grants.values().any(|g| {
        g.client_id == client_id
            && g.default_for == default_for
            && g.audience == b.audience
            && g.subject_type == subject_type
    });
    if duplicate {
        // Decided (UNCONFIRMED upstream: only "client_grant already exists" is known).
        return Err(MgmtError::conflict(
            "A client_grant already exists for this client and audience.",
            Some("conflict"),
        ));
    }
    let grant = ClientGrant {
        id: ids::client_grant(),
        client_id,
        default_for,
        audience: b.audience,
        scope: b.scope,
        organization_usage: b.organization_usage,
        allow_any_organization: b.allow_any_organization,
        allow_all_scopes: b.allow_all_scopes,
        subject_type,
        authorization_details_types: b.authorization_details_types,
        is_system: false,
        created_at: caller.now_ms(),
    };
    let out = render(&grant);
    t.grants.insert(grant.id.clone(), grant);
    Ok((StatusCode::CREATED, Json(out)).into_response())
}

pub async fn update(
    caller: Caller,
    Path(id): Path<String>,
    raw: Bytes,
) -> Result<Json<Value>, MgmtError> {
    caller.require(&["update:client_grants"])?;
    let (b, map): (PatchBody, _) = body::parse_patch(
        &raw,
        &[
            "scope",
            "organization_usage",
            "allow_any_organization",
            "authorization_details_types",
            "allow_all_scopes",
        ],
    )?;
    let mut t = caller.write();
    let client_id = t.grants.get(&id).ok_or_else(not_found)?.client_id.clone();
    if let Some(scope) = &b.scope {
        check_scopes(scope)?;
    }
    if let Some(c) = &client_id {
        check_third_party(&t, c, b.allow_any_organization)?;
    }
    let g = t.grants.get_mut(&id).ok_or_else(not_found)?;
    if map.contains_key("scope") {
        g.scope = b.scope.unwrap_or_default();
    }
    if map.contains_key("organization_usage") {
        g.organization_usage = b.organization_usage;
    }
    if map.contains_key("allow_any_organization") {
        g.allow_any_organization = b.allow_any_organization;
    }
    if map.contains_key("allow_all_scopes") {
        g.allow_all_scopes = b.allow_all_scopes;
    }
    if map.contains_key("authorization_details_types") {
        g.authorization_details_types = b.authorization_details_types;
    }
    Ok(Json(render(g)))
}

/// 204 also when the grant is already gone (SPEC §1.5); its organization associations go with it.
pub async fn delete(caller: Caller, Path(id): Path<String>) -> Result<StatusCode, MgmtError> {
    caller.require(&["delete:client_grants"])?;
    let mut t = caller.write();
    if t.grants.shift_remove(&id).is_some() {
        t.org_grants.retain(|_, a| a.grant_id != id);
    }
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /client-grants/{id}/organizations`: the organizations a grant is associated with.
pub async fn organizations(
    caller: Caller,
    Path(id): Path<String>,
    Query(params): Query<Params>,
) -> Result<Json<Value>, MgmtError> {
    const ORGS: Shape = Shape {
        checkpoint: true,
        ..Shape::offset("organizations")
    };
    caller.require(&["read:organization_client_grants"])?;
    let paging = paging::parse(&params, &ORGS)?;
    let t = caller.read();
    if !t.grants.contains_key(&id) {
        return Err(not_found());
    }
    let entries: Vec<_> = t
        .org_grants
        .values()
        .filter(|a| a.grant_id == id)
        .filter_map(|a| t.organizations.get(&a.organization_id))
        .map(Entry::of)
        .collect();
    paging::render(&entries, &paging, &ORGS, organizations::render).map(Json)
}
