//! orgdesk's own store: every SQL statement the server runs is in this module, one file per table
//! group, so services hold rules and not SQL. SQLite (the default) or PostgreSQL behind one
//! `sqlx::AnyPool`; queries are written once in the SQL both understand (`$1` parameters,
//! `ON CONFLICT`, `RETURNING`).

pub mod access_reviews;
pub mod api_idempotency;
pub mod approvals;
pub mod apps;
pub mod audit;
pub mod bots;
pub mod cache_versions;
pub mod credential_policies;
pub mod expired_access;
pub mod locks;
pub mod login_attempts;
pub mod member_mirror;
pub mod operations;
pub mod org_branding;
pub mod org_creations;
pub mod pool;
pub mod sessions;
mod sql;
pub mod token_usage;
pub mod webhooks;

pub use pool::{connect, schema_version, Backend, Db, DbError};

/// Answers when the store takes a query (readiness probe).
pub async fn ping(db: &Db) -> Result<(), sqlx::Error> {
    sqlx::query_scalar::<_, i64>("SELECT 1")
        .fetch_one(db)
        .await
        .map(|_| ())
}
