//! Members and their roles. Every change checks, live, that the target is a member of the caller's
//! organization and that the role is one customers may assign; demoting or removing an admin happens
//! under the organization's admin lease, after confirming another admin remains, so two admins acting
//! at the same moment cannot leave the organization without one.

use std::time::Duration;

use super::member_search;
use super::{audit_for, invalid, outcome, Ctx, ServiceError};
use crate::server::audit;
use crate::server::auth0::members::Member;
use crate::server::auth0::roles::Role;
use crate::server::policy::{self, Permit, Proof};
use crate::server::store::locks;
use crate::server::store::member_mirror::{self as mirror, Hit, Status};

pub const PAGE_SIZE: u32 = 50;

pub struct Page {
    pub members: Vec<Member>,
    pub next: Option<String>,
}

pub struct Found {
    pub hits: Vec<Hit>,
    pub status: Status,
}

/// A user id in Auth0's `provider|id` form (`crate::server::ids::user`), checked before any call.
pub fn validate_user_id(user_id: &str) -> Result<&str, ServiceError> {
    let id = user_id.trim();
    if !crate::server::ids::user(id) {
        return Err(invalid("user_id", "That is not a member id."));
    }
    Ok(id)
}

const BAD_CURSOR: &str = "That page link is not valid; start from the first page.";

/// A page link must be a cursor Auth0 handed out; a hand-made one is refused before any call.
pub fn validate_cursor(from: Option<String>) -> Result<Option<String>, ServiceError> {
    match from.filter(|f| !f.is_empty()) {
        Some(f) if !crate::server::ids::cursor(&f) => Err(invalid("from", BAD_CURSOR)),
        other => Ok(other),
    }
}

/// One page of members with their roles: one upstream call. The page also refreshes the mirror.
pub async fn page(
    ctx: &Ctx<'_>,
    who: &impl Proof,
    from: Option<String>,
) -> Result<Page, ServiceError> {
    read_page(ctx, who.org_id(), from).await
}

/// `page` for a caller already authorized to read `org_id` (the support console's dossier).
pub async fn read_page(
    ctx: &Ctx<'_>,
    org_id: &str,
    from: Option<String>,
) -> Result<Page, ServiceError> {
    let from = validate_cursor(from)?;
    let key = format!("members\u{0}{}", from.as_deref().unwrap_or(""));
    let (members, next) = ctx
        .cache
        .get_or_load(
            ctx.db,
            "members_page",
            &crate::server::cache::members_scope(org_id),
            &key,
            super::READS_FOR,
            async {
                let (members, next) = match ctx
                    .mgmt
                    .members_page(org_id, from.as_deref(), PAGE_SIZE)
                    .await
                {
                    // A cursor of the right shape that Auth0 does not know (expired, edited): the
                    // link is the user's to fix, not an error on our side.
                    Err(crate::server::auth0::ApiError::Refused { status: 400, .. })
                        if from.is_some() =>
                    {
                        return Err(invalid("from", BAD_CURSOR));
                    }
                    other => other?,
                };
                if let Err(err) = mirror::upsert(ctx.db, org_id, &members, ctx.clock.now_ms()).await
                {
                    tracing::warn!(error = %err, "cannot update the member directory");
                }
                Ok::<_, ServiceError>((members, next))
            },
        )
        .await?;
    Ok(Page { members, next })
}

pub async fn search(ctx: &Ctx<'_>, who: &impl Proof, query: &str) -> Result<Found, ServiceError> {
    let query = query.trim();
    if query.chars().count() > 100 {
        return Err(invalid("q", "Search for at most 100 characters."));
    }
    let status = member_search::refresh_if_stale(ctx.db, ctx.mgmt, ctx.clock, who.org_id()).await?;
    let hits = mirror::search(ctx.db, who.org_id(), query, 50).await?;
    Ok(Found { hits, status })
}

/// The target must be a member of the permit's organization; anything else is "not found".
async fn require_member(ctx: &Ctx<'_>, permit: &Permit, user_id: &str) -> Result<(), ServiceError> {
    if ctx.mgmt.is_member(permit.org_id(), user_id).await? {
        Ok(())
    } else {
        Err(ServiceError::Missing("That member"))
    }
}

async fn role_ids(ctx: &Ctx<'_>, org_id: &str, user_id: &str) -> Result<Vec<String>, ServiceError> {
    Ok(ctx
        .mgmt
        .member_roles(org_id, user_id)
        .await?
        .into_iter()
        .map(|r| r.id)
        .collect())
}

/// Whether someone other than `except` holds the admin role, confirmed live: candidates from the
/// mirror first (a call each), then the whole member list if the mirror knows none.
pub(super) async fn another_admin(
    ctx: &Ctx<'_>,
    org_id: &str,
    except: &str,
) -> Result<bool, ServiceError> {
    let admin = &ctx.identity.admin_role;
    for candidate in mirror::holders(ctx.db, org_id, admin, except).await? {
        if policy::is_admin(&role_ids(ctx, org_id, &candidate).await?, admin) {
            return Ok(true);
        }
    }
    let mut from: Option<String> = None;
    loop {
        let (members, next) = ctx.mgmt.members_page(org_id, from.as_deref(), 100).await?;
        if members
            .iter()
            .any(|m| m.user_id != except && m.roles.iter().any(|r| &r.id == admin))
        {
            return Ok(true);
        }
        match next {
            Some(n) => from = Some(n),
            None => return Ok(false),
        }
    }
}

/// Runs `change` under the organization's admin lease when it could take away an admin: the actor
/// is re-checked (a concurrent change may have demoted them) and another admin must remain.
async fn guarded<F, Fut>(
    ctx: &Ctx<'_>,
    permit: &Permit,
    target: &str,
    takes_admin: bool,
    change: F,
) -> Result<(), ServiceError>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<(), ServiceError>>,
{
    if !takes_admin {
        return change().await;
    }
    let org_id = permit.org_id();
    let lease = locks::acquire(
        ctx.db,
        ctx.clock.as_ref(),
        &format!("admins:{org_id}"),
        Duration::from_secs(30),
        Duration::from_secs(10),
    )
    .await?;
    let outcome = async {
        if !policy::is_admin(&role_ids(ctx, org_id, permit.user_id()).await?, &ctx.identity.admin_role) {
            return Err(ServiceError::Conflict(
                "You are no longer an admin of this organization; another admin changed that a moment ago.".into(),
            ));
        }
        if !another_admin(ctx, org_id, target).await? {
            return Err(ServiceError::Conflict(
                "This is the organization's last admin. Make someone else an admin first.".into(),
            ));
        }
        change().await
    }
    .await;
    lease.release(ctx.db).await;
    outcome
}

/// Gives (`on`) or takes away one role; returns the member's roles afterwards.
pub async fn set_role(
    ctx: &Ctx<'_>,
    permit: &Permit,
    user_id: &str,
    role_id: &str,
    on: bool,
) -> Result<Vec<Role>, ServiceError> {
    let user_id = validate_user_id(user_id)?;
    let ids = ctx.identity;
    if !policy::may_grant(
        permit.roles(),
        role_id,
        &ids.assignable_roles,
        &ids.admin_role,
    ) {
        audit_for(ctx, permit)
            .record(
                audit::Action::MemberRole,
                Some(user_id),
                audit::Result::Denied,
                &format!("role {role_id} is not assignable by you"),
            )
            .await;
        return Err(invalid("role", "That role cannot be assigned here."));
    }
    let takes_admin = !on && role_id == ids.admin_role;
    // Your own admin role is locked (as in Clerk): one click must not take the desk away from you
    // mid-task. Another admin can take it.
    if takes_admin && user_id == permit.user_id() {
        return Err(ServiceError::Conflict(
            "You can't take away your own admin role. Ask another admin of your organization to do it."
                .into(),
        ));
    }
    require_member(ctx, permit, user_id).await?;
    if on && role_id == ids.admin_role {
        super::step_up(permit)?;
    }
    let org_id = permit.org_id();
    let roles = vec![role_id.to_string()];
    let action = if on {
        audit::Action::MemberRoleAssign
    } else {
        audit::Action::MemberRoleRemove
    };
    let done = guarded(ctx, permit, user_id, takes_admin, || async {
        if on {
            ctx.mgmt.assign_roles(org_id, user_id, &roles).await?;
        } else {
            ctx.mgmt.remove_roles(org_id, user_id, &roles).await?;
        }
        Ok(())
    })
    .await;
    let result = outcome(&done);
    audit_for(ctx, permit)
        .record(action, Some(user_id), result, role_id)
        .await;
    done?;
    let now = ctx.mgmt.member_roles(org_id, user_id).await?;
    if let Err(err) = mirror::set_roles(ctx.db, org_id, user_id, &now).await {
        tracing::warn!(error = %err, "cannot update the member directory");
    }
    Ok(now)
}

/// The acting admin leaves the organization: refused while they are its last admin (another admin must
/// remain, checked under the admins' lease as every change that takes an admin away).
pub async fn leave(ctx: &Ctx<'_>, permit: &Permit) -> Result<(), ServiceError> {
    let (org_id, user_id) = (permit.org_id(), permit.user_id());
    let done = guarded(ctx, permit, user_id, true, || async {
        ctx.mgmt.remove_member(org_id, user_id).await?;
        Ok(())
    })
    .await;
    let done = done.map_err(|e| match e {
        ServiceError::Conflict(m) if m.starts_with("This is the organization's last admin") => {
            ServiceError::Conflict(
                "You are the organization's last admin. Make someone else an admin before you leave, or delete the organization.".into(),
            )
        }
        other => other,
    });
    audit_for(ctx, permit)
        .record(
            audit::Action::MemberLeave,
            Some(user_id),
            outcome(&done),
            "",
        )
        .await;
    done?;
    if let Err(err) = mirror::remove(ctx.db, org_id, user_id).await {
        tracing::warn!(error = %err, "cannot update the member directory");
    }
    Ok(())
}

/// Removes a member from the organization (never yourself; never the last admin).
pub async fn remove(ctx: &Ctx<'_>, permit: &Permit, user_id: &str) -> Result<(), ServiceError> {
    let user_id = validate_user_id(user_id)?;
    if user_id == permit.user_id() {
        return Err(invalid(
            "user_id",
            "You cannot remove yourself. Ask another admin.",
        ));
    }
    require_member(ctx, permit, user_id).await?;
    let org_id = permit.org_id();
    let takes_admin = policy::is_admin(
        &role_ids(ctx, org_id, user_id).await?,
        &ctx.identity.admin_role,
    );
    let done = guarded(ctx, permit, user_id, takes_admin, || async {
        ctx.mgmt.remove_member(org_id, user_id).await?;
        Ok(())
    })
    .await;
    let result = outcome(&done);
    audit_for(ctx, permit)
        .record(audit::Action::MemberRemove, Some(user_id), result, "")
        .await;
    done?;
    if let Err(err) = mirror::remove(ctx.db, org_id, user_id).await {
        tracing::warn!(error = %err, "cannot update the member directory");
    }
    Ok(())
}
