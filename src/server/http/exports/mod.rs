//! CSV downloads: the organization's audit log (its admins), and the support console's views and
//! reports (support staff). Plain GETs that change nothing; the same checks as the server functions.

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tower_sessions::Session;

use super::web::Call;
use crate::model::AppError;
use crate::server::service::audit_log::{self, csv, events_csv, Filter, EXPORT_LIMIT};
use crate::server::service::support;
use crate::server::state::AppState;

#[derive(Deserialize, Default)]
pub struct Params {
    action: Option<String>,
    actor: Option<String>,
    since: Option<String>,
    until: Option<String>,
    days: Option<u32>,
}

impl Params {
    fn filter(&self) -> Filter {
        Filter {
            action: self.action.clone(),
            actor: self.actor.clone(),
            since: self.since.clone(),
            until: self.until.clone(),
        }
    }
}

fn refuse(err: AppError) -> Response {
    let status =
        StatusCode::from_u16(err.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, [(header::CACHE_CONTROL, "no-store")], err.message).into_response()
}

fn download(name: &str, body: String) -> Response {
    let disposition = format!("attachment; filename=\"{name}\"");
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition)
                    .unwrap_or(HeaderValue::from_static("attachment")),
            ),
        ],
        body,
    )
        .into_response()
}

async fn caller(state: AppState, session: &Session, headers: &HeaderMap) -> Result<Call, Response> {
    Call::from_request(state, session, headers)
        .await
        .map_err(refuse)
}

/// Support staff only, confirmed live.
async fn support_caller(
    state: AppState,
    session: &Session,
    headers: &HeaderMap,
) -> Result<(Call, crate::server::policy::SupportPermit), Response> {
    let call = caller(state, session, headers).await?;
    let permit = call.support().await.map_err(refuse)?;
    Ok((call, permit))
}

fn safe_name(id: &str) -> String {
    id.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .take(64)
        .collect()
}

/// `GET /orgs/{org}/audit.csv`: the organization's audit log, filtered like the page.
pub async fn org_audit(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    Path(org): Path<String>,
    Query(p): Query<Params>,
) -> Response {
    let call = match caller(state, &session, &headers).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let permit = match call.view(&org).await {
        Ok(p) => p,
        Err(e) => return refuse(e),
    };
    match audit_log::query(
        &call.state.db,
        Some(permit.org_id()),
        &p.filter(),
        None,
        EXPORT_LIMIT,
    )
    .await
    {
        Ok(events) => download(
            &format!("orgdesk-audit-{}.csv", safe_name(&org)),
            events_csv(&events),
        ),
        Err(e) => refuse(call.fail(e)),
    }
}

/// `GET /support/orgs/{org}/audit.csv`: one organization's audit log, for support staff.
pub async fn support_org_audit(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    Path(org): Path<String>,
    Query(p): Query<Params>,
) -> Response {
    let (call, permit) = match support_caller(state, &session, &headers).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let ctx = call.ctx();
    match audit_log::query(ctx.db, Some(&org), &p.filter(), None, EXPORT_LIMIT).await {
        Ok(events) => {
            support::record_view(&ctx, &permit, Some(&org), "audit log export (CSV)").await;
            download(
                &format!("orgdesk-audit-{}.csv", safe_name(&org)),
                events_csv(&events),
            )
        }
        Err(e) => refuse(call.fail(e)),
    }
}

/// `GET /support/reports/{name}.csv`: every `ReportKind` (idle-bots takes `?days=`).
pub async fn support_report(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    Path(file): Path<String>,
    Query(p): Query<Params>,
) -> Response {
    let (call, permit) = match support_caller(state, &session, &headers).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let ctx = call.ctx();
    let Some(kind) = file
        .strip_suffix(".csv")
        .and_then(crate::model::support::ReportKind::from_slug)
    else {
        return refuse(call.error(
            crate::model::ErrorKind::NotFound,
            "There is no such report.",
        ));
    };
    use crate::model::support::ReportKind;
    let name = kind.slug();
    let body = match kind {
        ReportKind::OpenGrants => support::open_grants(&ctx).await.map(|list| {
            csv(
                &[
                    "client",
                    "client_id",
                    "api",
                    "scopes",
                    "organization_usage",
                    "allow_any_organization",
                    "owner_org",
                    "grant_id",
                ],
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
        }),
        ReportKind::GrantsPerApi => support::grants_per_api(&ctx).await.map(|list| {
            csv(
                &[
                    "api",
                    "grants",
                    "require",
                    "allow",
                    "deny",
                    "unset",
                    "open_to_any_organization",
                ],
                list.into_iter().map(|a| {
                    let n = |k: &str| a.by_usage.get(k).copied().unwrap_or(0).to_string();
                    vec![
                        a.audience.clone(),
                        a.grants.to_string(),
                        n("require"),
                        n("allow"),
                        n("deny"),
                        n("unset"),
                        a.open_to_any_org.to_string(),
                    ]
                }),
            )
        }),
        ReportKind::IdleBots => {
            let days = p.days.unwrap_or(30).clamp(1, 365);
            support::idle_bots(&ctx, days).await.map(|list| {
                csv(
                    &[
                        "bot",
                        "client_id",
                        "organization",
                        "registered",
                        "last_token",
                    ],
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
            })
        }
        ReportKind::Drift => support::drift(&ctx).await.map(|list| {
            csv(
                &["bot", "client_id", "organization", "problem"],
                list.into_iter()
                    .map(|d| vec![d.bot_name, d.client_id, d.org_id, d.problem]),
            )
        }),
        ReportKind::Apps => support::apps(&ctx).await.map(|list| {
            csv(
                &[
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
                ],
                list.into_iter().map(|(app, installs)| {
                    let names: Vec<&str> = installs.iter().map(|i| i.org_name.as_str()).collect();
                    let ids: Vec<&str> = installs.iter().map(|i| i.org_id.as_str()).collect();
                    vec![
                        app.name.clone(),
                        app.app_id.clone(),
                        app.client_id.clone(),
                        app.publisher_name.clone(),
                        app.publisher_org.clone(),
                        app.audience.clone(),
                        app.scopes.clone(),
                        if app.is_published() { "yes" } else { "no" }.to_string(),
                        names.join("; "),
                        ids.join(" "),
                    ]
                }),
            )
        }),
    };
    match body {
        Ok(body) => {
            support::record_view(&ctx, &permit, None, &format!("report export (CSV): {name}"))
                .await;
            download(&format!("orgdesk-{name}.csv"), body)
        }
        Err(e) => refuse(call.fail(e)),
    }
}
