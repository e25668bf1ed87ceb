//! The vendor support console: read-only views across organizations, and tenant-wide reports.
//! Nothing here writes upstream; every view is recorded in the audit log (in the viewed
//! organization's log, so its admins can see who looked).

use std::collections::{BTreeMap, HashMap, HashSet};

use super::bots::OWNER_KEY;
use super::{members, Ctx, ServiceError};
use crate::server::audit::{self, Audit};
use crate::server::auth0::client_grants::ClientGrant;
use crate::server::auth0::clients::ClientSummary;
use crate::server::auth0::organizations::Organization;
use crate::server::auth0::ApiError;
use crate::server::policy::SupportPermit;
use crate::server::store::apps::{AppRow, InstallRow};
use crate::server::store::bots::{self as stored_bots, BotRow, GrantRow};

/// Records what support staff looked at: `org_id` None for tenant-wide reports.
pub async fn record_view(ctx: &Ctx<'_>, permit: &SupportPermit, org_id: Option<&str>, what: &str) {
    let org = org_id.unwrap_or_default();
    let mut a = Audit::new(
        ctx.db,
        ctx.clock.as_ref(),
        org,
        &permit.user_id,
        Some(&permit.actor_name),
    )
    .with_request_id(ctx.request_id.clone());
    if org_id.is_none() {
        a = a.tenant_wide();
    }
    a.record(audit::Action::SupportView, org_id, audit::Result::Ok, what)
        .await;
}

/// The console reads tenant-wide lists; any change orgdesk makes anywhere ends these entries.
async fn cached<T, F>(ctx: &Ctx<'_>, key: &str, load: F) -> Result<T, ApiError>
where
    T: Clone + Send + Sync + 'static,
    F: std::future::Future<Output = Result<T, ApiError>>,
{
    ctx.cache
        .get_or_load(
            ctx.db,
            "support",
            crate::server::cache::TENANT,
            key,
            super::READS_FOR,
            load,
        )
        .await
}

pub async fn find_organizations(
    ctx: &Ctx<'_>,
    query: &str,
) -> Result<Vec<Organization>, ServiceError> {
    let q = query.trim().to_lowercase();
    if q.chars().count() > 100 {
        return Err(super::invalid("q", "Search for at most 100 characters."));
    }
    let mut orgs = cached(ctx, "organizations", async {
        ctx.mgmt.organizations().await
    })
    .await?;
    orgs.retain(|o| {
        q.is_empty()
            || o.id.to_lowercase().contains(&q)
            || o.name.contains(&q)
            || o.display_name
                .as_deref()
                .is_some_and(|d| d.to_lowercase().contains(&q))
    });
    orgs.sort_by_key(|o| o.label().to_lowercase());
    orgs.truncate(100);
    Ok(orgs)
}

/// A client grant as support sees it: whose client, which API, which scopes, open to whom.
#[derive(Debug, Clone)]
pub struct GrantView {
    pub grant: ClientGrant,
    pub client_name: String,
    /// The organization orgdesk registered the client for, if orgdesk did.
    pub owner_org: Option<String>,
}

fn names(clients: &[ClientSummary]) -> HashMap<&str, &ClientSummary> {
    clients.iter().map(|c| (c.client_id.as_str(), c)).collect()
}

fn views(grants: Vec<ClientGrant>, clients: &[ClientSummary]) -> Vec<GrantView> {
    let by_id = names(clients);
    let mut out: Vec<GrantView> = grants
        .into_iter()
        .map(|g| {
            let c = by_id.get(g.client_id.as_str());
            GrantView {
                client_name: c
                    .map(|c| c.name.clone())
                    .unwrap_or_else(|| g.client_id.clone()),
                owner_org: c.and_then(|c| c.client_metadata.get(OWNER_KEY).cloned()),
                grant: g,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        (&a.grant.audience, &a.client_name).cmp(&(&b.grant.audience, &b.client_name))
    });
    out
}

pub struct OrgView {
    pub org: Organization,
    pub bots: Vec<(BotRow, Vec<GrantRow>)>,
    pub grants: Vec<GrantView>,
    pub members: members::Page,
}

/// One organization for the console: the organization is read first (a wrong id costs one call),
/// then its bots, grants, the clients' names and a page of members at once — the reads are
/// independent, so a cold dossier waits for two round trips instead of four.
pub async fn organization(
    ctx: &Ctx<'_>,
    org_id: &str,
    from: Option<String>,
) -> Result<OrgView, ServiceError> {
    // A bad page link or organization id is refused before anything is read.
    let from = members::validate_cursor(from)?;
    if !crate::server::ids::org(org_id) {
        return Err(ServiceError::Missing("That organization"));
    }
    let org = match cached(ctx, &format!("organization\u{0}{org_id}"), async {
        ctx.mgmt.organization(org_id).await
    })
    .await
    {
        Ok(o) => o,
        Err(ApiError::NotFound) => return deleted(ctx, org_id).await,
        Err(e) => return Err(e.into()),
    };
    let (bots, grants, clients, members) = tokio::try_join!(
        async { Ok::<_, ServiceError>(stored_bots::with_grants(ctx.db, Some(&org.id)).await?) },
        async {
            let key = format!("organization-grants\u{0}{}", org.id);
            Ok(cached(ctx, &key, ctx.mgmt.organization_grants(&org.id)).await?)
        },
        async { Ok(cached(ctx, "clients", ctx.mgmt.clients_summary()).await?) },
        members::read_page(ctx, &org.id, from),
    )?;
    Ok(OrgView {
        grants: views(grants, &clients),
        org,
        bots,
        members,
    })
}

/// A deleted organization whose audit log orgdesk still keeps: the log, and nothing else (its bots,
/// grants and members went with it). Otherwise not found.
async fn deleted(ctx: &Ctx<'_>, org_id: &str) -> Result<OrgView, ServiceError> {
    let Some((at, detail)) = crate::server::store::audit::deletion_of(ctx.db, org_id).await? else {
        return Err(ServiceError::Missing("That organization"));
    };
    let day = at.get(..10).unwrap_or(&at);
    Ok(OrgView {
        org: Organization {
            id: org_id.to_string(),
            name: String::new(),
            display_name: Some(format!("{detail} — deleted {day}")),
            metadata: Default::default(),
            branding: None,
            token_quota: None,
        },
        bots: Vec::new(),
        grants: Vec::new(),
        members: members::Page {
            members: Vec::new(),
            next: None,
        },
    })
}

pub async fn open_grants(ctx: &Ctx<'_>) -> Result<Vec<GrantView>, ServiceError> {
    let grants = cached(ctx, "grants-open", async {
        ctx.mgmt.all_grants(true).await
    })
    .await?;
    let clients = cached(ctx, "clients", async { ctx.mgmt.clients_summary().await }).await?;
    Ok(views(grants, &clients))
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApiSummary {
    pub audience: String,
    pub grants: usize,
    /// Grants by `organization_usage` (require / allow / deny / unset).
    pub by_usage: BTreeMap<String, usize>,
    pub open_to_any_org: usize,
}

pub async fn grants_per_api(ctx: &Ctx<'_>) -> Result<Vec<ApiSummary>, ServiceError> {
    Ok(summarize(
        &cached(ctx, "grants", async { ctx.mgmt.all_grants(false).await }).await?,
    ))
}

pub fn summarize(grants: &[ClientGrant]) -> Vec<ApiSummary> {
    let mut per: BTreeMap<&str, ApiSummary> = BTreeMap::new();
    for g in grants {
        let s = per.entry(&g.audience).or_insert_with(|| ApiSummary {
            audience: g.audience.clone(),
            ..Default::default()
        });
        s.grants += 1;
        *s.by_usage
            .entry(
                g.organization_usage
                    .clone()
                    .unwrap_or_else(|| "unset".into()),
            )
            .or_default() += 1;
        if g.allow_any_organization == Some(true) {
            s.open_to_any_org += 1;
        }
    }
    per.into_values().collect()
}

#[derive(Debug, Clone)]
pub struct IdleBot {
    pub bot: BotRow,
    /// The newest token the tenant logs show, if any.
    pub last_token: Option<String>,
}

/// orgdesk's bots with no client-credentials token in the last `days` days, as far as the tenant's
/// logs go back (Auth0 keeps logs for a plan-dependent number of days).
/// Every published or once-published app with its installs (the apps report).
pub async fn apps(ctx: &Ctx<'_>) -> Result<Vec<(AppRow, Vec<InstallRow>)>, ServiceError> {
    Ok(crate::server::store::apps::with_installs(ctx.db, None).await?)
}

pub async fn idle_bots(ctx: &Ctx<'_>, days: u32) -> Result<Vec<IdleBot>, ServiceError> {
    let cutoff = ctx.clock.now() - time::Duration::days(days as i64);
    let fmt = &time::format_description::well_known::Rfc3339;
    let recent = |date: &str| time::OffsetDateTime::parse(date, fmt).is_ok_and(|t| t >= cutoff);
    let bots = stored_bots::with_grants(ctx.db, None).await?;
    // The newest 1,000 exchanges in one sweep; only bots not seen there are asked about one by one.
    let mut last: HashMap<String, String> = HashMap::new();
    for e in cached(ctx, "token-logs", async {
        ctx.mgmt.token_logs(None, 1000).await
    })
    .await?
    {
        if let Some(c) = e.client_id {
            last.entry(c).or_insert(e.date);
        }
    }
    let mut out = Vec::new();
    for (bot, _) in bots {
        let seen = match last.get(&bot.client_id) {
            Some(d) => Some(d.clone()),
            None => ctx
                .mgmt
                .token_logs(Some(&bot.client_id), 1)
                .await?
                .into_iter()
                .next()
                .map(|e| e.date),
        };
        if !seen.as_deref().is_some_and(recent) {
            out.push(IdleBot {
                bot,
                last_token: seen,
            });
        }
    }
    Ok(out)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drift {
    pub client_id: String,
    pub bot_name: String,
    pub org_id: String,
    pub problem: String,
}

/// Bots whose upstream state no longer matches orgdesk's record: deleted or re-owned clients,
/// grants deleted, widened or re-scoped outside orgdesk, associations removed, grants orgdesk never made.
pub async fn drift(ctx: &Ctx<'_>) -> Result<Vec<Drift>, ServiceError> {
    let bots = stored_bots::with_grants(ctx.db, None).await?;
    let clients = cached(ctx, "clients", async { ctx.mgmt.clients_summary().await }).await?;
    let by_id = names(&clients);
    let grants = cached(ctx, "grants", async { ctx.mgmt.all_grants(false).await }).await?;
    let mut upstream: HashMap<&str, Vec<&ClientGrant>> = HashMap::new();
    for g in &grants {
        upstream.entry(g.client_id.as_str()).or_default().push(g);
    }
    let mut associated: HashMap<String, HashSet<String>> = HashMap::new();
    for org in bots
        .iter()
        .map(|(b, _)| b.org_id.clone())
        .collect::<HashSet<_>>()
    {
        let ids = ctx
            .mgmt
            .organization_grants(&org)
            .await?
            .into_iter()
            .map(|g| g.id)
            .collect();
        associated.insert(org, ids);
    }
    let mut out = Vec::new();
    for (bot, recorded) in &bots {
        let mut flag = |problem: String| {
            out.push(Drift {
                client_id: bot.client_id.clone(),
                bot_name: bot.name.clone(),
                org_id: bot.org_id.clone(),
                problem,
            });
        };
        let Some(client) = by_id.get(bot.client_id.as_str()) else {
            flag("the client was deleted outside orgdesk".into());
            continue;
        };
        if client.client_metadata.get(OWNER_KEY) != Some(&bot.org_id) {
            flag("the client's owner metadata names another organization".into());
        }
        let live = upstream
            .get(bot.client_id.as_str())
            .cloned()
            .unwrap_or_default();
        for r in recorded {
            let Some(g) = live.iter().find(|g| g.id == r.grant_id) else {
                flag(format!(
                    "the grant for {} was deleted outside orgdesk",
                    r.audience
                ));
                continue;
            };
            let mut want: Vec<&str> = r.scopes.split_whitespace().collect();
            let mut have: Vec<&str> = g.scope.iter().map(String::as_str).collect();
            want.sort_unstable();
            have.sort_unstable();
            if want != have {
                flag(format!(
                    "scopes for {} changed: orgdesk has [{}], Auth0 has [{}]",
                    r.audience,
                    want.join(" "),
                    have.join(" ")
                ));
            }
            if g.allow_any_organization == Some(true) {
                flag(format!(
                    "the grant for {} was opened to any organization",
                    r.audience
                ));
            }
            if g.organization_usage.as_deref() != Some("require") {
                flag(format!(
                    "the grant for {} no longer requires an organization ({})",
                    r.audience,
                    g.organization_usage.as_deref().unwrap_or("unset")
                ));
            }
            if !associated
                .get(&bot.org_id)
                .is_some_and(|a| a.contains(&r.grant_id))
            {
                flag(format!(
                    "the grant for {} is no longer associated with the organization",
                    r.audience
                ));
            }
        }
        for g in live
            .iter()
            .filter(|g| !recorded.iter().any(|r| r.grant_id == g.id))
        {
            flag(format!(
                "a grant for {} was added outside orgdesk",
                g.audience
            ));
        }
    }
    Ok(out)
}

/// Every organization's access requests still waiting for a second admin (the `wait` fallback
/// leaves a lone admin's here), oldest first; one past its deadline reads as expired.
pub async fn access_requests(
    ctx: &Ctx<'_>,
) -> Result<Vec<crate::server::store::approvals::Request>, ServiceError> {
    let now = ctx.clock.now_ms();
    let mut all = crate::server::store::approvals::pending(ctx.db).await?;
    for r in &mut all {
        if r.expires_at <= now {
            r.state = "expired".into();
        }
    }
    Ok(all)
}

/// Every bot due or past its organization's credential policy, or whose owner left it: each
/// organization's policy and member directory read once.
pub async fn needing_attention(
    ctx: &Ctx<'_>,
) -> Result<
    Vec<(
        crate::server::store::bots::BotRow,
        crate::model::bots::BotHealth,
    )>,
    ServiceError,
> {
    use super::credential_policy as policy;
    let mut out = Vec::new();
    let mut rules = std::collections::HashMap::new();
    let now = ctx.clock.now_ms();
    for (row, _) in crate::server::store::bots::with_grants(ctx.db, None).await? {
        if !rules.contains_key(&row.org_id) {
            let p = policy::get(ctx, &row.org_id).await?;
            let members = policy::known_members(ctx, &row.org_id).await;
            rules.insert(row.org_id.clone(), (p, members));
        }
        let (p, members) = &rules[&row.org_id];
        let health = policy::health(&row, *p, members.as_ref(), now);
        if health.attention().is_some() {
            out.push((row, health));
        }
    }
    Ok(out)
}
