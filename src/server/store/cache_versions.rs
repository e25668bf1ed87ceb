//! The `org_versions` table: one counter per cache scope, bumped by every change orgdesk makes, so
//! replicas know when a cached read went stale (`server::cache`).

use std::collections::HashMap;

use super::{sql, Db};

/// The current version of `scope` (0 before its first change).
pub async fn version(db: &Db, scope: &str) -> Result<i64, sqlx::Error> {
    let v: Option<i64> = sqlx::query_scalar("SELECT version FROM org_versions WHERE org_id = $1")
        .bind(scope)
        .fetch_optional(db)
        .await?;
    Ok(v.unwrap_or(0))
}

/// The versions of `scopes` that have one, in one query.
pub async fn versions(db: &Db, scopes: &[String]) -> Result<HashMap<String, i64>, sqlx::Error> {
    let query = format!(
        "SELECT org_id, version FROM org_versions WHERE org_id IN ({})",
        sql::params(1, scopes.len())
    );
    let mut query = sqlx::query_as::<_, (String, i64)>(&query);
    for s in scopes {
        query = query.bind(s.as_str());
    }
    Ok(query.fetch_all(db).await?.into_iter().collect())
}

/// Bumps each scope's version, in one statement.
pub async fn bump(db: &Db, scopes: &[&str]) -> Result<(), sqlx::Error> {
    if scopes.is_empty() {
        return Ok(());
    }
    let rows = (1..=scopes.len())
        .map(|i| format!("(${i}, 1)"))
        .collect::<Vec<_>>()
        .join(", ");
    let query = format!(
        "INSERT INTO org_versions (org_id, version) VALUES {rows} \
         ON CONFLICT (org_id) DO UPDATE SET version = org_versions.version + 1"
    );
    let mut query = sqlx::query(&query);
    for scope in scopes {
        query = query.bind(*scope);
    }
    query.execute(db).await?;
    Ok(())
}
