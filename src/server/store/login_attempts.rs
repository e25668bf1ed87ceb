//! The `login_attempts` table: sign-ins under way, keyed by the hash of their cookie's value
//! (`server::auth::attempts` holds the rules: lifetime, cookie, per-address bound).

use super::Db;

/// A sign-in under way, as stored.
pub struct NewAttempt<'a> {
    /// The hash of the cookie's value (the value itself is never stored).
    pub id: &'a str,
    pub client_ip: &'a str,
    pub data: &'a str,
    /// Milliseconds (orders an address's attempts).
    pub created_at_ms: i64,
    /// Seconds.
    pub expires_at: i64,
}

/// Stores an attempt, dropping expired ones and all but the newest `per_address` of its address.
pub async fn insert(db: &Db, attempt: NewAttempt<'_>, per_address: i64) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    sqlx::query("DELETE FROM login_attempts WHERE expires_at < $1")
        .bind(attempt.created_at_ms / 1000)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO login_attempts (id, client_ip, data, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(attempt.id)
    .bind(attempt.client_ip)
    .bind(attempt.data)
    .bind(attempt.created_at_ms)
    .bind(attempt.expires_at)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "DELETE FROM login_attempts WHERE client_ip = $1 AND id NOT IN
           (SELECT id FROM login_attempts WHERE client_ip = $1 ORDER BY created_at DESC LIMIT $2)",
    )
    .bind(attempt.client_ip)
    .bind(per_address)
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

/// Removes and answers an attempt (its data and expiry in seconds): a callback is answered once.
pub async fn take(db: &Db, id: &str) -> Result<Option<(String, i64)>, sqlx::Error> {
    sqlx::query_as("DELETE FROM login_attempts WHERE id = $1 RETURNING data, expires_at")
        .bind(id)
        .fetch_optional(db)
        .await
}

/// Removes attempts that expired before `now_secs`; answers how many.
pub async fn delete_expired(db: &Db, now_secs: i64) -> Result<u64, sqlx::Error> {
    Ok(
        sqlx::query("DELETE FROM login_attempts WHERE expires_at < $1")
            .bind(now_secs)
            .execute(db)
            .await?
            .rows_affected(),
    )
}
