//! The `operations` table: the journal's rows (what a multi-step change is about, how far it got).
//! The rules (what each kind undoes or finishes) are in `service::journal`.

use super::Db;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Operation {
    pub id: String,
    pub org_id: String,
    pub kind: String,
    pub state: String,
    pub client_id: Option<String>,
    pub grant_id: Option<String>,
    /// What it acts on besides a client and a grant: an API audience, an app, an invitation.
    pub target: Option<String>,
    /// What it created that is neither a client nor a grant (a new invitation).
    pub created_ref: Option<String>,
    pub updated_at: String,
}

const SELECT: &str = "SELECT id, org_id, kind, state, client_id, grant_id, target, created_ref, updated_at FROM operations";

/// A new row's columns.
pub struct NewRow<'a> {
    pub id: &'a str,
    pub idempotency_key: &'a str,
    pub org_id: &'a str,
    pub kind: &'a str,
    pub client_id: Option<&'a str>,
    pub grant_id: Option<&'a str>,
    pub target: Option<&'a str>,
    pub now: &'a str,
}

/// Inserts a `started` row; false when its idempotency key is taken.
pub async fn insert(db: &Db, row: NewRow<'_>) -> Result<bool, sqlx::Error> {
    let inserted = sqlx::query(
        "INSERT INTO operations (id, idempotency_key, org_id, kind, state, client_id, grant_id, target, created_at, updated_at)
         VALUES ($1, $2, $3, $4, 'started', $5, $6, $7, $8, $9) ON CONFLICT (idempotency_key) DO NOTHING",
    )
    .bind(row.id)
    .bind(row.idempotency_key)
    .bind(row.org_id)
    .bind(row.kind)
    .bind(row.client_id)
    .bind(row.grant_id)
    .bind(row.target)
    .bind(row.now)
    .bind(row.now)
    .execute(db)
    .await?;
    Ok(inserted.rows_affected() == 1)
}

/// Frees an idempotency key held by an undone operation (the same form may be sent again); true
/// when it did.
pub async fn free_compensated_key(db: &Db, key: &str) -> Result<bool, sqlx::Error> {
    let freed = sqlx::query(
        "UPDATE operations SET idempotency_key = id WHERE idempotency_key = $1 AND state = 'compensated'",
    )
    .bind(key)
    .execute(db)
    .await?;
    Ok(freed.rows_affected() == 1)
}

/// The state and client of the operation holding an idempotency key.
pub async fn by_key(db: &Db, key: &str) -> Result<(String, Option<String>), sqlx::Error> {
    sqlx::query_as("SELECT state, client_id FROM operations WHERE idempotency_key = $1")
        .bind(key)
        .fetch_one(db)
        .await
}

pub async fn get(db: &Db, id: &str) -> Result<Option<Operation>, sqlx::Error> {
    sqlx::query_as(&format!("{SELECT} WHERE id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await
}

/// Moves to `state`, recording a client or grant id when given (never erasing one).
pub async fn step(
    db: &Db,
    id: &str,
    state: &str,
    client_id: Option<&str>,
    grant_id: Option<&str>,
    now: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE operations SET state = $1, client_id = COALESCE($2, client_id), grant_id = COALESCE($3, grant_id), updated_at = $4
         WHERE id = $5",
    )
    .bind(state)
    .bind(client_id)
    .bind(grant_id)
    .bind(now)
    .bind(id)
    .execute(db)
    .await?;
    Ok(())
}

/// Records something created that is neither a client nor a grant.
pub async fn created(db: &Db, id: &str, reference: &str, now: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE operations SET state = 'created', created_ref = $1, updated_at = $2 WHERE id = $3",
    )
    .bind(reference)
    .bind(now)
    .bind(id)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn close(db: &Db, id: &str, state: &str, now: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE operations SET state = $1, updated_at = $2 WHERE id = $3")
        .bind(state)
        .bind(now)
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// A compare-and-set on the row's last update: true for the one caller that moved it.
pub async fn claim(db: &Db, op: &Operation, now: &str) -> Result<bool, sqlx::Error> {
    let claimed = sqlx::query(
        "UPDATE operations SET updated_at = $1 WHERE id = $2 AND updated_at = $3 AND state NOT IN ('done', 'compensated')",
    )
    .bind(now)
    .bind(&op.id)
    .bind(&op.updated_at)
    .execute(db)
    .await?;
    Ok(claimed.rows_affected() == 1)
}

/// Operations not at rest whose last update is at or before `cutoff` (RFC 3339).
pub async fn open_since(db: &Db, cutoff: &str) -> Result<Vec<Operation>, sqlx::Error> {
    sqlx::query_as(&format!(
        "{SELECT} WHERE state NOT IN ('done', 'compensated') AND updated_at <= $1"
    ))
    .bind(cutoff)
    .fetch_all(db)
    .await
}
