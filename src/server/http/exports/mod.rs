//! CSV downloads: the organization's audit log (its admins), and the support console's views and
//! reports (support staff). Plain GETs that change nothing; the same checks as the server functions.

use axum::extract::{FromRequestParts, Path, Query};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tower_sessions::Session;

mod reports;

use super::web::Call;
use crate::model::support::ReportKind;
use crate::model::{AppError, ErrorKind};
use crate::server::service::audit_log::{self, events_csv, Filter, EXPORT_LIMIT};
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

/// The signed-in caller of a download; extracted before the path and query are read, so a
/// stranger learns nothing from a malformed address.
pub struct Caller(Call);

impl FromRequestParts<AppState> for Caller {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let session = Session::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        Call::from_request(state.clone(), &session, &parts.headers)
            .await
            .map(Caller)
            .map_err(refuse)
    }
}

fn safe_name(id: &str) -> String {
    id.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .take(64)
        .collect()
}

/// One organization's audit log, filtered like the page; `org` has been authorized by the caller.
async fn audit_csv(call: &Call, org: &str, p: &Params) -> Result<Response, Response> {
    let events = audit_log::query(&call.state.db, Some(org), &p.filter(), None, EXPORT_LIMIT)
        .await
        .map_err(|e| refuse(call.fail(e)))?;
    Ok(download(
        &format!("orgdesk-audit-{}.csv", safe_name(org)),
        events_csv(&events),
    ))
}

/// `GET /orgs/{org}/audit.csv`: the organization's audit log, for anyone who may view it.
pub async fn org_audit(
    Caller(call): Caller,
    Path(org): Path<String>,
    Query(p): Query<Params>,
) -> Response {
    let answer = async {
        let view = call.view(&org).await.map_err(refuse)?;
        audit_csv(&call, view.org_id(), &p).await
    };
    answer.await.unwrap_or_else(|refusal| refusal)
}

/// `GET /orgs/{org}/reviews/{id}.csv`: one access review's items and decisions, for anyone who may
/// view the organization.
pub async fn org_review(
    Caller(call): Caller,
    Path((org, file)): Path<(String, String)>,
) -> Response {
    use crate::server::service::access_reviews;
    let answer = async {
        let view = call.view(&org).await.map_err(refuse)?;
        let Some(id) = file.strip_suffix(".csv") else {
            return Err(refuse(
                call.error(ErrorKind::NotFound, "There is no such review."),
            ));
        };
        let ctx = call.ctx();
        let (review, items) = access_reviews::items(&ctx, view.org_id(), id)
            .await
            .map_err(|e| refuse(call.fail(e)))?;
        let day: String = crate::clock::iso(review.started_at)
            .chars()
            .take(10)
            .collect();
        let summary = access_reviews::summary_of(review, &items, ctx.clock.now_ms());
        Ok(download(
            &format!(
                "orgdesk-access-review-{}-{day}.csv",
                safe_name(view.org_id())
            ),
            reports::review_items(std::slice::from_ref(&summary), items),
        ))
    };
    answer.await.unwrap_or_else(|refusal| refusal)
}

/// `GET /support/orgs/{org}/audit.csv`: one organization's audit log, for support staff.
pub async fn support_org_audit(
    Caller(call): Caller,
    Path(org): Path<String>,
    Query(p): Query<Params>,
) -> Response {
    let answer = async {
        let permit = call.support().await.map_err(refuse)?;
        let file = audit_csv(&call, &org, &p).await?;
        support::record_view(&call.ctx(), &permit, Some(&org), "audit log export (CSV)").await;
        Ok(file)
    };
    answer.await.unwrap_or_else(|refusal| refusal)
}

/// `GET /support/reports/{name}.csv`: every `ReportKind` (idle-bots takes `?days=`).
pub async fn support_report(
    Caller(call): Caller,
    Path(file): Path<String>,
    Query(p): Query<Params>,
) -> Response {
    let answer = async {
        let permit = call.support().await.map_err(refuse)?;
        let Some(kind) = file.strip_suffix(".csv").and_then(ReportKind::from_slug) else {
            let missing = call.error(ErrorKind::NotFound, "There is no such report.");
            return Err(refuse(missing));
        };
        let ctx = call.ctx();
        let days = p.days.unwrap_or(30).clamp(1, 365);
        let body = reports::render(&ctx, kind, days)
            .await
            .map_err(|e| refuse(call.fail(e)))?;
        let name = kind.slug();
        let what = format!("report export (CSV): {name}");
        support::record_view(&ctx, &permit, None, &what).await;
        Ok(download(&format!("orgdesk-{name}.csv"), body))
    };
    answer.await.unwrap_or_else(|refusal| refusal)
}
