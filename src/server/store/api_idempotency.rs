//! The `api_idempotency` table: creates made through the automation API, by caller and
//! `Idempotency-Key`, with the answer each got.

use super::Db;

/// A key's first use, as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Seen {
    pub fingerprint: String,
    pub status: Option<i64>,
    pub body: Option<String>,
    pub created_at: i64,
}

/// Who sent a key: one organization's caller (a key is theirs alone).
pub struct Caller<'a> {
    pub org_id: &'a str,
    pub client_id: &'a str,
}

/// Claims the key for a request: true when it was free (the request runs), false when it was
/// already taken (the caller reads `seen`).
pub async fn claim(
    db: &Db,
    caller: &Caller<'_>,
    key: &str,
    fingerprint: &str,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO api_idempotency (org_id, client_id, idem_key, fingerprint, created_at)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (org_id, client_id, idem_key) DO NOTHING",
    )
    .bind(caller.org_id)
    .bind(caller.client_id)
    .bind(key)
    .bind(fingerprint)
    .bind(now_ms)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn seen(db: &Db, caller: &Caller<'_>, key: &str) -> Result<Option<Seen>, sqlx::Error> {
    sqlx::query_as(
        "SELECT fingerprint, status, body, created_at FROM api_idempotency
         WHERE org_id = $1 AND client_id = $2 AND idem_key = $3",
    )
    .bind(caller.org_id)
    .bind(caller.client_id)
    .bind(key)
    .fetch_optional(db)
    .await
}

/// Keeps the answer a claimed key's request got.
pub async fn finish(
    db: &Db,
    caller: &Caller<'_>,
    key: &str,
    status: u16,
    body: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE api_idempotency SET status = $4, body = $5
         WHERE org_id = $1 AND client_id = $2 AND idem_key = $3",
    )
    .bind(caller.org_id)
    .bind(caller.client_id)
    .bind(key)
    .bind(i64::from(status))
    .bind(body)
    .execute(db)
    .await
    .map(|_| ())
}

/// Frees a key whose request changed nothing (refused or failed): it may be sent again.
pub async fn release(db: &Db, caller: &Caller<'_>, key: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "DELETE FROM api_idempotency WHERE org_id = $1 AND client_id = $2 AND idem_key = $3",
    )
    .bind(caller.org_id)
    .bind(caller.client_id)
    .bind(key)
    .execute(db)
    .await
    .map(|_| ())
}

/// Forgets keys older than `before_ms` (a day's worth are kept).
pub async fn prune(db: &Db, before_ms: i64) -> Result<u64, sqlx::Error> {
    sqlx::query("DELETE FROM api_idempotency WHERE created_at < $1")
        .bind(before_ms)
        .execute(db)
        .await
        .map(|r| r.rows_affected())
}
