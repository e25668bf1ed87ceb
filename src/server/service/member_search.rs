//! Member search: Auth0 cannot search an organization's members, so orgdesk reads the whole list
//! into a mirror (`store::member_mirror`) in the background — one pass, 1,000 pages for 100,000
//! members — keeps it current with its own writes, and answers searches from the mirror.

use std::sync::Arc;

use super::ServiceError;
use crate::clock::Clock;
use crate::server::auth0::ManagementClient;
use crate::server::store::member_mirror::{self as mirror, Status};
use crate::server::store::Db;

/// A complete pass older than this is refreshed on the next search.
pub const FRESH_FOR_MS: i64 = 10 * 60 * 1000;

/// Reads the whole member list into the mirror; members no longer in Auth0 are dropped.
/// Returns the number of members, or None if a pass was already running.
pub async fn sync(
    db: &Db,
    mgmt: &ManagementClient,
    clock: &dyn Clock,
    org_id: &str,
) -> Result<Option<i64>, ServiceError> {
    let started = clock.now_ms();
    if !mirror::claim_pass(db, org_id, started).await? {
        return Ok(None);
    }
    let outcome = read_all(db, mgmt, org_id, started).await;
    let finished = clock.now_ms();
    match &outcome {
        Ok(_) => mirror::complete_pass(db, org_id, started, finished).await?,
        // The caller logs the error; the next search starts a new pass.
        Err(_) => mirror::abandon_pass(db, org_id, finished).await?,
    }
    outcome.map(Some)
}

async fn read_all(
    db: &Db,
    mgmt: &ManagementClient,
    org_id: &str,
    started: i64,
) -> Result<i64, ServiceError> {
    let mut from: Option<String> = None;
    let mut count = 0i64;
    loop {
        let (members, next) = mgmt.members_page(org_id, from.as_deref(), 100).await?;
        mirror::upsert(db, org_id, &members, started).await?;
        count += members.len() as i64;
        match next {
            Some(n) => from = Some(n),
            None => return Ok(count),
        }
    }
}

/// Starts a background pass when the mirror is missing or stale (and none is running).
pub async fn refresh_if_stale(
    db: &Db,
    mgmt: &Arc<ManagementClient>,
    clock: &Arc<dyn Clock>,
    org_id: &str,
) -> Result<Status, sqlx::Error> {
    let now = clock.now_ms();
    let mut status = mirror::status(db, org_id, now).await?;
    let stale = status.completed_at.is_none_or(|t| now - t > FRESH_FOR_MS);
    if stale && !status.running {
        let (db, mgmt, clock, org) = (db.clone(), mgmt.clone(), clock.clone(), org_id.to_string());
        tokio::spawn(async move {
            if let Err(err) = sync(&db, &mgmt, clock.as_ref(), &org).await {
                tracing::warn!(error = %err, org_id = %org, "member directory pass failed");
            }
        });
        status.running = true;
    }
    Ok(status)
}
