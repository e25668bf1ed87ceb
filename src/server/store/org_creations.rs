//! The `org_creations` table: attempts to create an organization, counted by the onboarding abuse
//! limits (`server::onboarding` holds the limits).

use super::Db;

/// How long an attempt is remembered (the longest window a limit counts over).
const KEPT_MS: i64 = 86_400_000;

/// Counts of recent attempts: by the person in the last hour, by the address in the last day.
pub struct Recent {
    pub person_hour: i64,
    pub address_day: i64,
}

pub async fn recent(
    db: &Db,
    user_id: &str,
    client_ip: &str,
    now_ms: i64,
) -> Result<Recent, sqlx::Error> {
    let (person_hour,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM org_creations WHERE user_id = $1 AND created_at > $2")
            .bind(user_id)
            .bind(now_ms - 3_600_000)
            .fetch_one(db)
            .await?;
    let (address_day,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM org_creations WHERE client_ip = $1 AND created_at > $2",
    )
    .bind(client_ip)
    .bind(now_ms - KEPT_MS)
    .fetch_one(db)
    .await?;
    Ok(Recent {
        person_hour,
        address_day,
    })
}

/// Records an attempt, forgetting those past every window.
pub async fn record(
    db: &Db,
    user_id: &str,
    client_ip: &str,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    sqlx::query("DELETE FROM org_creations WHERE created_at < $1")
        .bind(now_ms - KEPT_MS)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO org_creations (id, user_id, client_ip, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(uuid::Uuid::new_v4().to_string())
    .bind(user_id)
    .bind(client_ip)
    .bind(now_ms)
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}
