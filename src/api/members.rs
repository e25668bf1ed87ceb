//! Members and their roles. Each: session → policy → service (validates) → wire type. Changes take
//! JSON bodies.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::model::members::{MembersPage, RoleRef, SearchResults};
use crate::model::AppError;
#[cfg(feature = "ssr")]
use crate::server::http::web::change;

#[cfg(feature = "ssr")]
pub(crate) mod glue {
    use super::*;
    use crate::model::members::MemberView;
    use crate::server::auth0::members::Member;
    use crate::server::auth0::roles::Role;
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
}

#[server(endpoint = "members/list", input = Json, output = crate::model::wire::TextJson)]
pub async fn list_members(org_id: String, from: Option<String>) -> Result<MembersPage, AppError> {
    use crate::server::service::members;
    let call = crate::server::http::web::signed_in().await?;
    let permit = call.view(&org_id).await?;
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
    use crate::server::service::members;
    let call = crate::server::http::web::signed_in().await?;
    let permit = call.view(&org_id).await?;
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
    use crate::server::policy::Action::ManageMembers;
    use crate::server::service::members;
    let done = change(&org_id, ManageMembers, async |ctx, permit| {
        members::set_role(ctx, permit, &user_id, &role_id, on).await
    });
    done.await
        .map(|roles| roles.into_iter().map(glue::role).collect())
}

#[server(endpoint = "members/remove", input = Json, output = crate::model::wire::TextJson)]
pub async fn remove_member(org_id: String, user_id: String) -> Result<(), AppError> {
    use crate::server::policy::Action::ManageMembers;
    use crate::server::service::members;
    let done = change(&org_id, ManageMembers, async |ctx, permit| {
        members::remove(ctx, permit, &user_id).await
    });
    done.await
}
