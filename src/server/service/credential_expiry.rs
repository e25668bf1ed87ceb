//! Revoking at expiry: where an organization's credential policy says so, a bot whose secret or key
//! is past the maximum age loses its API access — each grant taken through the journal's own steps
//! for a revocation, audited as the policy's doing. What was taken is kept (`expired_access`), so an
//! admin gives it back from the bot's page once the credential is renewed: the way back.

use std::time::Duration;

use super::{credential_policy as policy, Ctx, ServiceError};
use crate::model::bots::Access;
use crate::server::audit::{self, Audit};
use crate::server::policy::{Permit, Proof};
use crate::server::store::expired_access::{self as store, Taken};

/// The name the policy acts under in the audit log.
const POLICY: &str = "orgdesk";

/// Takes the access of every bot past its organization's policy where the policy revokes; one
/// replica at a time. Answers how many grants it revoked.
pub async fn revoke_expired(ctx: &Ctx<'_>) -> Result<usize, ServiceError> {
    let ttl = Duration::from_secs(300);
    super::one_replica(ctx, "credential-expiry", ttl, || revoke_all(ctx)).await
}

async fn revoke_all(ctx: &Ctx<'_>) -> Result<usize, ServiceError> {
    let now = ctx.clock.now_ms();
    let mut revoked = 0;
    for org_id in store::revoking(ctx.db).await? {
        let rules = policy::get(ctx, &org_id).await?;
        let voice = Audit::new(
            ctx.db,
            ctx.clock.as_ref(),
            &org_id,
            POLICY,
            Some("orgdesk (credential policy)"),
        );
        for (row, grants) in crate::server::store::bots::with_grants(ctx.db, Some(&org_id)).await? {
            let health = policy::health(&row, rules, None, now);
            if health.credential != "overdue" {
                continue;
            }
            for g in grants {
                // A published app's grant is what other organizations installed: left, flagged.
                if super::apps::guard_grant(ctx, &row.client_id, &g.audience)
                    .await
                    .is_err()
                {
                    continue;
                }
                let taken = Taken {
                    client_id: row.client_id.clone(),
                    org_id: org_id.clone(),
                    audience: g.audience.clone(),
                    scopes: g.scopes.clone(),
                    revoked_at: now,
                };
                store::record(ctx.db, &taken).await?;
                let done =
                    super::bots::revoke_grant(ctx, &org_id, &row.client_id, &g, &voice).await;
                let detail = format!(
                    "{}: the credential is {} days old, past the policy's {} days",
                    g.audience, health.age_days, rules.max_age_days
                );
                match done {
                    Ok(_) => {
                        revoked += 1;
                        voice
                            .record(
                                audit::Action::BotRevokeAccess,
                                Some(&row.client_id),
                                audit::Result::Ok,
                                &detail,
                            )
                            .await;
                    }
                    Err(err) => {
                        // Still granted: nothing to give back (the next pass tries again).
                        store::forget(ctx.db, &row.client_id, &g.audience).await?;
                        tracing::warn!(error = %err, "could not revoke an expired bot's access");
                    }
                }
            }
        }
    }
    Ok(revoked)
}

/// What the policy took from the bot (for its page).
pub async fn taken(
    ctx: &Ctx<'_>,
    who: &impl Proof,
    client_id: &str,
) -> Result<Vec<(Access, String)>, ServiceError> {
    Ok(store::of_bot(ctx.db, client_id)
        .await?
        .into_iter()
        .filter(|t| t.org_id == who.org_id())
        .map(|t| {
            let access = Access {
                audience: t.audience,
                scopes: t.scopes.split_whitespace().map(String::from).collect(),
            };
            (access, crate::clock::iso(t.revoked_at))
        })
        .collect())
}

/// Gives back what the policy took, once the bot's credential is within the policy again: each API
/// granted (and audited) as an admin grants it: recent sign-in; a sensitive scope waits for approval.
pub async fn restore(ctx: &Ctx<'_>, permit: &Permit, client_id: &str) -> Result<(), ServiceError> {
    let (row, grants) = super::bots::detail(ctx, permit, client_id).await?;
    let taken = store::of_bot(ctx.db, client_id).await?;
    if taken.is_empty() {
        return Err(ServiceError::Conflict(
            "The credential policy took nothing from this bot.".into(),
        ));
    }
    let rules = policy::get(ctx, permit.org_id()).await?;
    if policy::health(&row, rules, None, ctx.clock.now_ms()).credential == "overdue" {
        return Err(ServiceError::Conflict(
            "Its credential is still past your policy's maximum age. Rotate the secret or add a new key first, then restore its access.".into(),
        ));
    }
    for t in taken {
        if !grants.iter().any(|g| g.audience == t.audience) {
            let scopes: Vec<String> = t.scopes.split_whitespace().map(String::from).collect();
            super::bots::grant_access(ctx, permit, client_id, &t.audience, &scopes).await?;
        }
        store::forget(ctx.db, client_id, &t.audience).await?;
    }
    Ok(())
}
