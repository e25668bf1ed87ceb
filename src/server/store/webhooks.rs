//! The `webhook_endpoints` and `webhook_deliveries` tables.

use super::Db;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Endpoint {
    pub id: String,
    pub org_id: String,
    pub url: String,
    pub secret: String,
    pub description: String,
    pub created_at: i64,
    pub created_by: String,
    pub cursor: i64,
    pub failures: i64,
    pub paused_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Delivery {
    pub id: String,
    pub endpoint_id: String,
    pub org_id: String,
    pub event_id: i64,
    pub action: String,
    pub payload: String,
    pub state: String,
    pub attempts: i64,
    pub next_at: i64,
    pub last_status: Option<i64>,
    pub last_error: Option<String>,
    pub created_at: i64,
}

const ENDPOINT: &str =
    "id, org_id, url, secret, description, created_at, created_by, cursor, failures, paused_at";
const DELIVERY: &str = "id, endpoint_id, org_id, event_id, action, payload, state, attempts, next_at, last_status, last_error, created_at";

pub async fn insert(db: &Db, e: &Endpoint) -> Result<(), sqlx::Error> {
    sqlx::query(&format!(
        "INSERT INTO webhook_endpoints ({ENDPOINT}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
    ))
    .bind(&e.id)
    .bind(&e.org_id)
    .bind(&e.url)
    .bind(&e.secret)
    .bind(&e.description)
    .bind(e.created_at)
    .bind(&e.created_by)
    .bind(e.cursor)
    .bind(e.failures)
    .bind(e.paused_at)
    .execute(db)
    .await
    .map(|_| ())
}

pub async fn of_org(db: &Db, org_id: &str) -> Result<Vec<Endpoint>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {ENDPOINT} FROM webhook_endpoints WHERE org_id = $1 ORDER BY created_at, id"
    ))
    .bind(org_id)
    .fetch_all(db)
    .await
}

pub async fn get(db: &Db, id: &str) -> Result<Option<Endpoint>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {ENDPOINT} FROM webhook_endpoints WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(db)
    .await
}

pub async fn active(db: &Db) -> Result<Vec<Endpoint>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {ENDPOINT} FROM webhook_endpoints WHERE paused_at IS NULL ORDER BY id"
    ))
    .fetch_all(db)
    .await
}

/// Removes an endpoint and its deliveries.
pub async fn delete(db: &Db, id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM webhook_deliveries WHERE endpoint_id = $1")
        .bind(id)
        .execute(db)
        .await?;
    sqlx::query("DELETE FROM webhook_endpoints WHERE id = $1")
        .bind(id)
        .execute(db)
        .await
        .map(|_| ())
}

/// Forgets an organization's endpoints (it was deleted).
pub async fn forget_org(db: &Db, org_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM webhook_deliveries WHERE org_id = $1")
        .bind(org_id)
        .execute(db)
        .await?;
    sqlx::query("DELETE FROM webhook_endpoints WHERE org_id = $1")
        .bind(org_id)
        .execute(db)
        .await
        .map(|_| ())
}

/// Queues one event for an endpoint and moves its cursor past it (a repeat queues nothing).
pub async fn queue(db: &Db, d: &Delivery) -> Result<(), sqlx::Error> {
    sqlx::query(&format!(
        "INSERT INTO webhook_deliveries ({DELIVERY}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         ON CONFLICT (endpoint_id, event_id) DO NOTHING"
    ))
    .bind(&d.id)
    .bind(&d.endpoint_id)
    .bind(&d.org_id)
    .bind(d.event_id)
    .bind(&d.action)
    .bind(&d.payload)
    .bind(&d.state)
    .bind(d.attempts)
    .bind(d.next_at)
    .bind(d.last_status)
    .bind(&d.last_error)
    .bind(d.created_at)
    .execute(db)
    .await?;
    sqlx::query("UPDATE webhook_endpoints SET cursor = $2 WHERE id = $1 AND cursor < $2")
        .bind(&d.endpoint_id)
        .bind(d.event_id)
        .execute(db)
        .await
        .map(|_| ())
}

/// Pending deliveries due by `now` to endpoints that are not paused, oldest first.
pub async fn due(db: &Db, now: i64, limit: i64) -> Result<Vec<Delivery>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {} FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
         WHERE d.state = 'pending' AND d.next_at <= $1 AND e.paused_at IS NULL
         ORDER BY d.next_at, d.event_id LIMIT $2",
        DELIVERY
            .split(", ")
            .map(|c| format!("d.{c}"))
            .collect::<Vec<_>>()
            .join(", ")
    ))
    .bind(now)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// An attempt's outcome: the delivery's new state, attempts, next try and answer.
pub struct Attempt<'a> {
    pub state: &'a str,
    pub next_at: i64,
    pub status: Option<i64>,
    pub error: Option<&'a str>,
}

pub async fn attempted(db: &Db, id: &str, a: &Attempt<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE webhook_deliveries SET state = $2, attempts = attempts + 1, next_at = $3,
         last_status = $4, last_error = $5 WHERE id = $1",
    )
    .bind(id)
    .bind(a.state)
    .bind(a.next_at)
    .bind(a.status)
    .bind(a.error)
    .execute(db)
    .await
    .map(|_| ())
}

/// Counts a failed attempt against the endpoint; answers the failures in a row.
pub async fn failed(db: &Db, endpoint_id: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "UPDATE webhook_endpoints SET failures = failures + 1 WHERE id = $1 RETURNING failures",
    )
    .bind(endpoint_id)
    .fetch_one(db)
    .await
}

pub async fn succeeded(db: &Db, endpoint_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE webhook_endpoints SET failures = 0 WHERE id = $1")
        .bind(endpoint_id)
        .execute(db)
        .await
        .map(|_| ())
}

/// Pauses an active endpoint; true when this call paused it.
pub async fn pause(db: &Db, endpoint_id: &str, now: i64) -> Result<bool, sqlx::Error> {
    sqlx::query("UPDATE webhook_endpoints SET paused_at = $2 WHERE id = $1 AND paused_at IS NULL")
        .bind(endpoint_id)
        .bind(now)
        .execute(db)
        .await
        .map(|r| r.rows_affected() == 1)
}

/// Resumes a paused endpoint: its failures start again from zero and its waiting deliveries go out
/// at once.
pub async fn resume(db: &Db, endpoint_id: &str, now: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE webhook_endpoints SET paused_at = NULL, failures = 0 WHERE id = $1 AND paused_at IS NOT NULL",
    )
    .bind(endpoint_id)
    .execute(db)
    .await?;
    sqlx::query(
        "UPDATE webhook_deliveries SET next_at = $2 WHERE endpoint_id = $1 AND state = 'pending'",
    )
    .bind(endpoint_id)
    .bind(now)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// An endpoint's latest deliveries, newest first.
pub async fn deliveries(
    db: &Db,
    endpoint_id: &str,
    limit: i64,
) -> Result<Vec<Delivery>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {DELIVERY} FROM webhook_deliveries WHERE endpoint_id = $1
         ORDER BY created_at DESC, event_id DESC LIMIT $2"
    ))
    .bind(endpoint_id)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// The organization's audit events after `after`, oldest first (what an endpoint has not been sent).
pub async fn events_after(
    db: &Db,
    org_id: &str,
    after: i64,
    limit: i64,
) -> Result<Vec<super::audit::Event>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, occurred_at, org_id, actor_id, actor_name, action, target, result, request_id, detail
         FROM audit_events WHERE org_id = $1 AND id > $2 ORDER BY id LIMIT $3",
    )
    .bind(org_id)
    .bind(after)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// The organization's newest audit event id (0 when it has none).
pub async fn last_event(db: &Db, org_id: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM audit_events WHERE org_id = $1")
        .bind(org_id)
        .fetch_one(db)
        .await
}

/// Deliveries older than `before` that are done with (delivered or failed) are forgotten.
pub async fn prune(db: &Db, before: i64) -> Result<u64, sqlx::Error> {
    sqlx::query("DELETE FROM webhook_deliveries WHERE state <> 'pending' AND created_at < $1")
        .bind(before)
        .execute(db)
        .await
        .map(|r| r.rows_affected())
}
