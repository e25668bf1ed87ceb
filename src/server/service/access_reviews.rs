//! Access reviews: who and what can reach the organization's data, confirmed by people. A review
//! snapshots every bot (its owner, APIs, scopes and last token) and every member with the admin role;
//! a reviewer keeps or removes each before the deadline. Removing takes the access away at Auth0 —
//! all of a bot's API access (the bot stays registered, with none), an admin's admin role — through
//! the same services as the desk's own buttons. An admin starts a review, or the organization's
//! policy starts one every so many days. Undecided items past the deadline are flagged.

use std::time::Duration;

use super::{audit_for, Ctx, ServiceError};
use crate::model::reviews::{ReviewItem, ReviewSummary, ReviewsPage};
use crate::server::audit::{self, Audit};
use crate::server::policy::{self, Permit, Proof};
use crate::server::store::access_reviews::{self as store, Item, Review};
use crate::server::store::{bots as bot_store, credential_policies, token_usage};

pub const DEFAULT_DAYS: u32 = 14;
const MAX_DAYS: u32 = 90;
const MAX_NOTE: usize = 500;
/// The name the policy starts reviews under.
const POLICY: &str = "orgdesk";
const DAY_MS: i64 = 86_400_000;

/// Starts a review due in `days` days; refused while one is open. Answers its id.
pub async fn start(ctx: &Ctx<'_>, permit: &Permit, days: u32) -> Result<String, ServiceError> {
    if !(1..=MAX_DAYS).contains(&days) {
        return Err(super::invalid(
            "days",
            format!("Give the reviewers between 1 and {MAX_DAYS} days."),
        ));
    }
    if let Some(open) = store::latest(ctx.db, permit.org_id()).await? {
        if open.closed_at.is_none() {
            return Err(ServiceError::Conflict(format!(
                "A review started on {} is still open. Finish it before starting another.",
                day(open.started_at)
            )));
        }
    }
    let who = (permit.user_id(), permit.actor_name());
    let review = open(ctx, permit.org_id(), who, days).await?;
    let (count, id) = review;
    audit_for(ctx, permit)
        .record(
            audit::Action::ReviewStart,
            Some(&id),
            audit::Result::Ok,
            &format!("{count} items, due in {days} days"),
        )
        .await;
    Ok(id)
}

/// Snapshots the organization's bots and admins into a new review; answers its size and id.
async fn open(
    ctx: &Ctx<'_>,
    org_id: &str,
    (by, email): (&str, &str),
    days: u32,
) -> Result<(usize, String), ServiceError> {
    let items = snapshot(ctx, org_id).await?;
    let now = ctx.clock.now_ms();
    let review = Review {
        id: uuid::Uuid::new_v4().to_string(),
        org_id: org_id.to_string(),
        started_by: by.to_string(),
        starter_email: email.to_string(),
        started_at: now,
        due_at: now + i64::from(days) * DAY_MS,
        // Nothing to review: closed at once (kept, so the record shows it was done).
        closed_at: items.is_empty().then_some(now),
    };
    store::insert(ctx.db, &review, &items).await?;
    Ok((items.len(), review.id))
}

/// Every bot of the organization (from orgdesk's record, with the last token the logs showed) and
/// every member holding the admin role (from Auth0, live).
async fn snapshot(ctx: &Ctx<'_>, org_id: &str) -> Result<Vec<Item>, ServiceError> {
    let mut items = Vec::new();
    let item = |kind: &str, subject: String, label: String| Item {
        review_id: String::new(),
        org_id: org_id.to_string(),
        kind: kind.to_string(),
        subject_id: subject,
        label,
        owner: String::new(),
        access: String::new(),
        last_used: 0,
        decision: None,
        decided_by: None,
        decider_email: None,
        decided_at: None,
        note: None,
    };
    for (row, grants) in bot_store::with_grants(ctx.db, Some(org_id)).await? {
        let last = token_usage::last(ctx.db, &row.client_id).await?;
        let mut i = item("bot", row.client_id.clone(), row.name.clone());
        i.owner = row.owner_label().to_string();
        i.access = grants
            .iter()
            .map(|g| format!("{}: {}", g.audience, g.scopes))
            .collect::<Vec<_>>()
            .join("; ");
        i.last_used = last.map(|l| l.last_ok_at).unwrap_or(0);
        items.push(i);
    }
    let admin = &ctx.identity.admin_role;
    let mut from: Option<String> = None;
    loop {
        let (members, next) = ctx.mgmt.members_page(org_id, from.as_deref(), 100).await?;
        for m in members {
            if policy::is_admin(m.roles.iter().map(|r| r.id.as_str()), admin) {
                let label = if m.email.is_empty() {
                    m.user_id.clone()
                } else {
                    m.email.clone()
                };
                let mut i = item("admin", m.user_id, label);
                i.access = m
                    .roles
                    .iter()
                    .map(|r| r.name.clone())
                    .collect::<Vec<_>>()
                    .join("; ");
                items.push(i);
            }
        }
        match next {
            Some(n) => from = Some(n),
            None => break,
        }
    }
    Ok(items)
}

/// The policy's reviews: every organization whose policy asks for one every N days gets a new one
/// when its latest started N days ago or more (and none is open). One replica at a time. Answers how
/// many it started.
pub async fn start_due(ctx: &Ctx<'_>) -> Result<usize, ServiceError> {
    let ttl = Duration::from_secs(300);
    super::one_replica(ctx, "access-reviews", ttl, || start_periodic(ctx)).await
}

async fn start_periodic(ctx: &Ctx<'_>) -> Result<usize, ServiceError> {
    let now = ctx.clock.now_ms();
    let mut started = 0;
    for (org_id, every) in store::periodic(ctx.db).await? {
        if let Some(last) = store::latest(ctx.db, &org_id).await? {
            if last.closed_at.is_none() || last.started_at + every * DAY_MS > now {
                continue;
            }
        }
        let days = u32::try_from(every)
            .unwrap_or(DEFAULT_DAYS)
            .clamp(1, DEFAULT_DAYS);
        match open(ctx, &org_id, (POLICY, "the organization's policy"), days).await {
            Ok((count, id)) => {
                started += 1;
                Audit::new(
                    ctx.db,
                    ctx.clock.as_ref(),
                    &org_id,
                    POLICY,
                    Some("orgdesk (policy)"),
                )
                .record(
                    audit::Action::ReviewStart,
                    Some(&id),
                    audit::Result::Ok,
                    &format!("{count} items, due in {days} days (every {every} days by policy)"),
                )
                .await;
            }
            // An organization deleted outside orgdesk: nothing to review.
            Err(ServiceError::Upstream(crate::server::auth0::ApiError::NotFound)) => {}
            Err(err) => {
                tracing::warn!(error = %err, "could not start the policy's access review");
            }
        }
    }
    Ok(started)
}

/// The reviews page for `who`: every review of the organization, and one in full (`id`, or the
/// latest).
pub async fn page(
    ctx: &Ctx<'_>,
    who: &impl Proof,
    id: Option<&str>,
) -> Result<ReviewsPage, ServiceError> {
    let org_id = who.org_id();
    let reviews = summaries(ctx, Some(org_id)).await?;
    let chosen = match id.map(str::trim).filter(|i| !i.is_empty()) {
        Some(id) => Some(
            reviews
                .iter()
                .find(|r| r.id == id)
                .cloned()
                .ok_or(ServiceError::Missing("That review"))?,
        ),
        None => reviews.first().cloned(),
    };
    let shown = match chosen {
        Some(summary) => {
            let items = store::items(ctx.db, &summary.id).await?;
            let items = items
                .into_iter()
                .map(|i| item_view(i, who.user_id()))
                .collect();
            Some((summary, items))
        }
        None => None,
    };
    let every = credential_policies::review_every(ctx.db, org_id).await?;
    Ok(ReviewsPage {
        reviews,
        shown,
        every_days: u32::try_from(every).unwrap_or(0),
    })
}

/// Reviews with their tallies, newest first: one organization's, or every organization's (support).
pub async fn summaries(
    ctx: &Ctx<'_>,
    org_id: Option<&str>,
) -> Result<Vec<ReviewSummary>, ServiceError> {
    let tallies = store::tallies(ctx.db, org_id).await?;
    let now = ctx.clock.now_ms();
    Ok(store::list(ctx.db, org_id)
        .await?
        .into_iter()
        .map(|r| {
            let (items, undecided, removed) = tallies
                .iter()
                .find(|t| t.0 == r.id)
                .map(|t| (t.1, t.2, t.3))
                .unwrap_or_default();
            summary(r, (items, undecided, removed), now)
        })
        .collect())
}

/// One review's summary, tallied from its items (already read).
pub fn summary_of(r: Review, items: &[Item], now: i64) -> ReviewSummary {
    let count =
        |f: fn(&Item) -> bool| i64::try_from(items.iter().filter(|i| f(i)).count()).unwrap_or(0);
    let tally = (
        count(|_| true),
        count(|i| i.decision.is_none()),
        count(|i| i.decision.as_deref() == Some("remove")),
    );
    summary(r, tally, now)
}

fn summary(r: Review, (items, undecided, removed): (i64, i64, i64), now: i64) -> ReviewSummary {
    let state = match r.closed_at {
        Some(_) => "done",
        None if r.due_at <= now => "overdue",
        None => "open",
    };
    let n = |v: i64| u32::try_from(v).unwrap_or(0);
    ReviewSummary {
        started_by: if r.started_by == POLICY {
            "the credential policy".into()
        } else {
            r.starter_email
        },
        id: r.id,
        org_id: r.org_id,
        started_at: crate::clock::iso(r.started_at),
        due_at: crate::clock::iso(r.due_at),
        closed_at: r.closed_at.map(crate::clock::iso),
        items: n(items),
        undecided: n(undecided),
        removed: n(removed),
        state: state.into(),
    }
}

fn item_view(i: Item, viewer: &str) -> ReviewItem {
    ReviewItem {
        mine: i.kind == "admin" && i.subject_id == viewer,
        access: i
            .access
            .split(';')
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(String::from)
            .collect(),
        last_used: (i.last_used > 0).then(|| crate::clock::iso(i.last_used)),
        decided_at: i.decided_at.map(crate::clock::iso),
        kind: i.kind,
        subject_id: i.subject_id,
        label: i.label,
        owner: i.owner,
        decision: i.decision,
        decider: i.decider_email,
        note: i.note,
    }
}

/// One review's items for its CSV (an organization's own, or any for support staff).
pub async fn items(
    ctx: &Ctx<'_>,
    org_id: &str,
    id: &str,
) -> Result<(Review, Vec<Item>), ServiceError> {
    let review = store::get(ctx.db, org_id, id.trim())
        .await?
        .ok_or(ServiceError::Missing("That review"))?;
    let items = store::items(ctx.db, &review.id).await?;
    Ok((review, items))
}

/// Keeps or removes one item of an open review. Removing takes the access away at Auth0 first
/// (all the bot's API access; the member's admin role); the decision is recorded once it is gone.
/// Your own admin role is reviewed by another admin, when there is one.
pub async fn decide(
    ctx: &Ctx<'_>,
    permit: &Permit,
    review_id: &str,
    (kind, subject_id): (&str, &str),
    keep: bool,
    note: &str,
) -> Result<(), ServiceError> {
    let note = note.trim();
    if note.chars().count() > MAX_NOTE {
        return Err(super::invalid(
            "note",
            format!("A note is at most {MAX_NOTE} characters."),
        ));
    }
    if !matches!(kind, "bot" | "admin") {
        return Err(super::invalid("kind", "Choose a bot or an admin."));
    }
    let (review, items) = items(ctx, permit.org_id(), review_id).await?;
    if review.closed_at.is_some() {
        return Err(ServiceError::Conflict(
            "This review is finished. Start a new one to review again.".into(),
        ));
    }
    let Some(item) = items
        .iter()
        .find(|i| i.kind == kind && i.subject_id == subject_id.trim())
    else {
        return Err(ServiceError::Missing("That item of the review"));
    };
    if let Some(decided) = &item.decision {
        return Err(ServiceError::Conflict(format!(
            "{} decided this a moment ago ({decided}).",
            item.decider_email.as_deref().unwrap_or("Another reviewer")
        )));
    }
    if kind == "admin"
        && item.subject_id == permit.user_id()
        && super::members::another_admin(ctx, permit.org_id(), permit.user_id()).await?
    {
        return Err(ServiceError::Conflict(
            "Another admin of your organization reviews your own admin role.".into(),
        ));
    }
    let removed = if keep {
        Ok(String::new())
    } else {
        remove(ctx, permit, item).await
    };
    let log = audit_for(ctx, permit);
    let what = if keep { "kept" } else { "removed" };
    let subject = format!("{kind} {}", item.label);
    let detail = match &removed {
        Ok(how) => format!("{what} {subject}{how}"),
        Err(e) => format!("could not remove {subject}: {}", e.audit_text()),
    };
    log.record(
        audit::Action::ReviewDecide,
        Some(&item.subject_id),
        super::outcome(&removed),
        &detail,
    )
    .await;
    let how = removed?;
    let decision = if keep { "keep" } else { "remove" };
    let note = format!("{note}{how}");
    let at = ctx.clock.now_ms();
    let by = (permit.user_id(), permit.actor_name());
    let key = (review.id.as_str(), kind, item.subject_id.as_str());
    if !store::decide(ctx.db, key, decision, by, at, note.trim()).await? {
        return Err(ServiceError::Conflict(
            "Another reviewer decided this a moment ago.".into(),
        ));
    }
    store::close_if_done(ctx.db, &review.id, at).await?;
    Ok(())
}

/// Takes the item's access away; answers a remark for the record when there was nothing to take.
async fn remove(ctx: &Ctx<'_>, permit: &Permit, item: &Item) -> Result<String, ServiceError> {
    if item.kind == "bot" {
        let grants = match super::bots::owned(ctx, permit, &item.subject_id).await {
            Ok(_) => bot_store::grants_of(ctx.db, &item.subject_id).await?,
            Err(ServiceError::Missing(_)) => return Ok(" (already deleted)".into()),
            Err(e) => return Err(e),
        };
        // All or nothing where a rule refuses: a published app's access is checked for every API first.
        for g in &grants {
            super::apps::guard_grant(ctx, &item.subject_id, &g.audience).await?;
        }
        for g in &grants {
            super::bots::revoke(ctx, permit, &item.subject_id, &g.audience).await?;
        }
        return Ok(String::new());
    }
    let admin = ctx.identity.admin_role.clone();
    match super::members::set_role(ctx, permit, &item.subject_id, &admin, false).await {
        Ok(_) => Ok(String::new()),
        Err(ServiceError::Missing(_)) => Ok(" (no longer a member)".into()),
        Err(e) => Err(e),
    }
}

fn day(ms: i64) -> String {
    crate::clock::iso(ms).chars().take(10).collect()
}
