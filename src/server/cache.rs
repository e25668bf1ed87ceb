//! Brief caching of Management API reads, safe across replicas. Every change orgdesk makes to an
//! organization bumps that organization's version in the shared store (and the tenant-wide one the
//! support console reads under); a cached answer is served only while it is young *and* its version is
//! still the current one, so nobody sees an answer older than a change orgdesk made, on any replica.
//! Changes made outside orgdesk show within the entry's lifetime. Decisions never read this cache.

use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::metrics::METRICS;
use super::store::{cache_versions as versions, Db};

/// The scope of tenant-wide reads (the support console): bumped by every change.
pub const TENANT: &str = "*";

const MAX_ENTRIES: usize = 20_000;

struct Entry {
    version: i64,
    stored: Instant,
    ttl: Duration,
    value: Arc<dyn Any + Send + Sync>,
}

#[derive(Default)]
pub struct ReadCache {
    entries: Mutex<HashMap<String, Entry>>,
}

/// The current version of `scope` (0 before its first change).
pub async fn version(db: &Db, scope: &str) -> Result<i64, sqlx::Error> {
    versions::version(db, scope).await
}

/// One page view's reading of the versions. A page (a GET, which changes nothing) reads several
/// cached answers about one organization, often at once; they share one query for all of its scopes
/// and the tenant's, instead of one each. A change (a POST) always reads versions afresh.
#[derive(Clone, Default)]
pub struct PageVersions(Arc<tokio::sync::Mutex<HashMap<String, i64>>>);

/// `version`, through this request's `PageVersions` when it is a page view.
async fn version_for_view(db: &Db, scope: &str) -> Result<i64, sqlx::Error> {
    let memo = leptos::prelude::use_context::<PageVersions>().filter(|_| {
        leptos::prelude::with_context::<axum::http::request::Parts, _>(|parts| {
            parts.method == axum::http::Method::GET
        })
        .unwrap_or(false)
    });
    let Some(memo) = memo else {
        return version(db, scope).await;
    };
    // Held across the query: parts of the page that read at the same moment wait for the first one's
    // reading instead of each sending the same query.
    let mut m = memo.0.lock().await;
    if let Some(v) = m.get(scope).copied() {
        return Ok(v);
    }
    let org = scope.split('/').next().unwrap_or(scope);
    let mut scopes = vec![scope.to_string(), TENANT.to_string()];
    if org != TENANT {
        scopes.extend([
            org.to_string(),
            roles_scope(org),
            members_scope(org),
            invitations_scope(org),
        ]);
    }
    scopes.sort();
    scopes.dedup();
    let found = versions::versions(db, &scopes).await?;
    // The first reading stands: the page's parts all see one moment.
    for s in scopes {
        let v = found.get(&s).copied().unwrap_or(0);
        m.entry(s).or_insert(v);
    }
    Ok(m.get(scope).copied().unwrap_or(0))
}

/// What a change makes stale, as the change states it (`audit::Action::stale`). Every change ends
/// the organization's and the tenant's cached reads; some also a list's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stale {
    /// A read, a sign-in, a refusal: nothing changed upstream.
    Nothing,
    /// Bots, grants, apps: the organization's and the tenant's reads.
    Organization,
    /// Members and their roles too (the member list, the roles read for views).
    Members,
    /// The pending invitations too.
    Invitations,
    /// A member joined through an invitation at Auth0: the member list and the invitations too.
    Joined,
}

/// Ends every replica's cached reads that `stale` names for `org_id`. Call it after the change
/// reached Auth0, also when it failed part-way; renaming a bot does not make anyone read the member
/// list again.
pub async fn invalidate(db: &Db, org_id: &str, stale: Stale) {
    let lists: Vec<String> = match stale {
        Stale::Nothing => return,
        Stale::Organization => vec![],
        Stale::Members => vec![members_scope(org_id), roles_scope(org_id)],
        Stale::Invitations => vec![invitations_scope(org_id)],
        Stale::Joined => vec![members_scope(org_id), invitations_scope(org_id)],
    };
    let mut scopes = vec![org_id, TENANT];
    scopes.extend(lists.iter().map(String::as_str));
    bump(db, &scopes).await;
}

/// Where members' roles are cached for views' role checks.
pub fn roles_scope(org_id: &str) -> String {
    format!("{org_id}/roles")
}

/// Where pages of the member list are cached.
pub fn members_scope(org_id: &str) -> String {
    format!("{org_id}/members")
}

/// Where the list of pending invitations is cached.
pub fn invitations_scope(org_id: &str) -> String {
    format!("{org_id}/invitations")
}

/// Bumps each scope's version, in one statement.
pub async fn bump(db: &Db, scopes: &[&str]) {
    if let Err(err) = versions::bump(db, scopes).await {
        // The entries expire on their own within seconds; say so loudly all the same.
        tracing::error!(error = %err, ?scopes, "could not invalidate cached reads");
    }
}

impl ReadCache {
    /// The cached answer for `key` in `scope`, or `load`'s (kept for `ttl` if it succeeded). `name`
    /// labels the cache-hit metric.
    pub async fn get_or_load<T, E, F>(
        &self,
        db: &Db,
        name: &'static str,
        scope: &str,
        key: &str,
        ttl: Duration,
        load: F,
    ) -> Result<T, E>
    where
        T: Clone + Send + Sync + 'static,
        F: std::future::Future<Output = Result<T, E>>,
    {
        let Ok(current) = version_for_view(db, scope).await else {
            // Without the version nothing can be served safely: read through.
            METRICS.cache(name, false);
            return load.await;
        };
        let full_key = format!("{scope}\u{0}{key}");
        if let Some(hit) = self.lookup::<T>(&full_key, current) {
            METRICS.cache(name, true);
            return Ok(hit);
        }
        METRICS.cache(name, false);
        let value = load.await?;
        self.store(full_key, current, ttl, value.clone());
        Ok(value)
    }

    fn lookup<T: Clone + 'static>(&self, key: &str, current: i64) -> Option<T> {
        let entries = self.entries.lock().ok()?;
        let entry = entries.get(key)?;
        if entry.version != current || entry.stored.elapsed() >= entry.ttl {
            return None;
        }
        entry.value.downcast_ref::<T>().cloned()
    }

    fn store<T: Send + Sync + 'static>(&self, key: String, version: i64, ttl: Duration, value: T) {
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        if entries.len() >= MAX_ENTRIES {
            entries.retain(|_, e| e.stored.elapsed() < e.ttl);
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
        }
        entries.insert(
            key,
            Entry {
                version,
                stored: Instant::now(),
                ttl,
                value: Arc::new(value),
            },
        );
    }

    /// Stores an answer just read for another purpose (e.g. the roles read at sign-in).
    pub async fn prime<T: Send + Sync + 'static>(
        &self,
        db: &Db,
        scope: &str,
        key: &str,
        ttl: Duration,
        value: T,
    ) {
        if let Ok(current) = version(db, scope).await {
            self.store(format!("{scope}\u{0}{key}"), current, ttl, value);
        }
    }

    /// Forgets one entry of this replica (e.g. after a read that proved it wrong).
    pub fn forget(&self, scope: &str, key: &str) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.remove(&format!("{scope}\u{0}{key}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn db() -> (tempfile::TempDir, Db) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("c.db").display());
        let db = super::super::store::connect(&url).await.unwrap();
        (dir, db)
    }

    async fn read(cache: &ReadCache, db: &Db, org: &str, answer: u32, ttl: Duration) -> u32 {
        cache
            .get_or_load(db, "test", org, "members", ttl, async {
                Ok::<_, ()>(answer)
            })
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn serves_until_a_change_or_the_lifetime_ends() {
        let (_dir, db) = db().await;
        let cache = ReadCache::default();
        let long = Duration::from_secs(60);
        assert_eq!(read(&cache, &db, "org_a", 1, long).await, 1);
        assert_eq!(read(&cache, &db, "org_a", 2, long).await, 1, "cached");
        assert_eq!(read(&cache, &db, "org_b", 3, long).await, 3, "per scope");
        invalidate(&db, "org_a", Stale::Joined).await;
        assert_eq!(
            read(&cache, &db, "org_a", 4, long).await,
            4,
            "a change ends it"
        );
        assert_eq!(
            read(&cache, &db, "org_b", 5, long).await,
            3,
            "other scopes stay"
        );
        assert_eq!(version(&db, TENANT).await.unwrap(), 1, "tenant-wide bumped");
        let short = Duration::from_millis(1);
        assert_eq!(read(&cache, &db, "org_c", 6, short).await, 6);
        tokio::time::sleep(Duration::from_millis(5)).await;
        assert_eq!(read(&cache, &db, "org_c", 7, short).await, 7, "expired");
    }

    #[tokio::test]
    async fn a_change_on_another_replica_ends_it_too() {
        let (_dir, db) = db().await;
        let (here, there) = (ReadCache::default(), ReadCache::default());
        let long = Duration::from_secs(60);
        assert_eq!(read(&here, &db, "org_a", 1, long).await, 1);
        assert_eq!(read(&there, &db, "org_a", 1, long).await, 1);
        invalidate(&db, "org_a", Stale::Joined).await; // made by `there`
        assert_eq!(read(&here, &db, "org_a", 2, long).await, 2);
    }

    #[tokio::test]
    async fn failures_are_not_cached() {
        let (_dir, db) = db().await;
        let cache = ReadCache::default();
        let long = Duration::from_secs(60);
        let failed: Result<u32, &str> = cache
            .get_or_load(&db, "test", "org_a", "members", long, async { Err("down") })
            .await;
        assert!(failed.is_err());
        assert_eq!(read(&cache, &db, "org_a", 9, long).await, 9);
    }
}
