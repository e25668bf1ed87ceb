//! Members, roles, invitations and the audit log. Each: session → policy → service (validates) →
//! wire type. Changes take JSON bodies.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::model::members::{
    AuditPage, InvitationView, Invitations, MembersPage, RoleRef, SearchResults,
};
use crate::model::AppError;

#[cfg(feature = "ssr")]
pub(crate) mod glue {
    use super::*;
    use crate::model::members::{AuditEntry, MemberView};
    use crate::server::auth0::members::{Invitation, Member};
    use crate::server::auth0::resources::Role;
    use crate::server::service::audit_log::Event;
    use crate::server::store::member_mirror::Hit;

    pub fn role(r: Role) -> RoleRef {
        RoleRef {
            id: r.id,
            name: r.name,
            description: r.description,
        }
    }

    pub fn member(m: Member) -> MemberView {
        MemberView {
            user_id: m.user_id,
            name: m.name,
            email: m.email,
            roles: m.roles.into_iter().map(role).collect(),
        }
    }

    pub fn hit(h: Hit) -> MemberView {
        MemberView {
            user_id: h.user_id,
            name: h.name,
            email: h.email,
            roles: h.roles.into_iter().map(role).collect(),
        }
    }

    pub fn invitation(
        i: Invitation,
        names: &[RoleRef],
        now: time::OffsetDateTime,
    ) -> InvitationView {
        let expired = crate::server::service::invitations::is_expired(&i, now);
        InvitationView {
            roles: i
                .roles
                .iter()
                .map(|id| {
                    names
                        .iter()
                        .find(|r| &r.id == id)
                        .cloned()
                        .unwrap_or_else(|| RoleRef {
                            id: id.clone(),
                            name: id.clone(),
                            description: None,
                        })
                })
                .collect(),
            id: i.id,
            email: i.invitee.email,
            inviter: i.inviter.name,
            created_at: i.created_at,
            expires_at: i.expires_at,
            expired,
            url: i.invitation_url,
        }
    }

    /// An audit record for the page, with its target's name and role ids in the detail named.
    pub fn event(
        e: Event,
        names: &std::collections::HashMap<String, String>,
        roles: &[RoleRef],
    ) -> AuditEntry {
        let detail = e.detail.map(|d| {
            roles.iter().fold(d, |d, r| {
                if d.contains(&r.id) {
                    d.replace(&r.id, &format!("{} ({})", r.name, r.id))
                } else {
                    d
                }
            })
        });
        AuditEntry {
            id: e.id,
            at: e.occurred_at,
            actor: e.actor_name.unwrap_or(e.actor_id),
            action: e.action,
            target_name: e.target.as_ref().and_then(|t| names.get(t).cloned()),
            target: e.target,
            result: e.result,
            detail,
            request_id: e.request_id,
        }
    }

    /// Names for the targets of one organization's events, and the tenant's roles; a failure to
    /// read either only leaves ids unnamed.
    pub async fn naming(
        call: &crate::server::http::web::Call,
        org_id: &str,
        events: &[Event],
    ) -> (std::collections::HashMap<String, String>, Vec<RoleRef>) {
        let names = crate::server::service::audit_log::target_names(&call.state.db, org_id, events)
            .await
            .unwrap_or_default();
        let roles = call
            .state
            .catalog
            .roles(&call.state.mgmt)
            .await
            .map(|list| list.into_iter().map(role).collect())
            .unwrap_or_default();
        (names, roles)
    }

    pub fn millis(ms: i64) -> Option<String> {
        time::OffsetDateTime::from_unix_timestamp_nanos(ms as i128 * 1_000_000)
            .ok()
            .and_then(|t| {
                t.format(&time::format_description::well_known::Rfc3339)
                    .ok()
            })
    }

    pub async fn assignable(
        call: &crate::server::http::web::Call,
    ) -> Result<Vec<RoleRef>, AppError> {
        let ids = &call.state.config.identity;
        call.state
            .catalog
            .assignable(&call.state.mgmt, &ids.assignable_roles)
            .await
            .map(|roles| roles.into_iter().map(role).collect())
            .map_err(|e| call.fail(e.into()))
    }

    pub fn filter(
        q: &crate::model::members::AuditQuery,
    ) -> crate::server::service::audit_log::Filter {
        let opt = |s: &str| (!s.trim().is_empty()).then(|| s.to_string());
        crate::server::service::audit_log::Filter {
            action: opt(&q.action),
            actor: opt(&q.actor),
            since: opt(&q.since),
            until: opt(&q.until),
        }
    }
}

#[server(endpoint = "members/list", input = Json, output = crate::model::wire::TextJson)]
pub async fn list_members(org_id: String, from: Option<String>) -> Result<MembersPage, AppError> {
    use crate::server::policy::Action;
    use crate::server::service::members;
    let call = crate::server::http::web::signed_in().await?;
    let permit = call.authorize(&org_id, Action::View).await?;
    let page = members::page(&call.ctx(), &permit, from)
        .await
        .map_err(|e| call.fail(e))?;
    Ok(MembersPage {
        members: page.members.into_iter().map(glue::member).collect(),
        next: page.next,
        assignable: glue::assignable(&call).await?,
        you: call.user.user_id.clone(),
        admin_role: call.state.config.identity.admin_role.clone(),
    })
}

#[server(endpoint = "members/search", input = Json, output = crate::model::wire::TextJson)]
pub async fn search_members(org_id: String, q: String) -> Result<SearchResults, AppError> {
    use crate::server::policy::Action;
    use crate::server::service::members;
    let call = crate::server::http::web::signed_in().await?;
    let permit = call.authorize(&org_id, Action::View).await?;
    let found = members::search(&call.ctx(), &permit, &q)
        .await
        .map_err(|e| call.fail(e))?;
    Ok(SearchResults {
        members: found.hits.into_iter().map(glue::hit).collect(),
        indexed: found.status.indexed,
        as_of: found.status.completed_at.and_then(glue::millis),
        refreshing: found.status.running,
    })
}

/// Gives (`on`) or takes away one role; answers the member's roles afterwards.
#[server(endpoint = "members/role", input = Json, output = crate::model::wire::TextJson)]
pub async fn set_member_role(
    org_id: String,
    user_id: String,
    role_id: String,
    on: bool,
) -> Result<Vec<RoleRef>, AppError> {
    use crate::server::policy::Action;
    use crate::server::service::members;
    let call = crate::server::http::web::signed_in().await?;
    let permit = call.authorize(&org_id, Action::ManageMembers).await?;
    members::set_role(&call.ctx(), &permit, &user_id, &role_id, on)
        .await
        .map(|roles| roles.into_iter().map(glue::role).collect())
        .map_err(|e| call.fail(e))
}

#[server(endpoint = "members/remove", input = Json, output = crate::model::wire::TextJson)]
pub async fn remove_member(org_id: String, user_id: String) -> Result<(), AppError> {
    use crate::server::policy::Action;
    use crate::server::service::members;
    let call = crate::server::http::web::signed_in().await?;
    let permit = call.authorize(&org_id, Action::ManageMembers).await?;
    members::remove(&call.ctx(), &permit, &user_id)
        .await
        .map_err(|e| call.fail(e))
}

#[server(endpoint = "invitations/list", input = Json, output = crate::model::wire::TextJson)]
pub async fn list_invitations(org_id: String) -> Result<Invitations, AppError> {
    use crate::server::policy::Action;
    use crate::server::service::invitations;
    let call = crate::server::http::web::signed_in().await?;
    let permit = call.authorize(&org_id, Action::View).await?;
    let list = invitations::list(&call.ctx(), &permit)
        .await
        .map_err(|e| call.fail(e))?;
    let assignable = glue::assignable(&call).await?;
    let now = call.state.config.clock.now();
    Ok(Invitations {
        list: list
            .into_iter()
            .map(|i| glue::invitation(i, &assignable, now))
            .collect(),
        assignable,
        default_days: invitations::DEFAULT_DAYS,
        max_days: invitations::MAX_DAYS,
    })
}

#[server(endpoint = "invitations/create", input = Json, output = crate::model::wire::TextJson)]
pub async fn invite_member(
    org_id: String,
    email: String,
    roles: Vec<String>,
    days: u32,
) -> Result<InvitationView, AppError> {
    use crate::server::policy::Action;
    use crate::server::service::invitations;
    let call = crate::server::http::web::signed_in().await?;
    let permit = call.authorize(&org_id, Action::ManageMembers).await?;
    let made = invitations::create(&call.ctx(), &permit, &email, &roles, days)
        .await
        .map_err(|e| call.fail(e))?;
    Ok(glue::invitation(
        made,
        &glue::assignable(&call).await?,
        call.state.config.clock.now(),
    ))
}

#[server(endpoint = "invitations/revoke", input = Json, output = crate::model::wire::TextJson)]
pub async fn revoke_invitation(org_id: String, id: String) -> Result<(), AppError> {
    use crate::server::policy::Action;
    use crate::server::service::invitations;
    let call = crate::server::http::web::signed_in().await?;
    let permit = call.authorize(&org_id, Action::ManageMembers).await?;
    invitations::revoke(&call.ctx(), &permit, &id)
        .await
        .map_err(|e| call.fail(e))
}

#[server(endpoint = "invitations/resend", input = Json, output = crate::model::wire::TextJson)]
pub async fn resend_invitation(org_id: String, id: String) -> Result<InvitationView, AppError> {
    use crate::server::policy::Action;
    use crate::server::service::invitations;
    let call = crate::server::http::web::signed_in().await?;
    let permit = call.authorize(&org_id, Action::ManageMembers).await?;
    let made = invitations::resend(&call.ctx(), &permit, &id)
        .await
        .map_err(|e| call.fail(e))?;
    Ok(glue::invitation(
        made,
        &glue::assignable(&call).await?,
        call.state.config.clock.now(),
    ))
}

#[server(endpoint = "audit/list", input = Json, output = crate::model::wire::TextJson)]
pub async fn audit_log(
    org_id: String,
    action: String,
    actor: String,
    since: String,
    until: String,
    before: Option<i64>,
    /// Fewer than a page (the overview's recent activity); a page when absent.
    limit: Option<u32>,
) -> Result<AuditPage, AppError> {
    use crate::server::policy::Action;
    use crate::server::service::audit_log;
    let call = crate::server::http::web::signed_in().await?;
    let permit = call.authorize(&org_id, Action::View).await?;
    let query = crate::model::members::AuditQuery {
        action,
        actor,
        since,
        until,
    };
    let limit = limit.map_or(audit_log::PAGE_SIZE, |n| {
        i64::from(n).clamp(1, audit_log::PAGE_SIZE)
    });
    let events = audit_log::query(
        &call.state.db,
        Some(permit.org_id()),
        &glue::filter(&query),
        before,
        limit + 1,
    )
    .await
    .map_err(|e| call.fail(e))?;
    let more = events.len() as i64 > limit;
    let (names, roles) = glue::naming(&call, permit.org_id(), &events).await;
    let entries: Vec<_> = events
        .into_iter()
        .take(limit as usize)
        .map(|e| glue::event(e, &names, &roles))
        .collect();
    Ok(AuditPage {
        next_before: more.then(|| entries.last().map(|e| e.id)).flatten(),
        entries,
    })
}
