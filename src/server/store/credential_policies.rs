//! The `credential_policies` table: each organization's maximum credential age, its warning, what
//! happens at expiry, and how often it starts an access review.

use super::Db;

/// (maximum age, warning, review every, revoke at expiry 0/1).
pub type Row = (i64, i64, i64, i64);

pub async fn get(db: &Db, org_id: &str) -> Result<Option<Row>, sqlx::Error> {
    sqlx::query_as(
        "SELECT max_age_days, warn_days, review_every_days, revoke_at_expiry FROM credential_policies WHERE org_id = $1",
    )
        .bind(org_id)
        .fetch_optional(db)
        .await
}

pub async fn put(
    db: &Db,
    org_id: &str,
    (max_age_days, warn_days, review_every_days, revoke_at_expiry): Row,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO credential_policies (org_id, max_age_days, warn_days, updated_at, review_every_days, revoke_at_expiry)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (org_id) DO UPDATE SET max_age_days = $2, warn_days = $3, updated_at = $4,
             review_every_days = $5, revoke_at_expiry = $6",
    )
    .bind(org_id)
    .bind(max_age_days)
    .bind(warn_days)
    .bind(now_ms)
    .bind(review_every_days)
    .bind(revoke_at_expiry)
    .execute(db)
    .await
    .map(|_| ())
}

pub async fn review_every(db: &Db, org_id: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT review_every_days FROM credential_policies WHERE org_id = $1")
        .bind(org_id)
        .fetch_optional(db)
        .await
        .map(Option::unwrap_or_default)
}

/// The organization was deleted: its policy starts nothing more (its reviews are kept, as its log).
pub async fn forget(db: &Db, org_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM credential_policies WHERE org_id = $1")
        .bind(org_id)
        .execute(db)
        .await
        .map(|_| ())
}
