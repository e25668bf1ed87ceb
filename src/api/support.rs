//! The support console's server functions: read-only, vendor support staff only (confirmed live),
//! and every view recorded in the audit log.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::model::support::{ApiLine, DriftLine, GrantLine, IdleLine, OrgDossier, OrgSummary};
use crate::model::AppError;

#[cfg(feature = "ssr")]
pub(crate) mod glue {
    use super::*;
    use crate::server::auth0::organizations::Organization;
    use crate::server::http::web::Call;
    use crate::server::service::support::{ApiSummary, Drift, GrantView, IdleBot};
    use crate::server::service::{Ctx, ServiceError};

    pub fn org(o: Organization) -> OrgSummary {
        OrgSummary {
            id: o.id,
            name: o.name,
            display_name: o.display_name,
        }
    }

    pub fn grant(g: GrantView) -> GrantLine {
        GrantLine {
            grant_id: g.grant.id,
            client_id: g.grant.client_id,
            client_name: g.client_name,
            audience: g.grant.audience,
            scopes: g.grant.scope,
            organization_usage: g.grant.organization_usage.unwrap_or_else(|| "unset".into()),
            allow_any_organization: g.grant.allow_any_organization == Some(true),
            owner_org: g.owner_org,
        }
    }

    pub fn api(a: ApiSummary) -> ApiLine {
        let n = |k: &str| a.by_usage.get(k).copied().unwrap_or(0);
        ApiLine {
            grants: a.grants,
            require: n("require"),
            allow: n("allow"),
            deny: n("deny"),
            unset: n("unset"),
            open_to_any_org: a.open_to_any_org,
            audience: a.audience,
        }
    }

    pub fn idle(i: IdleBot) -> IdleLine {
        IdleLine {
            client_id: i.bot.client_id,
            name: i.bot.name,
            org_id: i.bot.org_id,
            created_at: i.bot.created_at,
            last_token: i.last_token,
        }
    }

    /// A report for support staff (confirmed live), read and then recorded as viewed.
    pub async fn report<T>(
        what: &str,
        read: impl AsyncFnOnce(&Ctx<'_>) -> Result<T, ServiceError>,
    ) -> Result<(Call, T), AppError> {
        let call = crate::server::http::web::signed_in().await?;
        let permit = call.support().await?;
        let ctx = call.ctx();
        let found = read(&ctx).await.map_err(|e| call.fail(e))?;
        crate::server::service::support::record_view(&ctx, &permit, None, what).await;
        drop(ctx);
        Ok((call, found))
    }

    pub fn drift(d: Drift) -> DriftLine {
        DriftLine {
            client_id: d.client_id,
            bot_name: d.bot_name,
            org_id: d.org_id,
            problem: d.problem,
        }
    }
}

#[server(endpoint = "support/orgs", input = Json, output = crate::model::wire::TextJson)]
pub async fn find_orgs(q: String) -> Result<Vec<OrgSummary>, AppError> {
    use crate::server::service::support;
    let call = crate::server::http::web::signed_in().await?;
    let permit = call.support().await?;
    let ctx = call.ctx();
    let orgs = support::find_organizations(&ctx, &q)
        .await
        .map_err(|e| call.fail(e))?;
    support::record_view(
        &ctx,
        &permit,
        None,
        &format!("organization search: {}", q.trim()),
    )
    .await;
    Ok(orgs.into_iter().map(glue::org).collect())
}

#[server(endpoint = "support/org", input = Json, output = crate::model::wire::TextJson)]
pub async fn load_org_dossier(
    org_id: String,
    from: Option<String>,
) -> Result<OrgDossier, AppError> {
    use crate::server::service::{audit_log, support};
    let call = crate::server::http::web::signed_in().await?;
    let permit = call.support().await?;
    let ctx = call.ctx();
    let view = support::organization(&ctx, &org_id, from)
        .await
        .map_err(|e| call.fail(e))?;
    let org_id = view.org.id.clone();
    let events = audit_log::query(ctx.db, Some(&org_id), &Default::default(), None, 50)
        .await
        .map_err(|e| call.fail(e))?;
    support::record_view(
        &ctx,
        &permit,
        Some(&org_id),
        "organization: bots, grants, members, audit log",
    )
    .await;
    let quota = view
        .org
        .token_quota
        .as_ref()
        .and_then(|q| q.client_credentials.as_ref())
        .map(|l| {
            let enforced = if l.enforce { "enforced" } else { "logged only" };
            format!("at most {} ({enforced})", l.words())
        });
    Ok(OrgDossier {
        quota,
        org: glue::org(view.org),
        bots: view
            .bots
            .into_iter()
            .map(crate::api::bots::glue::bot)
            .collect(),
        grants: view.grants.into_iter().map(glue::grant).collect(),
        members: view
            .members
            .members
            .into_iter()
            .map(crate::api::members::glue::member)
            .collect(),
        next_members: view.members.next,
        events: {
            let (names, roles) = crate::api::audit::glue::naming(&call, &org_id, &events).await;
            events
                .into_iter()
                .map(|e| crate::api::audit::glue::event(e, &names, &roles))
                .collect()
        },
    })
}

#[server(endpoint = "support/reports/open-grants", input = Json, output = crate::model::wire::TextJson)]
pub async fn report_open_grants() -> Result<Vec<GrantLine>, AppError> {
    use crate::server::service::support;
    let what = "report: grants open to any organization";
    let (_, list) = glue::report(what, async |ctx| support::open_grants(ctx).await).await?;
    Ok(list.into_iter().map(glue::grant).collect())
}

#[server(endpoint = "support/reports/grants-per-api", input = Json, output = crate::model::wire::TextJson)]
pub async fn report_grants_per_api() -> Result<Vec<ApiLine>, AppError> {
    use crate::server::service::support;
    let what = "report: grants per API";
    let (_, list) = glue::report(what, async |ctx| support::grants_per_api(ctx).await).await?;
    Ok(list.into_iter().map(glue::api).collect())
}

#[server(endpoint = "support/reports/idle-bots", input = Json, output = crate::model::wire::TextJson)]
pub async fn report_idle_bots(days: u32) -> Result<Vec<IdleLine>, AppError> {
    use crate::server::service::{invalid, support};
    let what = format!("report: bots idle for {days} days");
    let (_, list) = glue::report(&what, async |ctx| {
        if !(1..=365).contains(&days) {
            return Err(invalid("days", "Choose between 1 and 365 days."));
        }
        support::idle_bots(ctx, days).await
    })
    .await?;
    Ok(list.into_iter().map(glue::idle).collect())
}

#[server(endpoint = "support/reports/drift", input = Json, output = crate::model::wire::TextJson)]
pub async fn report_drift() -> Result<Vec<DriftLine>, AppError> {
    use crate::server::service::support;
    let what = "report: drift between orgdesk and Auth0";
    let (_, list) = glue::report(what, async |ctx| support::drift(ctx).await).await?;
    Ok(list.into_iter().map(glue::drift).collect())
}

#[server(endpoint = "support/reports/apps", input = Json, output = crate::model::wire::TextJson)]
pub async fn report_apps() -> Result<Vec<crate::model::apps::PublishedApp>, AppError> {
    use crate::server::service::support;
    let what = "report: published apps and installs";
    let (call, list) = glue::report(what, async |ctx| support::apps(ctx).await).await?;
    let url = &call.state.config.public_url;
    Ok(list
        .into_iter()
        .map(|a| crate::api::apps::glue::published(url, a))
        .collect())
}

#[server(endpoint = "support/reports/access-requests", input = Json, output = crate::model::wire::TextJson)]
pub async fn report_access_requests() -> Result<Vec<crate::model::bots::AccessRequest>, AppError> {
    use crate::server::service::support;
    let what = "report: access requests waiting";
    let (_, list) = glue::report(what, async |ctx| support::access_requests(ctx).await).await?;
    Ok(list
        .into_iter()
        .map(|r| crate::api::bots::glue::request(r, ""))
        .collect())
}

#[server(endpoint = "support/reports/credential-policy", input = Json, output = crate::model::wire::TextJson)]
pub async fn report_needing_attention(
) -> Result<Vec<crate::model::support::AttentionLine>, AppError> {
    use crate::server::service::support;
    let what = "report: bots needing attention";
    let (_, list) = glue::report(what, async |ctx| support::needing_attention(ctx).await).await?;
    Ok(list
        .into_iter()
        .map(|(row, health)| crate::model::support::AttentionLine {
            client_id: row.client_id,
            name: row.name,
            org_id: row.org_id,
            health,
        })
        .collect())
}

#[server(endpoint = "support/reports/access-reviews", input = Json, output = crate::model::wire::TextJson)]
pub async fn report_access_reviews() -> Result<Vec<crate::model::reviews::ReviewSummary>, AppError>
{
    use crate::server::service::access_reviews;
    let what = "report: access reviews";
    let (_, list) =
        glue::report(what, async |ctx| access_reviews::summaries(ctx, None).await).await?;
    Ok(list)
}
