//! Each bot's use, from the tenant's logs: a background pass reads `seccft` (a token issued) and
//! `feccft` (an exchange refused, with Auth0's reason) with checkpoint paging from a cursor kept in
//! the store — the first pass starts at the oldest entry Auth0 still keeps — and counts them per bot
//! and UTC day. Pages read only orgdesk's store: no Management API call per view. One replica reads
//! at a time (a lease); a batch and its cursor are written together, so nothing is counted twice.

use std::collections::HashSet;
use std::time::Duration;

use super::{Ctx, ServiceError};
use crate::model::bots::{BotUsage, QuotaUse, UsageDay};
use crate::server::auth0::clients::TokenQuota;
use crate::server::auth0::logs::TenantLog;
use crate::server::policy::Proof;
use crate::server::store::token_usage::{self as store, Exchange};

/// The store's name for the one tenant orgdesk reads.
const TENANT: &str = "tenant";
const TAKE: usize = 100;
/// Pages one pass reads at most (the next pass goes on from the cursor).
const PAGES: usize = 20;
pub const DAYS: i64 = 30;

/// Reads the logs written since the last pass; answers how many exchanges it counted.
pub async fn ingest(ctx: &Ctx<'_>) -> Result<usize, ServiceError> {
    let ttl = Duration::from_secs(120);
    super::one_replica(ctx, "token-usage", ttl, || read_pages(ctx)).await
}

async fn read_pages(ctx: &Ctx<'_>) -> Result<usize, ServiceError> {
    let bots: HashSet<String> = crate::server::store::bots::with_grants(ctx.db, None)
        .await?
        .into_iter()
        .map(|(b, _)| b.client_id)
        .collect();
    let mut counted = 0;
    let mut cursor = store::cursor(ctx.db, TENANT).await?;
    if cursor.is_none() {
        let Some(oldest) = ctx.mgmt.oldest_log().await? else {
            return Ok(0);
        };
        let Some(n) = save(ctx, &bots, None, std::slice::from_ref(&oldest)).await? else {
            return Ok(0);
        };
        counted += n;
        cursor = Some(oldest.log_id);
    }
    let mut from = cursor.unwrap_or_default();
    for _ in 0..PAGES {
        let batch = ctx.mgmt.logs_after(&from, TAKE).await?;
        let Some(last) = batch.last() else { break };
        // Another replica moved the cursor past this pass (its lease ran out): it counts from there.
        let Some(n) = save(ctx, &bots, Some(&from), &batch).await? else {
            break;
        };
        counted += n;
        from = last.log_id.clone();
        if batch.len() < TAKE {
            break;
        }
    }
    Ok(counted)
}

/// Counts a batch's exchanges of known bots and moves the cursor from `read_from` to its last entry;
/// None when the cursor had moved on (nothing counted).
async fn save(
    ctx: &Ctx<'_>,
    bots: &HashSet<String>,
    read_from: Option<&str>,
    batch: &[TenantLog],
) -> Result<Option<usize>, ServiceError> {
    let Some(last) = batch.last() else {
        return Ok(Some(0));
    };
    let kept: Vec<(&TenantLog, i64, String)> = batch
        .iter()
        .filter(|l| matches!(l.kind.as_str(), "seccft" | "feccft"))
        .filter(|l| l.client_id.as_ref().is_some_and(|c| bots.contains(c)))
        .filter_map(|l| {
            let at = crate::clock::parse_iso(&l.date)?;
            Some((l, at, l.date.chars().take(10).collect()))
        })
        .collect();
    let exchanges: Vec<Exchange<'_>> = kept
        .iter()
        .map(|(l, at, day)| Exchange {
            client_id: l.client_id.as_deref().unwrap_or_default(),
            day,
            at_ms: *at,
            ok: l.kind == "seccft",
            ip: l.ip.as_deref().unwrap_or_default(),
            agent: l.user_agent.as_deref().unwrap_or_default(),
            org: l.organization_id.as_deref().unwrap_or_default(),
            reason: l.description.as_deref().unwrap_or_default(),
        })
        .collect();
    let cursor = (read_from, last.log_id.as_str());
    let moved = store::record(ctx.db, TENANT, cursor, &exchanges, ctx.clock.now_ms()).await?;
    Ok(moved.then_some(exchanges.len()))
}

/// A bot's use as its page shows it: the last token, the last refusal, and 30 days of counts
/// (days without an exchange are zeros).
pub async fn of_bot(
    ctx: &Ctx<'_>,
    who: &impl Proof,
    client_id: &str,
) -> Result<BotUsage, ServiceError> {
    let today = ctx.clock.now().date();
    let first = today - time::Duration::days(DAYS - 1);
    let counted = store::days(ctx.db, client_id, &first.to_string()).await?;
    let days: Vec<UsageDay> = (0..DAYS)
        .map(|i| {
            let day = (first + time::Duration::days(i)).to_string();
            let (issued, failed) = counted
                .iter()
                .find(|(d, _, _)| *d == day)
                .map(|(_, i, f)| (*i, *f))
                .unwrap_or((0, 0));
            UsageDay {
                day,
                issued: u32::try_from(issued).unwrap_or(u32::MAX),
                failed: u32::try_from(failed).unwrap_or(u32::MAX),
            }
        })
        .collect();
    let last = store::last(ctx.db, client_id).await?.unwrap_or_default();
    let when = |ms: i64| (ms > 0).then(|| crate::clock::iso(ms));
    Ok(BotUsage {
        last_token_at: when(last.last_ok_at),
        last_token_ip: last.last_ok_ip,
        last_token_agent: last.last_ok_agent,
        last_failure_at: when(last.last_fail_at),
        last_failure_reason: crate::server::text::escaped(&last.last_fail_reason).into_owned(),
        quotas: quotas(ctx, who, client_id, &days).await?,
        days,
    })
}

/// The token quotas Auth0 applies to the bot — its own, its organization's — with today's use (from
/// the logs orgdesk read). Both are read as views read (briefly cached).
async fn quotas(
    ctx: &Ctx<'_>,
    who: &impl Proof,
    client_id: &str,
    days: &[UsageDay],
) -> Result<Vec<QuotaUse>, ServiceError> {
    let (_, client) = super::bots::owned(ctx, who, client_id).await?;
    let org_id = who.org_id().to_string();
    let read = async { ctx.mgmt.organization(&org_id).await.map(|o| o.token_quota) };
    let key = format!("org-quota\u{0}{org_id}");
    let org_quota = ctx
        .cache
        .get_or_load(
            ctx.db,
            "org-quota",
            who.org_id(),
            &key,
            super::READS_FOR,
            read,
        )
        .await?;
    let today = ctx.clock.now().date().to_string();
    let bot_today = days.last().map_or(0, |d| u64::from(d.issued));
    let mut out = Vec::new();
    let line = |holder: &str, used: u64, q: &TokenQuota| {
        q.client_credentials.as_ref().map(|l| QuotaUse {
            holder: holder.to_string(),
            used_today: used,
            per_day: l.per_day,
            per_hour: l.per_hour,
            enforced: l.enforce,
        })
    };
    if let Some(q) = client
        .token_quota
        .as_ref()
        .and_then(|q| line("bot", bot_today, q))
    {
        out.push(q);
    }
    if let Some(q) = org_quota.as_ref() {
        let used = store::org_issued_on(ctx.db, who.org_id(), &today).await?;
        if let Some(q) = line("organization", u64::try_from(used).unwrap_or(0), q) {
            out.push(q);
        }
    }
    Ok(out)
}
