//! `/api/v2/logs` — Auth0 Management API "Logs" (SPEC §3.11): tenant events such as `seccft` (successful
//! client-credentials exchange, with client and organization), `s` (login), `f`/`fcoa` (failures).

use axum::extract::{Path, Query};
use axum::Json;
use serde_json::{json, Value};

use super::super::errors::MgmtError;
use super::super::model::LogEvent;
use super::super::paging::Params;
use super::auth::Caller;
use crate::clock::iso;

const READ: &[&str] = &["read:logs", "read:logs_users"];

/// Absent fields are left out, as Auth0 does (never `null`).
pub fn render(l: &LogEvent) -> Value {
    let mut v = json!({
        "date": iso(l.date),
        "type": l.kind,
        "description": l.description,
        "client_id": l.client_id,
        "client_name": l.client_name,
        "ip": l.ip,
        // A token exchange has no user: Auth0 answers empty strings, not nulls.
        "user_id": l.user_id.as_deref().unwrap_or_default(),
        "user_name": l.user_name.as_deref().unwrap_or_default(),
        "connection_id": l.connection.as_ref().map_or("", |c| c.id.as_str()),
        // Auth0 logs the parsed user agent; a program (every M2M client) parses as this.
        "user_agent": "Other 0.0.0 / Other 0.0.0",
        "organization_id": l.organization_id,
        "organization_name": l.organization_name,
        "audience": l.audience,
        "scope": l.scope,
        "hostname": "localhost",
        "log_id": l.log_id,
        "_id": l.log_id,
        "isMobile": false,
    });
    if let Some(c) = &l.connection {
        v["connection"] = json!(c.name);
        v["strategy"] = json!(c.strategy);
        v["strategy_type"] = json!(strategy_type(&c.strategy));
    }
    if let Some(d) = &l.details {
        v["details"] = d.clone();
    }
    if let Value::Object(m) = &mut v {
        m.retain(|_, value| !value.is_null());
    }
    v
}

/// Auth0's grouping of a connection's strategy in log entries.
fn strategy_type(strategy: &str) -> &'static str {
    match strategy {
        "auth0" => "database",
        "email" | "sms" => "passwordless",
        s if super::strategies::is_enterprise(s) => "enterprise",
        _ => "social",
    }
}

/// The subset of Auth0's log search orgdesk uses: `field:"value"` terms joined by `AND` (or spaces).
fn parse_query(q: &str) -> Result<Vec<(String, String)>, MgmtError> {
    q.split(" AND ")
        .flat_map(|part| part.split_whitespace())
        .filter(|t| !t.is_empty() && *t != "AND")
        .map(|term| {
            let (field, value) = term
                .split_once(':')
                .ok_or_else(|| MgmtError::invalid_query(format!("Invalid search term {term}")))?;
            if ![
                "type",
                "client_id",
                "organization_id",
                "user_id",
                "audience",
            ]
            .contains(&field)
            {
                return Err(MgmtError::invalid_query(format!(
                    "Unsupported search field {field}"
                )));
            }
            Ok((field.to_string(), value.trim_matches('"').to_string()))
        })
        .collect()
}

fn matches(l: &LogEvent, terms: &[(String, String)]) -> bool {
    terms.iter().all(|(field, value)| {
        let actual = match field.as_str() {
            "type" => Some(&l.kind),
            "client_id" => l.client_id.as_ref(),
            "organization_id" => l.organization_id.as_ref(),
            "user_id" => l.user_id.as_ref(),
            _ => l.audience.as_ref(),
        };
        actual.is_some_and(|a| a == value)
    })
}

pub async fn list(caller: Caller, Query(params): Query<Params>) -> Result<Json<Value>, MgmtError> {
    caller.require(READ)?;
    let terms = match params.get("q").or_else(|| params.get("search")) {
        Some(q) => parse_query(q)?,
        None => Vec::new(),
    };
    let t = caller.read();
    if let Some(from) = params.get("from") {
        let take = params.int("take", 1, 100)?.unwrap_or(50) as usize;
        let out: Vec<Value> = t
            .logs
            .iter()
            .filter(|l| l.log_id.as_str() > from && matches(l, &terms))
            .take(take)
            .map(render)
            .collect();
        return Ok(Json(Value::Array(out)));
    }
    let per_page = params.int("per_page", 0, 100)?.unwrap_or(50) as usize;
    let page = params.int("page", 0, i64::MAX)?.unwrap_or(0) as usize;
    let oldest_first = params.get("sort") == Some("date:1");
    let hits: Vec<&LogEvent> = if oldest_first {
        t.logs.iter().filter(|l| matches(l, &terms)).collect()
    } else {
        t.logs.iter().rev().filter(|l| matches(l, &terms)).collect()
    };
    let start = page * per_page;
    let items: Vec<Value> = hits
        .iter()
        .skip(start)
        .take(per_page)
        .map(|l| render(l))
        .collect();
    if params.bool("include_totals")?.unwrap_or(false) {
        Ok(Json(
            json!({ "start": start, "limit": per_page, "length": items.len(), "total": hits.len(), "logs": items }),
        ))
    } else {
        Ok(Json(Value::Array(items)))
    }
}

pub async fn get(caller: Caller, Path(id): Path<String>) -> Result<Json<Value>, MgmtError> {
    caller.require(READ)?;
    let t = caller.read();
    t.logs
        .iter()
        .find(|l| l.log_id == id)
        .map(|l| Json(render(l)))
        .ok_or_else(|| MgmtError::not_found("Log not found", None))
}
