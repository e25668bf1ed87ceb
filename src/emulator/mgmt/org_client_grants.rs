//! `/api/v2/organizations/{id}/client-grants` — Auth0 Management API "Organizations: client grants":
//! which client grants may be used on behalf of an organization (SPEC §3.4).

use axum::body::Bytes;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::super::errors::MgmtError;
use super::super::model::ClientGrant;
use super::super::paging::{self, Entry, Params, Shape};
use super::super::store::{org_grant_key, OrgGrant};
use super::auth::Caller;
use super::body::{self, invalid};
use super::client_grants;
use crate::model::m2m::OrganizationUsage;

/// Public cloud entity limit (SPEC §3.4, §6).
pub const MAX_PER_ORGANIZATION: usize = 100;
const SHAPE: Shape = Shape::offset("client_grants");

fn org_not_found() -> MgmtError {
    MgmtError::not_found("No organization found by that id", None)
}

fn render(g: &ClientGrant) -> Value {
    json!({
        "id": g.id,
        "client_id": g.client_id,
        "audience": g.audience,
        "scope": g.scope,
        "organization_usage": g.organization_usage,
        "allow_any_organization": g.allow_any_organization.unwrap_or(false),
        "subject_type": g.subject_type,
    })
}

pub async fn list(
    caller: Caller,
    Path(org): Path<String>,
    Query(params): Query<Params>,
) -> Result<Json<Value>, MgmtError> {
    caller.require(&["read:organization_client_grants"])?;
    let paging = paging::parse(&params, &SHAPE)?;
    let grant_ids = params.all("grant_ids");
    if grant_ids.len() > 10 {
        return Err(MgmtError::invalid_query(
            "Too many items (max 10) on property grant_ids.",
        ));
    }
    let audience = params.get("audience");
    let client_id = params.get("client_id");
    let t = caller.read();
    if !t.organizations.contains_key(&org) {
        return Err(org_not_found());
    }
    let entries: Vec<Entry<'_, ClientGrant>> = t
        .org_grants
        .values()
        .filter(|a| a.organization_id == org)
        .filter_map(|a| t.grants.get(&a.grant_id).map(|g| (a, g)))
        .filter(|(_, g)| grant_ids.is_empty() || grant_ids.contains(&g.id.as_str()))
        .filter(|(_, g)| audience.is_none_or(|x| g.audience == x))
        .filter(|(_, g)| client_id.is_none_or(|x| g.client_id.as_deref() == Some(x)))
        .map(|(a, g)| Entry {
            id: &g.id,
            created_at: a.created_at,
            item: g,
        })
        .collect();
    paging::render(&entries, &paging, &SHAPE, render).map(Json)
}

#[derive(Deserialize)]
struct AssociateBody {
    grant_id: String,
}

/// Responds with `grant_id`, not `id` (SPEC §3.4: the recording wins over the OAS).
pub async fn associate(
    caller: Caller,
    Path(org): Path<String>,
    raw: Bytes,
) -> Result<Response, MgmtError> {
    caller.require(&["create:organization_client_grants"])?;
    let (b, _): (AssociateBody, _) = body::parse(&raw, &["grant_id"], &["grant_id"])?;
    let mut t = caller.write();
    if !t.organizations.contains_key(&org) {
        return Err(org_not_found());
    }
    let grant = t
        .grants
        .get(&b.grant_id)
        .cloned()
        .ok_or_else(client_grants::not_found)?;
    // Decided (UNCONFIRMED upstream): only a grant that uses organizations can be associated.
    if !matches!(
        grant.organization_usage,
        Some(OrganizationUsage::Allow | OrganizationUsage::Require)
    ) {
        return Err(invalid(
            "The client grant must have organization_usage set to allow or require",
        ));
    }
    let key = org_grant_key(&org, &grant.id);
    if t.org_grants.contains_key(&key) {
        return Err(MgmtError::conflict(
            "The client grant has already been added to this organization.",
            None,
        ));
    }
    if t.org_grants
        .values()
        .filter(|a| a.organization_id == org)
        .count()
        >= MAX_PER_ORGANIZATION
    {
        return Err(MgmtError::conflict(
            "Quota exceeded; cannot add more than 100 client grants to a single organization",
            None,
        ));
    }
    t.org_grants.insert(
        key,
        OrgGrant {
            organization_id: org,
            grant_id: grant.id.clone(),
            created_at: caller.now_ms(),
        },
    );
    let body = json!({
        "grant_id": grant.id,
        "client_id": grant.client_id,
        "audience": grant.audience,
        "scope": grant.scope,
        "organization_usage": grant.organization_usage,
        "allow_any_organization": grant.allow_any_organization.unwrap_or(false),
    });
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

/// 204, also when the association did not exist (decided; UNCONFIRMED upstream).
pub async fn remove(
    caller: Caller,
    Path((org, grant)): Path<(String, String)>,
) -> Result<StatusCode, MgmtError> {
    caller.require(&["delete:organization_client_grants"])?;
    let mut t = caller.write();
    if !t.organizations.contains_key(&org) {
        return Err(org_not_found());
    }
    t.org_grants.shift_remove(&org_grant_key(&org, &grant));
    Ok(StatusCode::NO_CONTENT)
}
