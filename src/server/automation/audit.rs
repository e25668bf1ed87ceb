//! The organization's audit log: filtered pages (newest first, keyset cursors) and CSV.

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};

use super::caller::ApiCall;
use super::extract::{Path, Query};
use super::problem::Problem;
use super::scopes::AUDIT_READ;
use super::wire;
use crate::server::service::audit_log::{self, events_csv, Filter, EXPORT_LIMIT, PAGE_SIZE};

fn filter(q: &wire::AuditQuery) -> Filter {
    Filter {
        action: q.action.clone(),
        actor: q.actor.clone(),
        since: q.since.clone(),
        until: q.until.clone(),
    }
}

/// A cursor is the last event's id, as this API handed it out.
fn cursor(before: Option<&str>, call: &ApiCall) -> Result<Option<i64>, Problem> {
    match before.filter(|b| !b.is_empty()) {
        None => Ok(None),
        Some(b) => match b.parse::<i64>() {
            Ok(id) if id > 0 => Ok(Some(id)),
            _ => Err(Problem::invalid(
                Some("before"),
                "Use the `next` cursor of the previous page.",
            )
            .with_request_id(call.rid())),
        },
    }
}

/// One page of the audit log (at most 50 events), newest first.
#[utoipa::path(get, path = "/organizations/{org_id}/audit-log", tag = "Audit log",
    params(("org_id" = String, Path), wire::AuditQuery),
    responses((status = 200, body = wire::AuditPage), super::Errors),
    security(("bearer" = ["audit:read"])))]
pub async fn page(
    call: ApiCall,
    Path(org_id): Path<String>,
    query: Query<wire::AuditQuery>,
) -> Result<axum::Json<wire::AuditPage>, Problem> {
    let view = call.view(&org_id, AUDIT_READ).await?;
    let q = query.parse(call.rid())?;
    let before = cursor(q.before.as_deref(), &call)?;
    let events = audit_log::query(
        &call.state.db,
        Some(view.org_id()),
        &filter(&q),
        before,
        PAGE_SIZE + 1,
    )
    .await
    .map_err(|e| call.fail(e))?;
    let more = events.len() as i64 > PAGE_SIZE;
    let events: Vec<wire::AuditEvent> = events
        .into_iter()
        .take(PAGE_SIZE as usize)
        .map(|e| wire::AuditEvent {
            id: e.id,
            at: e.occurred_at,
            actor_id: e.actor_id,
            actor: e.actor_name,
            action: e.action,
            target: e.target,
            result: e.result,
            detail: e.detail,
            request_id: e.request_id,
        })
        .collect();
    Ok(axum::Json(wire::AuditPage {
        next: more
            .then(|| events.last().map(|e| e.id.to_string()))
            .flatten(),
        events,
    }))
}

/// The audit log as CSV (every event the filters select, at most 100 000).
#[utoipa::path(get, path = "/organizations/{org_id}/audit-log.csv", tag = "Audit log",
    params(("org_id" = String, Path), wire::AuditQuery),
    responses((status = 200, content_type = "text/csv", body = String), super::Errors),
    security(("bearer" = ["audit:read"])))]
pub async fn csv(
    call: ApiCall,
    Path(org_id): Path<String>,
    query: Query<wire::AuditQuery>,
) -> Result<Response, Problem> {
    let view = call.view(&org_id, AUDIT_READ).await?;
    let q = query.parse(call.rid())?;
    let events = audit_log::query(
        &call.state.db,
        Some(view.org_id()),
        &filter(&q),
        None,
        EXPORT_LIMIT,
    )
    .await
    .map_err(|e| call.fail(e))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        events_csv(&events),
    )
        .into_response())
}
