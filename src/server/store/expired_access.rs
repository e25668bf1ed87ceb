//! The `expired_access` table: API access the credential policy took from a bot whose credential
//! passed the maximum age, kept so an admin can give it back after rotating.

use super::Db;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Taken {
    pub client_id: String,
    pub org_id: String,
    pub audience: String,
    pub scopes: String,
    pub revoked_at: i64,
}

/// Records access about to be taken (before the revocation, so a process killed between the two
/// still leaves the way back).
pub async fn record(db: &Db, t: &Taken) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO expired_access (client_id, org_id, audience, scopes, revoked_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (client_id, audience) DO UPDATE SET scopes = $4, revoked_at = $5",
    )
    .bind(&t.client_id)
    .bind(&t.org_id)
    .bind(&t.audience)
    .bind(&t.scopes)
    .bind(t.revoked_at)
    .execute(db)
    .await
    .map(|_| ())
}

pub async fn of_bot(db: &Db, client_id: &str) -> Result<Vec<Taken>, sqlx::Error> {
    sqlx::query_as(
        "SELECT client_id, org_id, audience, scopes, revoked_at FROM expired_access WHERE client_id = $1 ORDER BY audience",
    )
    .bind(client_id)
    .fetch_all(db)
    .await
}

/// Forgets one: given back, or its revocation failed.
pub async fn forget(db: &Db, client_id: &str, audience: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM expired_access WHERE client_id = $1 AND audience = $2")
        .bind(client_id)
        .bind(audience)
        .execute(db)
        .await
        .map(|_| ())
}

/// The organizations whose policy revokes at expiry.
pub async fn revoking(db: &Db) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT org_id FROM credential_policies
         WHERE revoke_at_expiry = 1 AND max_age_days > 0 ORDER BY org_id",
    )
    .fetch_all(db)
    .await
}
