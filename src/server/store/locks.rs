//! Named leases in orgdesk's store. They serialise decisions that must see each other's outcome
//! (the last-admin check) across requests and across replicas sharing the store. A lease that is
//! never released (a killed process) expires on its own.

use std::time::Duration;

use super::Db;
use crate::clock::Clock;

pub struct Lease {
    name: String,
    holder: String,
}

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("{0} is busy")]
    Busy(String),
    #[error("store: {0}")]
    Store(#[from] sqlx::Error),
}

/// Takes the lease `name` for `ttl`, waiting up to `wait` for its holder to let go.
pub async fn acquire(
    db: &Db,
    clock: &dyn Clock,
    name: &str,
    ttl: Duration,
    wait: Duration,
) -> Result<Lease, LockError> {
    let holder = uuid::Uuid::new_v4().to_string();
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        let now = clock.now_ms();
        sqlx::query("DELETE FROM locks WHERE name = $1 AND expires_at < $2")
            .bind(name)
            .bind(now)
            .execute(db)
            .await?;
        let taken = sqlx::query(
            "INSERT INTO locks (name, holder, expires_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(&holder)
        .bind(now + ttl.as_millis() as i64)
        .execute(db)
        .await?
        .rows_affected()
            == 1;
        if taken {
            return Ok(Lease {
                name: name.to_string(),
                holder,
            });
        }
        if tokio::time::Instant::now() >= deadline {
            return Err(LockError::Busy(name.to_string()));
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

impl Lease {
    pub async fn release(self, db: &Db) {
        let done = sqlx::query("DELETE FROM locks WHERE name = $1 AND holder = $2")
            .bind(&self.name)
            .bind(&self.holder)
            .execute(db)
            .await;
        if let Err(err) = done {
            // It expires by itself; only waiters are slowed.
            tracing::warn!(error = %err, lock = %self.name, "cannot release a lease");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_lease_excludes_others_until_released_or_expired() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        let db = crate::server::store::connect(&url).await.unwrap();
        let clock = crate::clock::ManualClock::at_secs(1_800_000_000);
        let short = Duration::from_millis(60);
        let first = acquire(&db, &clock, "org:a", Duration::from_secs(30), short)
            .await
            .unwrap();
        assert!(matches!(
            acquire(&db, &clock, "org:a", Duration::from_secs(30), short).await,
            Err(LockError::Busy(_))
        ));
        // Another name is independent.
        acquire(&db, &clock, "org:b", Duration::from_secs(30), short)
            .await
            .unwrap();
        first.release(&db).await;
        let second = acquire(&db, &clock, "org:a", Duration::from_secs(1), short)
            .await
            .unwrap();
        // Never released: it expires, once its time has passed (and not before).
        assert!(matches!(
            acquire(
                &db,
                &clock,
                "org:a",
                Duration::from_secs(30),
                Duration::ZERO
            )
            .await,
            Err(LockError::Busy(_))
        ));
        clock.advance_secs(2);
        acquire(&db, &clock, "org:a", Duration::from_secs(30), short)
            .await
            .unwrap();
        drop(second);
    }
}
