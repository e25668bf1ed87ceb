//! The `apps`, `app_installs` and `app_declines` tables: which bot is offered as an app, which
//! organizations installed it (with the grant they were associated with) and which said no.

use std::collections::HashMap;

use super::Db;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AppRow {
    pub app_id: String,
    pub client_id: String,
    pub publisher_org: String,
    pub publisher_name: String,
    pub description: String,
    pub audience: String,
    pub grant_id: String,
    pub scopes: String,
    /// 1 while new installs are allowed (an integer: both stores answer one).
    pub published: i64,
    pub created_at: String,
    pub name: String,
}

impl AppRow {
    pub fn is_published(&self) -> bool {
        self.published != 0
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InstallRow {
    pub app_id: String,
    pub org_id: String,
    pub org_name: String,
    pub installed_at: String,
    /// The client grant this organization was associated with (the app's, when it installed).
    pub grant_id: Option<String>,
}

/// The columns of an `InstallRow`.
const INSTALL_COLUMNS: &str = "app_id, org_id, org_name, installed_at, grant_id";

/// Apps with their bot's current name.
const APP_SELECT: &str =
    "SELECT a.app_id, a.client_id, a.publisher_org, a.publisher_name, a.description, a.audience,
    a.grant_id, a.scopes, a.published, a.created_at, COALESCE(b.name, a.client_id) AS name
    FROM apps a LEFT JOIN bots b ON b.client_id = a.client_id";

/// What publishing writes (a first publish, or a publish again after unpublishing).
pub struct Published<'a> {
    pub app_id: &'a str,
    pub client_id: &'a str,
    pub publisher_org: &'a str,
    pub publisher_name: &'a str,
    pub description: &'a str,
    pub audience: &'a str,
    pub grant_id: &'a str,
    pub scopes: &'a str,
    pub created_by: &'a str,
    pub now: &'a str,
}

/// What installing writes.
pub struct Installed<'a> {
    pub app_id: &'a str,
    pub org_id: &'a str,
    pub org_name: &'a str,
    pub installed_by: &'a str,
    pub grant_id: &'a str,
    pub now: &'a str,
}

pub async fn by_id(db: &Db, app_id: &str) -> Result<Option<AppRow>, sqlx::Error> {
    sqlx::query_as(&format!("{APP_SELECT} WHERE a.app_id = $1"))
        .bind(app_id)
        .fetch_optional(db)
        .await
}

pub async fn by_client(db: &Db, client_id: &str) -> Result<Option<AppRow>, sqlx::Error> {
    sqlx::query_as(&format!("{APP_SELECT} WHERE a.client_id = $1"))
        .bind(client_id)
        .fetch_optional(db)
        .await
}

/// Whether the app is published, and by which organization.
pub async fn publication(db: &Db, app_id: &str) -> Result<Option<(i64, String)>, sqlx::Error> {
    sqlx::query_as("SELECT published, publisher_org FROM apps WHERE app_id = $1")
        .bind(app_id)
        .fetch_optional(db)
        .await
}

/// Every app (support console), or one publisher's, newest first, each with its installs: two
/// queries in all.
pub async fn with_installs(
    db: &Db,
    publisher: Option<&str>,
) -> Result<Vec<(AppRow, Vec<InstallRow>)>, sqlx::Error> {
    let apps: Vec<AppRow> = sqlx::query_as(&format!(
        "{APP_SELECT} WHERE $1 IS NULL OR a.publisher_org = $1 ORDER BY a.created_at DESC"
    ))
    .bind(publisher)
    .fetch_all(db)
    .await?;
    let rows: Vec<InstallRow> = sqlx::query_as(
        "SELECT i.app_id, i.org_id, i.org_name, i.installed_at, i.grant_id FROM app_installs i
         JOIN apps a ON a.app_id = i.app_id WHERE $1 IS NULL OR a.publisher_org = $1 ORDER BY i.org_name",
    )
    .bind(publisher)
    .fetch_all(db)
    .await?;
    let mut installs: HashMap<String, Vec<InstallRow>> = HashMap::new();
    for row in rows {
        installs.entry(row.app_id.clone()).or_default().push(row);
    }
    Ok(apps
        .into_iter()
        .map(|app| {
            let list = installs.remove(&app.app_id).unwrap_or_default();
            (app, list)
        })
        .collect())
}

/// The apps an organization installed, newest install first: two queries in all.
pub async fn installed_in(db: &Db, org_id: &str) -> Result<Vec<(AppRow, InstallRow)>, sqlx::Error> {
    let rows: Vec<InstallRow> = sqlx::query_as(&format!(
        "SELECT {INSTALL_COLUMNS} FROM app_installs WHERE org_id = $1 ORDER BY installed_at DESC"
    ))
    .bind(org_id)
    .fetch_all(db)
    .await?;
    let apps: Vec<AppRow> = sqlx::query_as(&format!(
        "{APP_SELECT} WHERE a.app_id IN (SELECT app_id FROM app_installs WHERE org_id = $1)"
    ))
    .bind(org_id)
    .fetch_all(db)
    .await?;
    let mut by_id: HashMap<String, AppRow> =
        apps.into_iter().map(|a| (a.app_id.clone(), a)).collect();
    Ok(rows
        .into_iter()
        .filter_map(|install| by_id.remove(&install.app_id).map(|app| (app, install)))
        .collect())
}

/// The app's installs, by organization name.
pub async fn installs(db: &Db, app_id: &str) -> Result<Vec<InstallRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {INSTALL_COLUMNS} FROM app_installs WHERE app_id = $1 ORDER BY org_name"
    ))
    .bind(app_id)
    .fetch_all(db)
    .await
}

/// An organization's install of the app, if any.
pub async fn install_of(
    db: &Db,
    app_id: &str,
    org_id: &str,
) -> Result<Option<InstallRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {INSTALL_COLUMNS} FROM app_installs WHERE app_id = $1 AND org_id = $2"
    ))
    .bind(app_id)
    .bind(org_id)
    .fetch_optional(db)
    .await
}

/// How many apps an organization has installed.
pub async fn install_count(db: &Db, org_id: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM app_installs WHERE org_id = $1")
        .bind(org_id)
        .fetch_one(db)
        .await
}

/// Writes a publication; publishing a bot again updates its one app (and publishes it again).
pub async fn publish(db: &Db, app: Published<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO apps (app_id, client_id, publisher_org, publisher_name, description, audience, grant_id, scopes, published, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $10)
         ON CONFLICT (client_id) DO UPDATE SET description = excluded.description, audience = excluded.audience,
           grant_id = excluded.grant_id, scopes = excluded.scopes, published = 1, publisher_name = excluded.publisher_name",
    )
    .bind(app.app_id)
    .bind(app.client_id)
    .bind(app.publisher_org)
    .bind(app.publisher_name)
    .bind(app.description)
    .bind(app.audience)
    .bind(app.grant_id)
    .bind(app.scopes)
    .bind(app.created_by)
    .bind(app.now)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn unpublish(db: &Db, app_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE apps SET published = 0 WHERE app_id = $1")
        .bind(app_id)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn delete(db: &Db, app_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM apps WHERE app_id = $1")
        .bind(app_id)
        .execute(db)
        .await?;
    Ok(())
}

/// Writes an install (once) and withdraws the organization's decline: installing after declining
/// is a change of mind.
pub async fn install(db: &Db, install: Installed<'_>) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO app_installs (app_id, org_id, org_name, installed_by, installed_at, grant_id) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (app_id, org_id) DO NOTHING",
    )
    .bind(install.app_id)
    .bind(install.org_id)
    .bind(install.org_name)
    .bind(install.installed_by)
    .bind(install.now)
    .bind(install.grant_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM app_declines WHERE app_id = $1 AND org_id = $2")
        .bind(install.app_id)
        .bind(install.org_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

pub async fn uninstall(db: &Db, app_id: &str, org_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM app_installs WHERE app_id = $1 AND org_id = $2")
        .bind(app_id)
        .bind(org_id)
        .execute(db)
        .await?;
    Ok(())
}

/// When the organization declined the app (RFC 3339), if it did.
pub async fn declined_at(
    db: &Db,
    app_id: &str,
    org_id: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT declined_at FROM app_declines WHERE app_id = $1 AND org_id = $2")
        .bind(app_id)
        .bind(org_id)
        .fetch_optional(db)
        .await
}

/// Records a decline; false when the organization had already declined.
pub async fn decline(
    db: &Db,
    app_id: &str,
    org_id: &str,
    by: &str,
    now: &str,
) -> Result<bool, sqlx::Error> {
    let first = sqlx::query(
        "INSERT INTO app_declines (app_id, org_id, declined_by, declined_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (app_id, org_id) DO NOTHING",
    )
    .bind(app_id)
    .bind(org_id)
    .bind(by)
    .bind(now)
    .execute(db)
    .await?;
    Ok(first.rows_affected() == 1)
}

/// Every app's id and the current name of its bot (the audit log's names for targets).
pub async fn names(db: &Db) -> Result<Vec<(String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT a.app_id, COALESCE(b.name, a.client_id) FROM apps a LEFT JOIN bots b ON b.client_id = a.client_id",
    )
    .fetch_all(db)
    .await
}
