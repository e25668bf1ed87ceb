//! `/api/v2/organizations/{id}/members` and `.../members/{user_id}/roles` — Auth0 Management API
//! "Organizations: members" and "member roles" (SPEC §3.5, §3.6), with the checkpoint quirk.

use axum::body::Bytes;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::super::errors::MgmtError;
use super::super::model::Membership;
use super::super::paging::{self, Entry, Params, Shape};
use super::super::store::TenantState;
use super::auth::Caller;
use super::body::{self, invalid};
use super::roles;

const SHAPE: Shape = Shape {
    checkpoint: true,
    next_on_every_page: true,
    max_records: Some(1000),
    ..Shape::offset("members")
};
const ROLE_SHAPE: Shape = Shape {
    max_records: Some(1000),
    ..Shape::offset("roles")
};
/// Role assignments per member (SPEC §6).
pub const MAX_ROLES_PER_MEMBER: usize = 50;

fn org_missing() -> MgmtError {
    MgmtError::not_found("The organization does not exist.", None)
}

fn user_missing() -> MgmtError {
    MgmtError::not_found("The user does not exist.", None)
}

fn render(t: &TenantState, m: &Membership, with_roles: bool) -> Value {
    let mut out = Map::new();
    out.insert("user_id".into(), json!(m.user_id));
    if let Some(u) = t.users.get(&m.user_id) {
        out.insert("email".into(), json!(u.email));
        out.insert(
            "picture".into(),
            json!(u.picture.clone().unwrap_or_default()),
        );
        out.insert("name".into(), json!(u.name));
    }
    if with_roles {
        let roles: Vec<Value> = m
            .roles
            .iter()
            .filter_map(|r| t.roles.get(r))
            .map(|r| json!({ "id": r.id, "name": r.name }))
            .collect();
        out.insert("roles".into(), json!(roles));
    }
    Value::Object(out)
}

pub async fn list(
    caller: Caller,
    Path(org): Path<String>,
    Query(params): Query<Params>,
) -> Result<Json<Value>, MgmtError> {
    caller.require(&["read:organization_members"])?;
    let fields = params.field_filter()?;
    let with_roles = fields
        .as_ref()
        .is_some_and(|(f, include)| *include && f.iter().any(|x| x == "roles"));
    if with_roles {
        caller.require(&["read:organization_member_roles"])?;
    }
    let paging = paging::parse(&params, &SHAPE)?;
    let t = caller.read();
    if !t.organizations.contains_key(&org) {
        return Err(org_missing());
    }
    let empty = Default::default();
    let members = t.members.get(&org).unwrap_or(&empty);
    let entries: Vec<Entry<'_, Membership>> = members.values().map(Entry::of).collect();
    paging::render(&entries, &paging, &SHAPE, |m| {
        paging::apply_fields(render(&t, m, with_roles), &fields)
    })
    .map(Json)
}

#[derive(Deserialize)]
struct MembersBody {
    members: Vec<String>,
}

fn members_body(raw: &Bytes) -> Result<Vec<String>, MgmtError> {
    let (b, _): (MembersBody, _) = body::parse(raw, &["members"], &["members"])?;
    if b.members.is_empty() {
        return Err(body::invalid_on(
            "Array is too short (0), minimum 1",
            "members",
        ));
    }
    Ok(b.members)
}

/// Adding a member twice is harmless; an unknown user is refused (decided; UNCONFIRMED upstream).
pub async fn add(
    caller: Caller,
    Path(org): Path<String>,
    raw: Bytes,
) -> Result<StatusCode, MgmtError> {
    caller.require(&["create:organization_members"])?;
    let ids = members_body(&raw)?;
    let now = caller.now_ms();
    let mut t = caller.write();
    if !t.organizations.contains_key(&org) {
        return Err(org_missing());
    }
    let unknown: Vec<&str> = ids
        .iter()
        .filter(|id| !t.users.contains_key(*id))
        .map(String::as_str)
        .collect();
    if !unknown.is_empty() {
        return Err(invalid(format!(
            "One or more users do not exist: {}",
            unknown.join(", ")
        )));
    }
    let mut ahead = t.roles_ahead.remove(&org).unwrap_or_default();
    let members = t.members.entry(org.clone()).or_default();
    for id in ids {
        let roles = ahead.remove(&id).unwrap_or_default();
        members.entry(id.clone()).or_insert(Membership {
            user_id: id,
            created_at: now,
            roles,
        });
    }
    if !ahead.is_empty() {
        t.roles_ahead.insert(org, ahead);
    }
    Ok(StatusCode::NO_CONTENT)
}

/// Removing a non-member is harmless (decided; UNCONFIRMED upstream).
pub async fn remove(
    caller: Caller,
    Path(org): Path<String>,
    raw: Bytes,
) -> Result<StatusCode, MgmtError> {
    caller.require(&["delete:organization_members"])?;
    let ids = members_body(&raw)?;
    let mut t = caller.write();
    if !t.organizations.contains_key(&org) {
        return Err(org_missing());
    }
    if let Some(members) = t.members.get_mut(&org) {
        for id in &ids {
            members.shift_remove(id);
        }
    }
    Ok(StatusCode::NO_CONTENT)
}

pub async fn list_roles(
    caller: Caller,
    Path((org, user)): Path<(String, String)>,
    Query(params): Query<Params>,
) -> Result<Json<Value>, MgmtError> {
    caller.require(&["read:organization_member_roles"])?;
    let paging = paging::parse(&params, &ROLE_SHAPE)?;
    let t = caller.read();
    if !t.organizations.contains_key(&org) {
        return Err(org_missing());
    }
    if !t.users.contains_key(&user) {
        return Err(user_missing());
    }
    let held = match t.membership(&org, &user) {
        Some(m) => Some(&m.roles),
        None => t.roles_ahead.get(&org).and_then(|a| a.get(&user)),
    };
    let roles: Vec<_> = held
        .into_iter()
        .flatten()
        .filter_map(|r| t.roles.get(r))
        .map(Entry::of)
        .collect();
    paging::render(&roles, &paging, &ROLE_SHAPE, |r| {
        json!({ "id": r.id, "name": r.name, "description": r.description.clone().unwrap_or_default() })
    })
    .map(Json)
}

/// What both role changes start with: the organization, the requested roles, and the user's roles
/// there — a member's, or those held for a user who has not joined yet.
fn role_change<'t>(
    t: &'t mut TenantState,
    org: &str,
    user: &str,
    raw: &Bytes,
) -> Result<(Vec<String>, &'t mut Vec<String>), MgmtError> {
    if !t.organizations.contains_key(org) {
        return Err(org_missing());
    }
    if !t.users.contains_key(user) {
        return Err(user_missing());
    }
    let roles = roles::requested(t, raw)?;
    let TenantState {
        members,
        roles_ahead,
        ..
    } = t;
    let held = match members.get_mut(org).and_then(|m| m.get_mut(user)) {
        Some(m) => &mut m.roles,
        None => roles_ahead
            .entry(org.to_string())
            .or_default()
            .entry(user.to_string())
            .or_default(),
    };
    Ok((roles, held))
}

pub async fn assign_roles(
    caller: Caller,
    Path((org, user)): Path<(String, String)>,
    raw: Bytes,
) -> Result<StatusCode, MgmtError> {
    caller.require(&["create:organization_member_roles"])?;
    let mut t = caller.write();
    let (roles, held) = role_change(&mut t, &org, &user, &raw)?;
    let mut next = held.clone();
    for r in roles {
        if !next.contains(&r) {
            next.push(r);
        }
    }
    if next.len() > MAX_ROLES_PER_MEMBER {
        return Err(MgmtError::conflict(
            "No more roles can be assigned to this organization member.",
            None,
        ));
    }
    *held = next;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn remove_roles(
    caller: Caller,
    Path((org, user)): Path<(String, String)>,
    raw: Bytes,
) -> Result<StatusCode, MgmtError> {
    caller.require(&["delete:organization_member_roles"])?;
    let mut t = caller.write();
    let (roles, held) = role_change(&mut t, &org, &user, &raw)?;
    held.retain(|r| !roles.contains(r));
    Ok(StatusCode::NO_CONTENT)
}
