//! Members, their roles, and invitations.

use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use super::caller::ApiCall;
use super::extract::{Json, Path, Query};
use super::problem::Problem;
use super::scopes::{MEMBERS_READ, MEMBERS_WRITE};
use super::wire;
use crate::server::auth0::invitations::Invitation;
use crate::server::policy::Action::ManageMembers;
use crate::server::service::{invitations, members};

fn role(r: crate::server::auth0::roles::Role) -> wire::Role {
    wire::Role {
        id: r.id,
        name: r.name,
    }
}

fn invitation(i: Invitation) -> wire::Invitation {
    wire::Invitation {
        id: i.id,
        email: i.invitee.email,
        roles: i.roles,
        created_at: i.created_at,
        expires_at: i.expires_at,
    }
}

/// One page of the organization's members with their roles.
#[utoipa::path(get, path = "/organizations/{org_id}/members", tag = "Members",
    params(("org_id" = String, Path), wire::PageQuery),
    responses((status = 200, body = wire::MemberPage), super::Errors),
    security(("bearer" = ["members:read"])))]
pub async fn list(
    call: ApiCall,
    Path(org_id): Path<String>,
    query: Query<wire::PageQuery>,
) -> Result<axum::Json<wire::MemberPage>, Problem> {
    let view = call.view(&org_id, MEMBERS_READ).await?;
    let q = query.parse(call.rid())?;
    let page = members::page(&call.ctx(), &view, q.from)
        .await
        .map_err(|e| call.fail(e))?;
    Ok(axum::Json(wire::MemberPage {
        members: page
            .members
            .into_iter()
            .map(|m| wire::Member {
                user_id: m.user_id,
                email: m.email,
                name: m.name,
                roles: m.roles.into_iter().map(role).collect(),
            })
            .collect(),
        next: page.next,
    }))
}

async fn set_role(
    call: &ApiCall,
    (org_id, user_id, role_id): (String, String, String),
    on: bool,
) -> Result<axum::Json<Vec<wire::Role>>, Problem> {
    let permit = call.change(&org_id, MEMBERS_WRITE, ManageMembers).await?;
    let roles = members::set_role(&call.ctx(), &permit, &user_id, &role_id, on)
        .await
        .map_err(|e| call.fail(e))?;
    Ok(axum::Json(roles.into_iter().map(role).collect()))
}

/// Gives a member a role (one the vendor lets customers assign); answers the member's roles.
#[utoipa::path(put, path = "/organizations/{org_id}/members/{user_id}/roles/{role_id}", tag = "Members",
    params(("org_id" = String, Path), ("user_id" = String, Path), ("role_id" = String, Path)),
    responses((status = 200, body = Vec<wire::Role>), super::Errors),
    security(("bearer" = ["members:write"])))]
pub async fn give_role(
    call: ApiCall,
    Path(ids): Path<(String, String, String)>,
) -> Result<axum::Json<Vec<wire::Role>>, Problem> {
    set_role(&call, ids, true).await
}

/// Takes a role away from a member (never the organization's last admin's).
#[utoipa::path(delete, path = "/organizations/{org_id}/members/{user_id}/roles/{role_id}", tag = "Members",
    params(("org_id" = String, Path), ("user_id" = String, Path), ("role_id" = String, Path)),
    responses((status = 200, body = Vec<wire::Role>), super::Errors),
    security(("bearer" = ["members:write"])))]
pub async fn take_role(
    call: ApiCall,
    Path(ids): Path<(String, String, String)>,
) -> Result<axum::Json<Vec<wire::Role>>, Problem> {
    set_role(&call, ids, false).await
}

/// Removes a member from the organization (never its last admin).
#[utoipa::path(delete, path = "/organizations/{org_id}/members/{user_id}", tag = "Members",
    params(("org_id" = String, Path), ("user_id" = String, Path)),
    responses((status = 204, description = "Removed"), super::Errors),
    security(("bearer" = ["members:write"])))]
pub async fn remove(
    call: ApiCall,
    Path((org_id, user_id)): Path<(String, String)>,
) -> Result<StatusCode, Problem> {
    let permit = call.change(&org_id, MEMBERS_WRITE, ManageMembers).await?;
    members::remove(&call.ctx(), &permit, &user_id)
        .await
        .map_err(|e| call.fail(e))?;
    Ok(StatusCode::NO_CONTENT)
}

/// The organization's pending invitations.
#[utoipa::path(get, path = "/organizations/{org_id}/invitations", tag = "Members",
    params(("org_id" = String, Path)),
    responses((status = 200, body = wire::InvitationList), super::Errors),
    security(("bearer" = ["members:read"])))]
pub async fn invitations(
    call: ApiCall,
    Path(org_id): Path<String>,
) -> Result<axum::Json<wire::InvitationList>, Problem> {
    let view = call.view(&org_id, MEMBERS_READ).await?;
    let list = invitations::list(&call.ctx(), &view)
        .await
        .map_err(|e| call.fail(e))?;
    Ok(axum::Json(wire::InvitationList {
        invitations: list.into_iter().map(invitation).collect(),
    }))
}

/// Invites someone by email, with roles the vendor lets customers assign.
#[utoipa::path(post, path = "/organizations/{org_id}/invitations", tag = "Members",
    params(("org_id" = String, Path), ("Idempotency-Key" = String, Header, description = "Unique per create (a UUID); a repeat replays the first answer")),
    request_body = wire::NewInvitation,
    responses((status = 201, body = wire::Invitation), super::Errors),
    security(("bearer" = ["members:write"])))]
pub async fn invite(
    call: ApiCall,
    Path(org_id): Path<String>,
    headers: HeaderMap,
    body: Json<wire::NewInvitation>,
) -> Response {
    let (permit, new) = match call
        .change_with(&org_id, MEMBERS_WRITE, ManageMembers, body)
        .await
    {
        Ok(both) => both,
        Err(p) => return p.into_response(),
    };
    let path = format!("/organizations/{org_id}/invitations");
    super::idempotency::once(&call, &headers, &path, &new, |_| async {
        let made = invitations::create(&call.ctx(), &permit, &new.email, &new.roles, new.days)
            .await
            .map_err(|e| call.fail(e))?;
        Ok(super::idempotency::Created::same(&invitation(made)))
    })
    .await
}

/// Revokes a pending invitation.
#[utoipa::path(delete, path = "/organizations/{org_id}/invitations/{invitation_id}", tag = "Members",
    params(("org_id" = String, Path), ("invitation_id" = String, Path)),
    responses((status = 204, description = "Revoked"), super::Errors),
    security(("bearer" = ["members:write"])))]
pub async fn revoke_invitation(
    call: ApiCall,
    Path((org_id, id)): Path<(String, String)>,
) -> Result<StatusCode, Problem> {
    let permit = call.change(&org_id, MEMBERS_WRITE, ManageMembers).await?;
    invitations::revoke(&call.ctx(), &permit, &id)
        .await
        .map_err(|e| call.fail(e))?;
    Ok(StatusCode::NO_CONTENT)
}
