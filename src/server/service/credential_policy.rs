//! An organization's credential policy — the oldest a bot's credential may be, and how long before
//! that its admins are warned — and each bot's standing against it and its owner: a credential due
//! or overdue for rotation, an owner who left the organization. Flagged; and where the policy says
//! so, revoked at expiry (`credential_expiry`).

use std::collections::HashSet;

use super::{audit_for, Ctx, ServiceError};
use crate::model::bots::BotHealth;
use crate::server::audit;
use crate::server::policy::Permit;
use crate::server::store::bots::BotRow;
use crate::server::store::{credential_policies as store, member_mirror};

const MAX_DAYS: u32 = 730;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Policy {
    /// 0: no maximum.
    pub max_age_days: u32,
    pub warn_days: u32,
    /// The policy starts an access review every this many days (0: only admins start them).
    pub review_every_days: u32,
    /// Past the maximum age a bot's API access is taken away (`credential_expiry`), not only flagged.
    pub revoke_at_expiry: bool,
}

pub async fn get(ctx: &Ctx<'_>, org_id: &str) -> Result<Policy, ServiceError> {
    Ok(store::get(ctx.db, org_id)
        .await?
        .map(|(max, warn, every, revoke)| Policy {
            max_age_days: u32::try_from(max).unwrap_or(0),
            warn_days: u32::try_from(warn).unwrap_or(0),
            review_every_days: u32::try_from(every).unwrap_or(0),
            revoke_at_expiry: revoke == 1,
        })
        .unwrap_or_default())
}

/// Sets the policy: a maximum of 0 (none) to two years, a warning shorter than the maximum.
pub async fn set(ctx: &Ctx<'_>, permit: &Permit, policy: Policy) -> Result<(), ServiceError> {
    if policy.max_age_days > MAX_DAYS {
        return Err(super::invalid(
            "max_age_days",
            format!("Choose at most {MAX_DAYS} days, or 0 for no maximum."),
        ));
    }
    if policy.max_age_days > 0 && policy.warn_days >= policy.max_age_days {
        return Err(super::invalid(
            "warn_days",
            "The warning must come before the maximum age: choose fewer days.",
        ));
    }
    if policy.revoke_at_expiry && policy.max_age_days == 0 {
        return Err(super::invalid(
            "revoke_at_expiry",
            "Set a maximum credential age: access is revoked when a credential passes it.",
        ));
    }
    if policy.review_every_days > MAX_DAYS {
        return Err(super::invalid(
            "review_every_days",
            format!(
                "Choose at most {MAX_DAYS} days, or 0 for reviews only when an admin starts one."
            ),
        ));
    }
    let stored = (
        i64::from(policy.max_age_days),
        i64::from(policy.warn_days),
        i64::from(policy.review_every_days),
        i64::from(policy.revoke_at_expiry),
    );
    store::put(ctx.db, permit.org_id(), stored, ctx.clock.now_ms()).await?;
    let mut words = if policy.max_age_days == 0 {
        "no maximum credential age".to_string()
    } else {
        format!(
            "credentials at most {} days old, warned {} days before",
            policy.max_age_days, policy.warn_days
        )
    };
    if policy.revoke_at_expiry && policy.max_age_days > 0 {
        words.push_str("; access revoked at expiry");
    }
    if policy.review_every_days > 0 {
        words.push_str(&format!(
            "; an access review every {} days",
            policy.review_every_days
        ));
    }
    audit_for(ctx, permit)
        .record(
            audit::Action::OrganizationPolicy,
            Some(permit.org_id()),
            audit::Result::Ok,
            &words,
        )
        .await;
    Ok(())
}

/// The members orgdesk's directory knows for the organization (None when it knows none yet: then
/// nobody is said to have left).
pub async fn known_members(ctx: &Ctx<'_>, org_id: &str) -> Option<HashSet<String>> {
    let names = member_mirror::names(ctx.db, org_id).await.ok()?;
    (!names.is_empty()).then(|| names.into_iter().map(|(id, _, _)| id).collect())
}

/// One bot's standing: its credential's age against the policy, and whether its owner is still a
/// member.
pub fn health(
    row: &BotRow,
    policy: Policy,
    members: Option<&HashSet<String>>,
    now_ms: i64,
) -> BotHealth {
    let made = if row.credential_at > 0 {
        row.credential_at
    } else {
        crate::clock::parse_iso(&row.created_at).unwrap_or(now_ms)
    };
    let age_days = u32::try_from((now_ms - made).max(0) / 86_400_000).unwrap_or(u32::MAX);
    let credential = match policy.max_age_days {
        0 => "ok",
        max if age_days > max => "overdue",
        max if age_days + policy.warn_days >= max => "due",
        _ => "ok",
    };
    BotHealth {
        age_days,
        max_age_days: policy.max_age_days,
        credential: credential.to_string(),
        owner: row.owner_label().to_string(),
        owner_gone: !row.owner_id.is_empty() && members.is_some_and(|m| !m.contains(&row.owner_id)),
    }
}

/// A new owner for the bot: a member of the organization, named by their email address.
pub async fn assign_owner(
    ctx: &Ctx<'_>,
    permit: &Permit,
    client_id: &str,
    email: &str,
) -> Result<(), ServiceError> {
    let email = email.trim().to_ascii_lowercase();
    if email.is_empty() || email.len() > 254 || !email.contains('@') {
        return Err(super::invalid(
            "email",
            "Give the new owner's email address.",
        ));
    }
    super::bots::owned(ctx, permit, client_id).await?;
    let mut owner = None;
    for user_id in ctx.mgmt.users_by_email(&email).await? {
        if ctx.mgmt.is_member(permit.org_id(), &user_id).await? {
            owner = Some(user_id);
            break;
        }
    }
    let Some(owner) = owner else {
        return Err(super::invalid(
            "email",
            "That person is not a member of your organization. Invite them first.",
        ));
    };
    crate::server::store::bots::set_owner(ctx.db, client_id, &owner, &email).await?;
    audit_for(ctx, permit)
        .record(
            audit::Action::BotOwner,
            Some(client_id),
            audit::Result::Ok,
            &format!("owner: {email}"),
        )
        .await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(credential_at: i64, owner: &str) -> BotRow {
        BotRow {
            client_id: "c".into(),
            org_id: "org_a".into(),
            name: "n".into(),
            description: None,
            created_at: "2026-01-01T00:00:00Z".into(),
            owner_id: owner.into(),
            owner_email: String::new(),
            credential_at,
        }
    }

    #[test]
    fn a_credential_is_due_within_the_warning_and_overdue_past_the_maximum() {
        let day = 86_400_000;
        let policy = Policy {
            max_age_days: 90,
            warn_days: 14,
            review_every_days: 0,
            revoke_at_expiry: false,
        };
        let at = |age: i64| health(&row(1, "u"), policy, None, 1 + age * day);
        assert_eq!(at(10).credential, "ok");
        assert_eq!(at(76).credential, "due");
        assert_eq!(at(90).credential, "due");
        assert_eq!(at(91).credential, "overdue");
        assert_eq!(
            health(&row(1, "u"), Policy::default(), None, 1 + 900 * day).credential,
            "ok"
        );
        let members: HashSet<String> = ["u".to_string()].into();
        assert!(!health(&row(1, "u"), policy, Some(&members), 2).owner_gone);
        assert!(health(&row(1, "gone"), policy, Some(&members), 2).owner_gone);
        assert!(
            !health(&row(1, "gone"), policy, None, 2).owner_gone,
            "unknown is not gone"
        );
    }
}
