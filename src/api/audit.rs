//! The organization's audit log, a page at a time. Session → policy → query → wire type.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::model::audit::AuditPage;
use crate::model::AppError;

#[cfg(feature = "ssr")]
pub(crate) mod glue {
    use crate::api::members::glue::role;
    use crate::model::audit::AuditEntry;
    use crate::model::members::RoleRef;
    use crate::server::service::audit_log::Event;

    /// An audit record for the page, with its target's name and role ids in the detail named.
    pub fn event(
        e: Event,
        names: &std::collections::HashMap<String, String>,
        roles: &[RoleRef],
    ) -> AuditEntry {
        let detail = e.detail.map(|d| {
            roles.iter().fold(d, |d, r| {
                if d.contains(&r.id) {
                    d.replace(&r.id, &format!("{} ({})", r.name, r.id))
                } else {
                    d
                }
            })
        });
        AuditEntry {
            id: e.id,
            at: e.occurred_at,
            actor: e.actor_name.unwrap_or(e.actor_id),
            action: e.action,
            target_name: e.target.as_ref().and_then(|t| names.get(t).cloned()),
            target: e.target,
            result: e.result,
            detail,
            request_id: e.request_id,
        }
    }

    /// Names for the targets of one organization's events, and the tenant's roles; a failure to
    /// read either only leaves ids unnamed.
    pub async fn naming(
        call: &crate::server::http::web::Call,
        org_id: &str,
        events: &[Event],
    ) -> (std::collections::HashMap<String, String>, Vec<RoleRef>) {
        let names = crate::server::service::audit_log::target_names(&call.state.db, org_id, events)
            .await
            .unwrap_or_default();
        let roles = call
            .state
            .catalog
            .roles(&call.state.mgmt)
            .await
            .map(|list| list.into_iter().map(role).collect())
            .unwrap_or_default();
        (names, roles)
    }

    pub fn filter(
        q: &crate::model::audit::AuditQuery,
    ) -> crate::server::service::audit_log::Filter {
        let opt = |s: &str| (!s.trim().is_empty()).then(|| s.to_string());
        crate::server::service::audit_log::Filter {
            action: opt(&q.action),
            actor: opt(&q.actor),
            since: opt(&q.since),
            until: opt(&q.until),
        }
    }
}

#[server(endpoint = "audit/list", input = Json, output = crate::model::wire::TextJson)]
pub async fn audit_log(
    org_id: String,
    action: String,
    actor: String,
    since: String,
    until: String,
    before: Option<i64>,
    /// Fewer than a page (the overview's recent activity); a page when absent.
    limit: Option<u32>,
) -> Result<AuditPage, AppError> {
    use crate::server::service::audit_log;
    let call = crate::server::http::web::signed_in().await?;
    let permit = call.view(&org_id).await?;
    let query = crate::model::audit::AuditQuery {
        action,
        actor,
        since,
        until,
    };
    let limit = limit.map_or(audit_log::PAGE_SIZE, |n| {
        i64::from(n).clamp(1, audit_log::PAGE_SIZE)
    });
    let events = audit_log::query(
        &call.state.db,
        Some(permit.org_id()),
        &glue::filter(&query),
        before,
        limit + 1,
    )
    .await
    .map_err(|e| call.fail(e))?;
    let more = events.len() as i64 > limit;
    let (names, roles) = glue::naming(&call, permit.org_id(), &events).await;
    let entries: Vec<_> = events
        .into_iter()
        .take(limit as usize)
        .map(|e| glue::event(e, &names, &roles))
        .collect();
    Ok(AuditPage {
        next_before: more.then(|| entries.last().map(|e| e.id)).flatten(),
        entries,
    })
}
