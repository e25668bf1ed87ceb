//! Invitations: by email, with roles customers may assign, valid for a period clamped to Auth0's
//! maximum (30 days). Every call names the caller's organization in the path, and revoking or
//! resending first reads the invitation under that path, so another organization's id is "not found".

use super::journal::{self, Kind, Plan, Rest};
use super::{audit_for, invalid, outcome, Ctx, ServiceError};
use crate::server::audit;
use crate::server::auth0::invitations::{Invitation, NewInvitation};
use crate::server::policy::{self, Permit, Proof};

/// Auth0's maximum invitation lifetime (`ttl_sec` ≤ 2,592,000).
pub const MAX_DAYS: u32 = 30;
pub const DEFAULT_DAYS: u32 = 7;
const DAY: u32 = 86_400;

pub fn validate_email(email: &str) -> Result<String, ServiceError> {
    let email = email.trim().to_lowercase();
    let valid = email.len() <= 254
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
        })
        && !email
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "<>\"(),;:[]\\".contains(c));
    if valid {
        Ok(email)
    } else {
        Err(invalid(
            "email",
            "Enter an email address like name@example.com.",
        ))
    }
}

/// Days of validity: 0 means the default; anything above Auth0's maximum becomes the maximum.
pub fn clamp_days(days: u32) -> u32 {
    match days {
        0 => DEFAULT_DAYS,
        d => d.min(MAX_DAYS),
    }
}

fn check_roles(
    permit: &Permit,
    ctx: &Ctx<'_>,
    roles: &[String],
) -> Result<Vec<String>, ServiceError> {
    let mut roles: Vec<String> = roles.iter().map(|r| r.trim().to_string()).collect();
    roles.sort();
    roles.dedup();
    if roles.is_empty() {
        return Err(invalid(
            "roles",
            "Choose at least one role for the new member.",
        ));
    }
    let ids = ctx.identity;
    if roles
        .iter()
        .any(|r| !policy::may_grant(permit.roles(), r, &ids.assignable_roles, &ids.admin_role))
    {
        return Err(invalid("roles", "That role cannot be assigned here."));
    }
    Ok(roles)
}

/// Whether the invitation had expired by `now`.
pub fn is_expired(inv: &Invitation, now: time::OffsetDateTime) -> bool {
    time::OffsetDateTime::parse(
        &inv.expires_at,
        &time::format_description::well_known::Rfc3339,
    )
    .is_ok_and(|t| t <= now)
}

/// Newest first.
pub async fn list(ctx: &Ctx<'_>, who: &impl Proof) -> Result<Vec<Invitation>, ServiceError> {
    let org_id = who.org_id();
    let mut list = ctx
        .cache
        .get_or_load(
            ctx.db,
            "invitations",
            &crate::server::cache::invitations_scope(org_id),
            "invitations",
            super::READS_FOR,
            async { ctx.mgmt.invitations(org_id).await },
        )
        .await?;
    list.sort_by(|a, b| b.created_at.cmp(&a.created_at));
    Ok(list)
}

async fn send(
    ctx: &Ctx<'_>,
    permit: &Permit,
    email: &str,
    roles: &[String],
    days: u32,
) -> Result<Invitation, ServiceError> {
    ctx.mgmt
        .create_invitation(&NewInvitation {
            org_id: permit.org_id(),
            client_id: &ctx.identity.login_client_id,
            inviter: permit.actor_name(),
            email,
            roles,
            ttl_sec: days * DAY,
        })
        .await
        .map_err(ServiceError::from)
}

pub async fn create(
    ctx: &Ctx<'_>,
    permit: &Permit,
    email: &str,
    roles: &[String],
    days: u32,
) -> Result<Invitation, ServiceError> {
    let email = validate_email(email)?;
    let roles = match check_roles(permit, ctx, roles) {
        Ok(r) => r,
        Err(e) => {
            let (log, denied) = (audit_for(ctx, permit), audit::Result::Denied);
            let action = audit::Action::InvitationCreate;
            return Err(e.recorded(&log, action, Some(&email), denied).await);
        }
    };
    let days = clamp_days(days);
    let pending = list(ctx, permit).await?;
    let now = ctx.clock.now();
    if pending
        .iter()
        .any(|i| i.invitee.email.eq_ignore_ascii_case(&email) && !is_expired(i, now))
    {
        return Err(ServiceError::Conflict(format!(
            "{email} already has a pending invitation. Resend it instead."
        )));
    }
    // Someone who is already in the organization needs no invitation. Only this organization's
    // membership is asked about, so the answer says nothing about any other.
    for user_id in ctx.mgmt.users_by_email(&email).await? {
        if ctx.mgmt.is_member(permit.org_id(), &user_id).await? {
            return Err(ServiceError::Conflict(format!(
                "{email} is already a member of your organization. Change their roles on the Members page instead."
            )));
        }
    }
    let open = pending.iter().filter(|i| !is_expired(i, now)).count() as i64;
    super::within_cap(
        open,
        ctx.limits.max_pending_invitations,
        "pending invitations",
        "Revoke invitations that are no longer needed first.",
    )?;
    // Inviting someone as an admin makes an admin.
    if roles.contains(&ctx.identity.admin_role) {
        super::step_up(permit)?;
    }
    let made = send(ctx, permit, &email, &roles, days).await;
    let result = outcome(&made);
    audit_for(ctx, permit)
        .record(
            audit::Action::InvitationCreate,
            Some(&email),
            result,
            &format!("roles {}; valid {days} days", roles.join(" ")),
        )
        .await;
    made
}

async fn owned(ctx: &Ctx<'_>, permit: &Permit, id: &str) -> Result<Invitation, ServiceError> {
    let id = id.trim();
    if !crate::server::ids::invitation(id) {
        return Err(ServiceError::Missing("That invitation"));
    }
    match ctx.mgmt.invitation(permit.org_id(), id).await {
        Ok(inv) => Ok(inv),
        Err(crate::server::auth0::ApiError::NotFound) => {
            Err(ServiceError::Missing("That invitation"))
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn revoke(ctx: &Ctx<'_>, permit: &Permit, id: &str) -> Result<(), ServiceError> {
    let inv = owned(ctx, permit, id).await?;
    let done = ctx
        .mgmt
        .delete_invitation(permit.org_id(), &inv.id)
        .await
        .map_err(ServiceError::from);
    let result = outcome(&done);
    audit_for(ctx, permit)
        .record(
            audit::Action::InvitationRevoke,
            Some(&inv.invitee.email),
            result,
            &inv.id,
        )
        .await;
    done
}

/// A new invitation with the same email and roles and a fresh expiry; then the old one goes. If the
/// old one cannot be deleted the new one still stands (both are valid; the error says so).
pub async fn resend(ctx: &Ctx<'_>, permit: &Permit, id: &str) -> Result<Invitation, ServiceError> {
    let old = owned(ctx, permit, id).await?;
    let roles = check_roles(permit, ctx, &old.roles)?;
    let fmt = &time::format_description::well_known::Rfc3339;
    let days = match (
        time::OffsetDateTime::parse(&old.created_at, fmt),
        time::OffsetDateTime::parse(&old.expires_at, fmt),
    ) {
        (Ok(c), Ok(e)) => clamp_days(((e - c).whole_hours() as f64 / 24.0).round() as u32),
        _ => DEFAULT_DAYS,
    };
    let plan = Plan::new(Kind::InvitationResend, permit.org_id()).target(&old.id);
    let op_id = journal::open(ctx.db, ctx.clock.as_ref(), plan).await?;
    let made = send(ctx, permit, &old.invitee.email, &roles, days).await;
    let result = outcome(&made);
    audit_for(ctx, permit)
        .record(
            audit::Action::InvitationResend,
            Some(&old.invitee.email),
            result,
            &format!("replaces {}", old.id),
        )
        .await;
    let new = match made {
        Ok(new) => new,
        Err(err) => {
            // Its answer may have been lost after Auth0 created it: settling looks.
            super::settle_now(ctx, permit, &op_id).await;
            return Err(err);
        }
    };
    journal::created(ctx.db, ctx.clock.as_ref(), &op_id, &new.id).await?;
    if let Err(err) = ctx.mgmt.delete_invitation(permit.org_id(), &old.id).await {
        // The new invitation is out; the old one is withdrawn by the recovery pass.
        tracing::warn!(error = %err, "the replaced invitation could not be deleted yet");
        return Ok(new);
    }
    journal::close(ctx.db, ctx.clock.as_ref(), &op_id, Rest::Done).await?;
    Ok(new)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_and_validity_are_checked() {
        assert_eq!(
            validate_email(" Dana@Acme.Example ").unwrap(),
            "dana@acme.example"
        );
        for bad in [
            "",
            "dana",
            "dana@",
            "@acme.example",
            "dana@acme",
            "da na@acme.example",
            "a@b@c.example",
            "<x>@acme.example",
        ] {
            assert!(validate_email(bad).is_err(), "{bad}");
        }
        assert_eq!(clamp_days(0), 7);
        assert_eq!(clamp_days(3), 3);
        assert_eq!(clamp_days(90), 30);
    }
}
