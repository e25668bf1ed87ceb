//! The support console's reports as CSV: one function per `ReportKind`, columns beside their values.

use crate::model::support::ReportKind;
use crate::server::service::audit_log::csv;
use crate::server::service::support::{self, ApiSummary, Drift, GrantView, IdleBot};
use crate::server::service::{Ctx, ServiceError};
use crate::server::store::apps::{AppRow, InstallRow};

/// Idle-bots looks back `days` days; the other reports take no parameter.
pub async fn render(ctx: &Ctx<'_>, kind: ReportKind, days: u32) -> Result<String, ServiceError> {
    Ok(match kind {
        ReportKind::OpenGrants => open_grants(support::open_grants(ctx).await?),
        ReportKind::GrantsPerApi => grants_per_api(support::grants_per_api(ctx).await?),
        ReportKind::IdleBots => idle_bots(support::idle_bots(ctx, days).await?),
        ReportKind::Drift => drift(support::drift(ctx).await?),
        ReportKind::Apps => apps(support::apps(ctx).await?),
        ReportKind::AccessRequests => access_requests(support::access_requests(ctx).await?),
        ReportKind::PastPolicy => needing_attention(support::needing_attention(ctx).await?),
        ReportKind::AccessReviews => {
            let reviews = crate::server::service::access_reviews::summaries(ctx, None).await?;
            let items = crate::server::store::access_reviews::all_items(ctx.db).await?;
            review_items(&reviews, items)
        }
    })
}

/// Every item of every review, beside its review's dates and state (one review's, for its admins).
pub fn review_items(
    reviews: &[crate::model::reviews::ReviewSummary],
    items: Vec<crate::server::store::access_reviews::Item>,
) -> String {
    let header = [
        "organization",
        "review",
        "started_at",
        "started_by",
        "due_at",
        "review_state",
        "kind",
        "id",
        "name",
        "owner",
        "access",
        "last_token",
        "decision",
        "decided_by",
        "decided_at",
        "note",
    ];
    let iso = |ms: Option<i64>| {
        ms.filter(|m| *m > 0)
            .map(crate::clock::iso)
            .unwrap_or_default()
    };
    csv(
        &header,
        items.into_iter().map(|i| {
            let review = reviews.iter().find(|r| r.id == i.review_id);
            let of = |f: fn(&crate::model::reviews::ReviewSummary) -> String| {
                review.map(f).unwrap_or_default()
            };
            vec![
                i.org_id,
                i.review_id.clone(),
                of(|r| r.started_at.clone()),
                of(|r| r.started_by.clone()),
                of(|r| r.due_at.clone()),
                of(|r| r.state.clone()),
                i.kind,
                i.subject_id,
                i.label,
                i.owner,
                i.access,
                iso(Some(i.last_used)),
                i.decision.unwrap_or_default(),
                i.decider_email.unwrap_or_default(),
                iso(i.decided_at),
                i.note.unwrap_or_default(),
            ]
        }),
    )
}

fn access_requests(list: Vec<crate::server::store::approvals::Request>) -> String {
    let header = [
        "organization",
        "bot",
        "api",
        "sensitive_scopes",
        "requested_by",
        "requested_at",
        "expires_at",
        "state",
    ];
    csv(
        &header,
        list.into_iter().map(|r| {
            vec![
                r.org_id,
                r.client_id,
                r.audience,
                r.sensitive,
                r.requester_email,
                crate::clock::iso(r.requested_at),
                crate::clock::iso(r.expires_at),
                r.state,
            ]
        }),
    )
}

fn open_grants(list: Vec<GrantView>) -> String {
    let header = [
        "client",
        "client_id",
        "api",
        "scopes",
        "organization_usage",
        "allow_any_organization",
        "owner_org",
        "grant_id",
    ];
    csv(
        &header,
        list.into_iter().map(|g| {
            vec![
                g.client_name,
                g.grant.client_id,
                g.grant.audience,
                g.grant.scope.join(" "),
                g.grant.organization_usage.unwrap_or_default(),
                g.grant.allow_any_organization.unwrap_or(false).to_string(),
                g.owner_org.unwrap_or_default(),
                g.grant.id,
            ]
        }),
    )
}

fn grants_per_api(list: Vec<ApiSummary>) -> String {
    let usages = ["require", "allow", "deny", "unset"];
    let mut header = vec!["api", "grants"];
    header.extend(usages);
    header.push("open_to_any_organization");
    csv(
        &header,
        list.into_iter().map(|a| {
            let mut row = vec![a.audience.clone(), a.grants.to_string()];
            row.extend(
                usages
                    .iter()
                    .map(|k| a.by_usage.get(*k).copied().unwrap_or(0).to_string()),
            );
            row.push(a.open_to_any_org.to_string());
            row
        }),
    )
}

fn idle_bots(list: Vec<IdleBot>) -> String {
    let header = [
        "bot",
        "client_id",
        "organization",
        "registered",
        "last_token",
    ];
    csv(
        &header,
        list.into_iter().map(|i| {
            vec![
                i.bot.name,
                i.bot.client_id,
                i.bot.org_id,
                i.bot.created_at,
                i.last_token.unwrap_or_default(),
            ]
        }),
    )
}

fn drift(list: Vec<Drift>) -> String {
    csv(
        &["bot", "client_id", "organization", "problem"],
        list.into_iter()
            .map(|d| vec![d.bot_name, d.client_id, d.org_id, d.problem]),
    )
}

fn apps(list: Vec<(AppRow, Vec<InstallRow>)>) -> String {
    let header = [
        "app",
        "app_id",
        "client_id",
        "publisher",
        "publisher_org",
        "api",
        "scopes",
        "offered",
        "installed_by",
        "installed_by_ids",
    ];
    csv(
        &header,
        list.into_iter().map(|(app, installs)| {
            let names: Vec<&str> = installs.iter().map(|i| i.org_name.as_str()).collect();
            let ids: Vec<&str> = installs.iter().map(|i| i.org_id.as_str()).collect();
            let offered = if app.is_published() { "yes" } else { "no" };
            vec![
                app.name,
                app.app_id,
                app.client_id,
                app.publisher_name,
                app.publisher_org,
                app.audience,
                app.scopes,
                offered.to_string(),
                names.join("; "),
                ids.join(" "),
            ]
        }),
    )
}

fn needing_attention(
    list: Vec<(
        crate::server::store::bots::BotRow,
        crate::model::bots::BotHealth,
    )>,
) -> String {
    let header = [
        "bot",
        "client_id",
        "organization",
        "owner",
        "owner_left",
        "credential_age_days",
        "policy_max_days",
        "credential",
    ];
    csv(
        &header,
        list.into_iter().map(|(row, h)| {
            vec![
                row.name,
                row.client_id,
                row.org_id,
                h.owner,
                h.owner_gone.to_string(),
                h.age_days.to_string(),
                h.max_age_days.to_string(),
                h.credential,
            ]
        }),
    )
}
