//! `/api/v2/organizations/{id}/invitations` — Auth0 Management API "Organizations: invitations"
//! (SPEC §3.7): 201 on create, no total in lists, 7 days by default, 30 days at most.

use axum::body::Bytes;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::super::errors::MgmtError;
use super::super::ids;
use super::super::model::Invitation;
use super::super::paging::{self, Entry, Params, Shape};
use super::super::store::TenantState;
use super::auth::Caller;
use super::body::{self, invalid};
use super::roles;
use crate::clock::iso;
use crate::model::m2m::OrganizationUsage;

pub const DEFAULT_TTL_SECS: i64 = 604_800;
pub const MAX_TTL_SECS: i64 = 2_592_000;
const SHAPE: Shape = Shape {
    no_total: true,
    ..Shape::offset("invitations")
};

fn not_found() -> MgmtError {
    MgmtError::not_found(
        "The invitation does not exist.",
        Some("inexistent_invitation"),
    )
}

fn org_missing() -> MgmtError {
    MgmtError::not_found("No organization found by that id.", None)
}

/// Where an invitation for `client_id` starts: the client's login route, else the tenant's.
fn login_route(t: &TenantState, client_id: &str) -> Option<String> {
    t.clients
        .get(client_id)
        .and_then(|c| c.initiate_login_uri.clone())
        .or_else(|| t.default_redirection_uri.clone())
}

pub fn invitation_url(t: &TenantState, inv: &Invitation) -> String {
    let base = login_route(t, &inv.client_id).unwrap_or_default();
    let org_name = t
        .organizations
        .get(&inv.organization_id)
        .map(|o| o.name.as_str())
        .unwrap_or("");
    format!(
        "{base}?invitation={}&organization={}&organization_name={}",
        inv.ticket_id, inv.organization_id, org_name
    )
}

fn render(t: &TenantState, inv: &Invitation) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), json!(inv.id));
    m.insert("client_id".into(), json!(inv.client_id));
    m.insert("inviter".into(), json!({ "name": inv.inviter_name }));
    m.insert("invitee".into(), json!({ "email": inv.invitee_email }));
    m.insert("invitation_url".into(), json!(invitation_url(t, inv)));
    m.insert("ticket_id".into(), json!(inv.ticket_id));
    m.insert("created_at".into(), json!(iso(inv.created_at)));
    m.insert("expires_at".into(), json!(iso(inv.expires_at)));
    m.insert("organization_id".into(), json!(inv.organization_id));
    if let Some(c) = &inv.connection_id {
        m.insert("connection_id".into(), json!(c));
    }
    if !inv.roles.is_empty() {
        m.insert("roles".into(), json!(inv.roles));
    }
    if let Some(md) = &inv.app_metadata {
        m.insert("app_metadata".into(), md.clone());
    }
    if let Some(md) = &inv.user_metadata {
        m.insert("user_metadata".into(), md.clone());
    }
    Value::Object(m)
}

pub async fn list(
    caller: Caller,
    Path(org): Path<String>,
    Query(params): Query<Params>,
) -> Result<Json<Value>, MgmtError> {
    caller.require(&["read:organization_invitations"])?;
    let paging = paging::parse(&params, &SHAPE)?;
    let fields = params.field_filter()?;
    let oldest_first = params.get("sort") == Some("created_at:1");
    let t = caller.read();
    if !t.organizations.contains_key(&org) {
        return Err(org_missing());
    }
    let mut entries: Vec<Entry<'_, Invitation>> = t
        .invitations
        .values()
        .filter(|i| i.organization_id == org)
        .map(Entry::of)
        .collect();
    if !oldest_first {
        entries.reverse();
    }
    paging::render(&entries, &paging, &SHAPE, |i| {
        paging::apply_fields(render(&t, i), &fields)
    })
    .map(Json)
}

pub async fn get(
    caller: Caller,
    Path((org, id)): Path<(String, String)>,
) -> Result<Json<Value>, MgmtError> {
    caller.require(&["read:organization_invitations"])?;
    let t = caller.read();
    t.invitations
        .get(&id)
        .filter(|i| i.organization_id == org)
        .map(|i| Json(render(&t, i)))
        .ok_or_else(not_found)
}

#[derive(Deserialize)]
struct Named {
    name: String,
}

#[derive(Deserialize)]
struct Email {
    email: String,
}

#[derive(Deserialize)]
struct CreateBody {
    inviter: Named,
    invitee: Email,
    client_id: String,
    connection_id: Option<String>,
    app_metadata: Option<Value>,
    user_metadata: Option<Value>,
    ttl_sec: Option<i64>,
    #[serde(default)]
    roles: Vec<String>,
    #[serde(default)]
    #[allow(dead_code)]
    send_invitation_email: Option<bool>,
}

fn valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !email.contains(char::is_whitespace)
}

pub async fn create(
    caller: Caller,
    Path(org): Path<String>,
    raw: Bytes,
) -> Result<Response, MgmtError> {
    caller.require(&["create:organization_invitations"])?;
    let (b, _): (CreateBody, _) = body::parse(
        &raw,
        &[
            "inviter",
            "invitee",
            "client_id",
            "connection_id",
            "app_metadata",
            "user_metadata",
            "ttl_sec",
            "roles",
            "send_invitation_email",
        ],
        &["inviter", "invitee", "client_id"],
    )?;
    body::check_len(&b.inviter.name, "inviter.name", 1, 300)?;
    if !valid_email(&b.invitee.email) {
        return Err(body::invalid_on(
            format!(
                "Object didn't pass validation for format email: {}",
                b.invitee.email
            ),
            "invitee.email",
        ));
    }
    let ttl = match b.ttl_sec {
        None | Some(0) => DEFAULT_TTL_SECS,
        Some(s) if (1..=MAX_TTL_SECS).contains(&s) => s,
        Some(s) => {
            return Err(body::invalid_on(
                format!("Value {s} is outside 0..{MAX_TTL_SECS}"),
                "ttl_sec",
            ))
        }
    };
    if b.connection_id.is_some() {
        return Err(invalid("The specified connection does not exist."));
    }
    let now = caller.now_ms();
    let mut t = caller.write();
    if !t.organizations.contains_key(&org) {
        return Err(org_missing());
    }
    let client = t
        .clients
        .get(&b.client_id)
        .ok_or_else(|| invalid("The specified client_id does not exist."))?;
    if !matches!(
        client.organization_usage,
        Some(OrganizationUsage::Allow | OrganizationUsage::Require)
    ) {
        return Err(invalid(
            "The specified client_id does not allow organizations.",
        ));
    }
    if login_route(&t, &client.client_id).is_none() {
        return Err(invalid(
            "A default login route is required to generate the invitation url. For more information, see https://auth0.com/docs/universal-login/configure-default-login-routes",
        ));
    }
    roles::all_exist(&t, &b.roles)?;
    let inv = Invitation {
        id: ids::invitation(),
        organization_id: org,
        client_id: b.client_id,
        inviter_name: b.inviter.name,
        invitee_email: b.invitee.email.to_ascii_lowercase(),
        ticket_id: ids::ticket(),
        created_at: now,
        expires_at: now + ttl * 1000,
        roles: b.roles,
        connection_id: None,
        app_metadata: b.app_metadata,
        user_metadata: b.user_metadata,
    };
    let out = render(&t, &inv);
    t.invitations.insert(inv.id.clone(), inv);
    Ok((StatusCode::CREATED, Json(out)).into_response())
}

pub async fn delete(
    caller: Caller,
    Path((org, id)): Path<(String, String)>,
) -> Result<StatusCode, MgmtError> {
    caller.require(&["delete:organization_invitations"])?;
    let mut t = caller.write();
    if t.invitations
        .get(&id)
        .is_some_and(|i| i.organization_id == org)
    {
        t.invitations.shift_remove(&id);
    }
    Ok(StatusCode::NO_CONTENT)
}
