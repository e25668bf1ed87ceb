//! The `credential_policies` table: each organization's maximum credential age and its warning.

use super::Db;

pub async fn get(db: &Db, org_id: &str) -> Result<Option<(i64, i64)>, sqlx::Error> {
    sqlx::query_as("SELECT max_age_days, warn_days FROM credential_policies WHERE org_id = $1")
        .bind(org_id)
        .fetch_optional(db)
        .await
}

pub async fn put(
    db: &Db,
    org_id: &str,
    max_age_days: i64,
    warn_days: i64,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO credential_policies (org_id, max_age_days, warn_days, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (org_id) DO UPDATE SET max_age_days = $2, warn_days = $3, updated_at = $4",
    )
    .bind(org_id)
    .bind(max_age_days)
    .bind(warn_days)
    .bind(now_ms)
    .execute(db)
    .await
    .map(|_| ())
}
