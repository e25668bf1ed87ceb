//! Four-eyes approval for sensitive scopes: the vendor names scopes (`ORGDESK_SENSITIVE_SCOPES`);
//! API access that adds one is not granted at once but waits, as a request, for another admin of
//! the organization — never the requester — to approve or reject it with a reason, within
//! `ORGDESK_APPROVAL_DAYS`. An organization with a single admin follows the vendor's fallback:
//! `allow` (granted, with a warning in the audit log) or `wait` (the request waits for a second
//! admin; support staff see every waiting request in the console's report). The approval makes the change with the approver's
//! permit — their live role and their recent sign-in.

use super::{audit_for, Ctx, ServiceError};
use crate::server::audit;
use crate::server::identity::{ApprovalFallback, Approvals};
use crate::server::policy::{Permit, Proof};
use crate::server::store::approvals::{self as store, Request};

/// What a grant or a change of scopes came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Done at Auth0.
    Done,
    /// Done at Auth0 although no second admin could approve (the vendor allows it).
    DoneAlone(Vec<String>),
    /// Waiting for another admin: the request's id and its sensitive scopes.
    Pending(String, Vec<String>),
}

const MAX_REASON: usize = 500;

/// The sensitive scopes `scopes` adds to what the bot `had`.
pub fn added_sensitive(rules: &Approvals, scopes: &[String], had: &[String]) -> Vec<String> {
    scopes
        .iter()
        .filter(|s| rules.sensitive.contains(s) && !had.contains(s))
        .cloned()
        .collect()
}

/// Before a grant or a scope change reaches Auth0: None when it may go on now (nothing sensitive is
/// added, or the organization's only admin may add it alone); otherwise the request it became.
pub async fn gate(
    ctx: &Ctx<'_>,
    permit: &Permit,
    client_id: &str,
    audience: &str,
    scopes: &[String],
    had: &[String],
) -> Result<Option<Outcome>, ServiceError> {
    let rules = &ctx.identity.approvals;
    let sensitive = added_sensitive(rules, scopes, had);
    if sensitive.is_empty() {
        return Ok(None);
    }
    let alone = !super::members::another_admin(ctx, permit.org_id(), permit.user_id()).await?;
    if alone && rules.fallback == ApprovalFallback::Allow {
        super::step_up(permit)?;
        audit_for(ctx, permit)
            .record(
                audit::Action::ApprovalAlone,
                Some(client_id),
                audit::Result::Ok,
                &format!(
                    "{} granted without a second admin (the organization has one)",
                    sensitive.join(" ")
                ),
            )
            .await;
        return Ok(Some(Outcome::DoneAlone(sensitive)));
    }
    let waiting = store::of_org(ctx.db, permit.org_id()).await?;
    if waiting.iter().any(|r| {
        r.state == "pending"
            && r.client_id == client_id
            && r.audience == audience
            && !expired(ctx, r)
    }) {
        return Err(ServiceError::Conflict(
            "A request for this bot's access to this API is already waiting for approval. Ask another admin to decide it, or withdraw it first.".into(),
        ));
    }
    let now = ctx.clock.now_ms();
    let request = Request {
        id: uuid::Uuid::new_v4().to_string(),
        org_id: permit.org_id().to_string(),
        client_id: client_id.to_string(),
        audience: audience.to_string(),
        scopes: scopes.join(" "),
        sensitive: sensitive.join(" "),
        requested_by: permit.user_id().to_string(),
        requester_email: permit.actor_name().to_string(),
        requested_at: now,
        expires_at: now + i64::from(rules.days) * 86_400_000,
        state: "pending".into(),
        decided_by: None,
        decider_email: None,
        decided_at: None,
        reason: None,
    };
    store::insert(ctx.db, &request).await?;
    audit_for(ctx, permit)
        .record(
            audit::Action::ApprovalRequest,
            Some(client_id),
            audit::Result::Ok,
            &format!(
                "{audience} {} (sensitive: {})",
                request.scopes, request.sensitive
            ),
        )
        .await;
    Ok(Some(Outcome::Pending(request.id, sensitive)))
}

fn expired(ctx: &Ctx<'_>, r: &Request) -> bool {
    r.state == "pending" && r.expires_at <= ctx.clock.now_ms()
}

/// The organization's requests, newest first; a pending one past its deadline reads as expired.
pub async fn list(ctx: &Ctx<'_>, who: &impl Proof) -> Result<Vec<Request>, ServiceError> {
    let mut all = store::of_org(ctx.db, who.org_id()).await?;
    for r in &mut all {
        if expired(ctx, r) {
            r.state = "expired".into();
        }
    }
    Ok(all)
}

/// Approves or rejects a pending request. Never by its requester; a reason is needed to reject.
/// Approving makes the change with the approver's permit (their live role, their recent sign-in).
pub async fn decide(
    ctx: &Ctx<'_>,
    permit: &Permit,
    id: &str,
    approve: bool,
    reason: &str,
) -> Result<(), ServiceError> {
    let reason = reason.trim();
    if reason.chars().count() > MAX_REASON {
        return Err(ServiceError::Invalid {
            field: "reason",
            message: format!("A reason is at most {MAX_REASON} characters."),
        });
    }
    if !approve && reason.is_empty() {
        return Err(ServiceError::Invalid {
            field: "reason",
            message: "Say why you reject it: the requester sees your reason.".into(),
        });
    }
    let id = id.trim();
    let Some(request) = store::get(ctx.db, permit.org_id(), id).await? else {
        return Err(ServiceError::Missing("That request"));
    };
    if request.state != "pending" {
        return Err(ServiceError::Conflict(format!(
            "This request was already decided ({}).",
            request.state
        )));
    }
    if expired(ctx, &request) {
        return Err(ServiceError::Conflict(
            "This request waited too long and expired. Ask for the access again.".into(),
        ));
    }
    if request.requested_by == permit.user_id() {
        audit_for(ctx, permit)
            .record(
                audit::Action::ApprovalDecide,
                Some(&request.client_id),
                audit::Result::Denied,
                "the requester cannot decide their own request",
            )
            .await;
        return Err(ServiceError::Conflict(
            "You asked for this access: another admin of your organization must decide it.".into(),
        ));
    }
    if approve {
        // The approver grants access: their own recent sign-in counts, as for any grant.
        super::step_up(permit)?;
    }
    let state = if approve { "approved" } else { "rejected" };
    let by = (permit.user_id(), permit.actor_name());
    if !store::decide(
        ctx.db,
        permit.org_id(),
        id,
        state,
        by,
        ctx.clock.now_ms(),
        reason,
    )
    .await?
    {
        return Err(ServiceError::Conflict(
            "Another admin decided this request a moment ago.".into(),
        ));
    }
    let log = audit_for(ctx, permit);
    if !approve {
        log.record(
            audit::Action::ApprovalDecide,
            Some(&request.client_id),
            audit::Result::Ok,
            &format!(
                "rejected {} for {}: {reason}",
                request.sensitive, request.requester_email
            ),
        )
        .await;
        return Ok(());
    }
    apply(ctx, permit, &request, reason).await
}

/// An approved request's change, made with the approver's permit; what became of it is recorded on
/// the request (`approved`, or `failed` with the reason) and in the audit log.
async fn apply(
    ctx: &Ctx<'_>,
    permit: &Permit,
    request: &Request,
    reason: &str,
) -> Result<(), ServiceError> {
    let scopes: Vec<String> = request
        .scopes
        .split_whitespace()
        .map(String::from)
        .collect();
    let applied =
        super::bots::apply_access(ctx, permit, &request.client_id, &request.audience, &scopes)
            .await;
    let (settled, detail) = match &applied {
        Ok(()) => ("approved", reason.to_string()),
        Err(e) => ("failed", e.audit_text()),
    };
    store::settle(ctx.db, &request.id, settled, &detail).await?;
    let said = if reason.is_empty() {
        String::new()
    } else {
        format!(": {reason}")
    };
    audit_for(ctx, permit)
        .record(
            audit::Action::ApprovalDecide,
            Some(&request.client_id),
            super::outcome(&applied),
            &format!(
                "approved {} for {}{said}",
                request.sensitive, request.requester_email
            ),
        )
        .await;
    applied
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sensitive_scopes_not_held_before_wait() {
        let rules = Approvals {
            sensitive: vec!["write:bookings".into()],
            days: 7,
            fallback: ApprovalFallback::Wait,
        };
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(
            added_sensitive(
                &rules,
                &s(&["read:bookings", "write:bookings"]),
                &s(&["read:bookings"])
            ),
            s(&["write:bookings"])
        );
        assert!(
            added_sensitive(&rules, &s(&["write:bookings"]), &s(&["write:bookings"])).is_empty()
        );
        assert!(added_sensitive(&rules, &s(&["read:bookings"]), &[]).is_empty());
    }
}
