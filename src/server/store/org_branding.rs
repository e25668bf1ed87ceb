//! The `org_branding` table: each organization's name and branding as last seen at Auth0.

use super::Db;

#[derive(Debug, Clone, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct Branding {
    pub display_name: String,
    pub logo_url: String,
    pub primary_color: String,
    pub page_background: String,
}

pub async fn get(db: &Db, org_id: &str) -> Result<Option<Branding>, sqlx::Error> {
    sqlx::query_as(
        "SELECT display_name, logo_url, primary_color, page_background FROM org_branding WHERE org_id = $1",
    )
    .bind(org_id)
    .fetch_optional(db)
    .await
}

pub async fn put(db: &Db, org_id: &str, b: &Branding, now_ms: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO org_branding (org_id, display_name, logo_url, primary_color, page_background, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (org_id) DO UPDATE SET display_name = $2, logo_url = $3, primary_color = $4,
           page_background = $5, updated_at = $6",
    )
    .bind(org_id)
    .bind(&b.display_name)
    .bind(&b.logo_url)
    .bind(&b.primary_color)
    .bind(&b.page_background)
    .bind(now_ms)
    .execute(db)
    .await
    .map(|_| ())
}

/// Forgets a deleted organization's branding.
pub async fn forget(db: &Db, org_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM org_branding WHERE org_id = $1")
        .bind(org_id)
        .execute(db)
        .await
        .map(|_| ())
}
