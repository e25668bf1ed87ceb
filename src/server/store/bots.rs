//! The `bots` and `bot_grants` tables: which organization owns which Auth0 client, and the client
//! grants orgdesk made for it.

use std::collections::HashMap;

use super::Db;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct BotRow {
    pub client_id: String,
    pub org_id: String,
    pub name: String,
    pub description: Option<String>,
    pub created_at: String,
    /// The member answerable for the bot (its registrant, or one assigned); email may be '' for a
    /// bot registered before owners were recorded.
    pub owner_id: String,
    pub owner_email: String,
    /// When the credential in force was made (unix ms; 0: unknown, its registration counts).
    pub credential_at: i64,
}

impl BotRow {
    /// The owner as shown: their email, or their user id for a bot registered before emails were kept.
    pub fn owner_label(&self) -> &str {
        if self.owner_email.is_empty() {
            &self.owner_id
        } else {
            &self.owner_email
        }
    }
}

#[derive(Debug, Clone, sqlx::FromRow, PartialEq, Eq)]
pub struct GrantRow {
    pub grant_id: String,
    pub audience: String,
    pub scopes: String,
}

/// A bot as registered: its row and its first grant.
pub struct Registered<'a> {
    pub client_id: &'a str,
    pub org_id: &'a str,
    pub name: &'a str,
    pub description: Option<&'a str>,
    pub created_by: &'a str,
    pub created_by_email: &'a str,
    pub now_ms: i64,
    pub grant_id: &'a str,
    pub audience: &'a str,
    pub scopes: &'a str,
    pub now: &'a str,
}

/// The bots of one organization (or of all, for the support console), newest first, each with its
/// grants: two queries in all, not one per bot.
pub async fn with_grants(
    db: &Db,
    org_id: Option<&str>,
) -> Result<Vec<(BotRow, Vec<GrantRow>)>, sqlx::Error> {
    let bots: Vec<BotRow> = sqlx::query_as(
        "SELECT client_id, org_id, name, description, created_at, owner_id, owner_email, credential_at FROM bots
         WHERE $1 IS NULL OR org_id = $1 ORDER BY created_at DESC, name",
    )
    .bind(org_id)
    .fetch_all(db)
    .await?;
    let rows: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT g.client_id, g.grant_id, g.audience, g.scopes FROM bot_grants g
         JOIN bots b ON b.client_id = g.client_id WHERE $1 IS NULL OR b.org_id = $1 ORDER BY g.audience",
    )
    .bind(org_id)
    .fetch_all(db)
    .await?;
    let mut grants: HashMap<String, Vec<GrantRow>> = HashMap::new();
    for (client_id, grant_id, audience, scopes) in rows {
        grants.entry(client_id).or_default().push(GrantRow {
            grant_id,
            audience,
            scopes,
        });
    }
    Ok(bots
        .into_iter()
        .map(|bot| {
            let g = grants.remove(&bot.client_id).unwrap_or_default();
            (bot, g)
        })
        .collect())
}

/// The organization's bots' ids and names.
pub async fn names(db: &Db, org_id: &str) -> Result<Vec<(String, String)>, sqlx::Error> {
    sqlx::query_as("SELECT client_id, name FROM bots WHERE org_id = $1")
        .bind(org_id)
        .fetch_all(db)
        .await
}

pub async fn count(db: &Db, org_id: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM bots WHERE org_id = $1")
        .bind(org_id)
        .fetch_one(db)
        .await
}

/// The bot, if `org_id` owns it.
pub async fn owned_by(
    db: &Db,
    client_id: &str,
    org_id: &str,
) -> Result<Option<BotRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT client_id, org_id, name, description, created_at, owner_id, owner_email, credential_at FROM bots WHERE client_id = $1 AND org_id = $2",
    )
    .bind(client_id)
    .bind(org_id)
    .fetch_optional(db)
    .await
}

pub async fn grants_of(db: &Db, client_id: &str) -> Result<Vec<GrantRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT grant_id, audience, scopes FROM bot_grants WHERE client_id = $1 ORDER BY audience",
    )
    .bind(client_id)
    .fetch_all(db)
    .await
}

/// Whether orgdesk's record knows this client grant.
pub async fn knows_grant(db: &Db, grant_id: &str) -> Result<bool, sqlx::Error> {
    let known: Option<(String,)> =
        sqlx::query_as("SELECT grant_id FROM bot_grants WHERE grant_id = $1")
            .bind(grant_id)
            .fetch_optional(db)
            .await?;
    Ok(known.is_some())
}

/// Writes a registered bot, its first grant and its operation's end in one transaction: either the
/// organization has the bot and the journal says done, or neither.
pub async fn insert_registered(
    db: &Db,
    bot: Registered<'_>,
    op_id: &str,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    sqlx::query("INSERT INTO bots (client_id, org_id, name, description, created_by, created_at, owner_id, owner_email, credential_at) VALUES ($1, $2, $3, $4, $5, $6, $5, $7, $8)")
        .bind(bot.client_id)
        .bind(bot.org_id)
        .bind(bot.name)
        .bind(bot.description)
        .bind(bot.created_by)
        .bind(bot.now)
        .bind(bot.created_by_email)
        .bind(bot.now_ms)
        .execute(&mut *tx)
        .await?;
    sqlx::query(INSERT_GRANT)
        .bind(bot.grant_id)
        .bind(bot.client_id)
        .bind(bot.audience)
        .bind(bot.scopes)
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE operations SET state = 'done', updated_at = $1 WHERE id = $2")
        .bind(bot.now)
        .bind(op_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

const INSERT_GRANT: &str =
    "INSERT INTO bot_grants (grant_id, client_id, audience, scopes) VALUES ($1, $2, $3, $4)";

pub async fn insert_grant(
    db: &Db,
    grant_id: &str,
    client_id: &str,
    audience: &str,
    scopes: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(INSERT_GRANT)
        .bind(grant_id)
        .bind(client_id)
        .bind(audience)
        .bind(scopes)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn set_scopes(db: &Db, grant_id: &str, scopes: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE bot_grants SET scopes = $1 WHERE grant_id = $2")
        .bind(scopes)
        .bind(grant_id)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn delete_grant(db: &Db, grant_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM bot_grants WHERE grant_id = $1")
        .bind(grant_id)
        .execute(db)
        .await?;
    Ok(())
}

/// A new owner for the bot.
pub async fn set_owner(
    db: &Db,
    client_id: &str,
    user_id: &str,
    email: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE bots SET owner_id = $1, owner_email = $2 WHERE client_id = $3")
        .bind(user_id)
        .bind(email)
        .bind(client_id)
        .execute(db)
        .await
        .map(|_| ())
}

/// When the bot's credential in force was made (a rotation, a key added or removed).
pub async fn set_credential_at(db: &Db, client_id: &str, at_ms: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE bots SET credential_at = $1 WHERE client_id = $2")
        .bind(at_ms)
        .bind(client_id)
        .execute(db)
        .await
        .map(|_| ())
}

pub async fn rename(db: &Db, client_id: &str, name: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE bots SET name = $1 WHERE client_id = $2")
        .bind(name)
        .bind(client_id)
        .execute(db)
        .await?;
    Ok(())
}

/// Forgets a bot and its grants.
pub async fn delete(db: &Db, client_id: &str) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    sqlx::query("DELETE FROM bot_grants WHERE client_id = $1")
        .bind(client_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM bots WHERE client_id = $1")
        .bind(client_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}
