//! The `approval_requests` table: API access with a sensitive scope, asked for by one admin and
//! waiting for another's decision.

use super::Db;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Request {
    pub id: String,
    pub org_id: String,
    pub client_id: String,
    pub audience: String,
    /// The whole set of scopes asked for (space-separated): what the grant becomes when approved.
    pub scopes: String,
    /// The sensitive ones among them, which are why it waits.
    pub sensitive: String,
    pub requested_by: String,
    pub requester_email: String,
    pub requested_at: i64,
    pub expires_at: i64,
    /// `pending`, `approved`, `rejected`, `failed` (approved, but Auth0 refused the change).
    pub state: String,
    pub decided_by: Option<String>,
    pub decider_email: Option<String>,
    pub decided_at: Option<i64>,
    pub reason: Option<String>,
}

const COLUMNS: &str =
    "id, org_id, client_id, audience, scopes, sensitive, requested_by, requester_email, \
    requested_at, expires_at, state, decided_by, decider_email, decided_at, reason";

pub async fn insert(db: &Db, r: &Request) -> Result<(), sqlx::Error> {
    sqlx::query(&format!(
        "INSERT INTO approval_requests ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
    ))
    .bind(&r.id)
    .bind(&r.org_id)
    .bind(&r.client_id)
    .bind(&r.audience)
    .bind(&r.scopes)
    .bind(&r.sensitive)
    .bind(&r.requested_by)
    .bind(&r.requester_email)
    .bind(r.requested_at)
    .bind(r.expires_at)
    .bind(&r.state)
    .bind(&r.decided_by)
    .bind(&r.decider_email)
    .bind(r.decided_at)
    .bind(&r.reason)
    .execute(db)
    .await
    .map(|_| ())
}

/// One request of this organization (None for another organization's id).
pub async fn get(db: &Db, org_id: &str, id: &str) -> Result<Option<Request>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM approval_requests WHERE org_id = $1 AND id = $2"
    ))
    .bind(org_id)
    .bind(id)
    .fetch_optional(db)
    .await
}

/// The organization's requests, newest first (the latest 100).
pub async fn of_org(db: &Db, org_id: &str) -> Result<Vec<Request>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM approval_requests WHERE org_id = $1 ORDER BY requested_at DESC, id LIMIT 100"
    ))
    .bind(org_id)
    .fetch_all(db)
    .await
}

/// Every organization's pending requests (the support console's report).
pub async fn pending(db: &Db) -> Result<Vec<Request>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM approval_requests WHERE state = 'pending' ORDER BY requested_at, id LIMIT 1000"
    ))
    .fetch_all(db)
    .await
}

/// Decides a pending request: true when this call decided it (a compare-and-set, so two admins
/// approving at once decide it once).
pub async fn decide(
    db: &Db,
    org_id: &str,
    id: &str,
    state: &str,
    by: (&str, &str),
    at: i64,
    reason: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE approval_requests SET state = $1, decided_by = $2, decider_email = $3, decided_at = $4, reason = $5
         WHERE org_id = $6 AND id = $7 AND state = 'pending'",
    )
    .bind(state)
    .bind(by.0)
    .bind(by.1)
    .bind(at)
    .bind(reason)
    .bind(org_id)
    .bind(id)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// After an approval: what became of the change (`approved`, or `failed` with Auth0's reason).
pub async fn settle(db: &Db, id: &str, state: &str, reason: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE approval_requests SET state = $1, reason = $2 WHERE id = $3")
        .bind(state)
        .bind(reason)
        .bind(id)
        .execute(db)
        .await
        .map(|_| ())
}
