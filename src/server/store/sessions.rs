//! The session store keeps a SHA-256 digest of each session id, never the id itself: whoever reads
//! the database (a backup, a support query) cannot take over a session with what they see.

use std::sync::Arc;

use async_trait::async_trait;
use sha2::{Digest, Sha256};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};

use super::Db;
use crate::clock::Clock;

/// Wraps a store so that every id is hashed on the way in and restored on the way out.
#[derive(Debug, Clone)]
pub struct HashedIds<S>(pub S);

fn digest(id: &Id) -> Id {
    let hash = Sha256::digest(id.0.to_le_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&hash[..16]);
    Id(i128::from_le_bytes(bytes))
}

fn stored(record: &Record) -> Record {
    Record {
        id: digest(&record.id),
        data: record.data.clone(),
        expiry_date: record.expiry_date,
    }
}

#[async_trait]
impl<S: SessionStore> SessionStore for HashedIds<S> {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        // A fresh random id, drawn again in the (astronomically unlikely) case its digest is taken.
        while self.0.load(&digest(&record.id)).await?.is_some() {
            record.id = Id::default();
        }
        self.0.save(&stored(record)).await
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        self.0.save(&stored(record)).await
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        Ok(self.0.load(&digest(id)).await?.map(|mut r| {
            r.id = *id;
            r
        }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        self.0.delete(&digest(id)).await
    }
}

#[async_trait]
impl<S: SessionStore + ExpiredDeletion> ExpiredDeletion for HashedIds<S> {
    async fn delete_expired(&self) -> session_store::Result<()> {
        self.0.delete_expired().await
    }
}

/// Sessions in orgdesk's own store (SQLite or PostgreSQL), so every replica sees every session.
#[derive(Debug, Clone)]
pub struct DbStore {
    db: Db,
    clock: Arc<dyn Clock>,
}

impl DbStore {
    pub fn new(db: Db, clock: Arc<dyn Clock>) -> Self {
        Self { db, clock }
    }
}

fn backend(err: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(err.to_string())
}

impl DbStore {
    /// Writes `record`; `on_conflict` says what a row with the same id does. Answers the rows written.
    async fn write(&self, record: &Record, on_conflict: &str) -> session_store::Result<u64> {
        let sql = format!(
            "INSERT INTO user_sessions (id, data, expires_at) VALUES ($1, $2, $3) ON CONFLICT (id) {on_conflict}"
        );
        let written = sqlx::query(&sql)
            .bind(record.id.to_string())
            .bind(serde_json::to_string(&record.data).map_err(backend)?)
            .bind(record.expiry_date.unix_timestamp())
            .execute(&self.db)
            .await
            .map_err(backend)?;
        Ok(written.rows_affected())
    }
}

#[async_trait]
impl SessionStore for DbStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        // A new id that happens to be taken gets another.
        while self.write(record, "DO NOTHING").await? != 1 {
            record.id = Id::default();
        }
        Ok(())
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let upsert = "DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at";
        self.write(record, upsert).await.map(|_| ())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let row: Option<(String, i64)> = sqlx::query_as(
            "SELECT data, expires_at FROM user_sessions WHERE id = $1 AND expires_at > $2",
        )
        .bind(id.to_string())
        .bind(self.clock.now_secs())
        .fetch_optional(&self.db)
        .await
        .map_err(backend)?;
        let Some((data, expires_at)) = row else {
            return Ok(None);
        };
        Ok(Some(Record {
            id: *id,
            data: serde_json::from_str(&data).map_err(backend)?,
            expiry_date: time::OffsetDateTime::from_unix_timestamp(expires_at).map_err(backend)?,
        }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        sqlx::query("DELETE FROM user_sessions WHERE id = $1")
            .bind(id.to_string())
            .execute(&self.db)
            .await
            .map_err(backend)?;
        Ok(())
    }
}

#[async_trait]
impl ExpiredDeletion for DbStore {
    async fn delete_expired(&self) -> session_store::Result<()> {
        sqlx::query("DELETE FROM user_sessions WHERE expires_at <= $1")
            .bind(self.clock.now_secs())
            .execute(&self.db)
            .await
            .map_err(backend)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower_sessions::MemoryStore;

    #[tokio::test]
    async fn ids_are_stored_hashed_and_found_by_the_real_id() {
        let inner = MemoryStore::default();
        let store = HashedIds(inner.clone());
        let mut record = Record {
            id: Id::default(),
            data: Default::default(),
            expiry_date: time::OffsetDateTime::now_utc() + time::Duration::hours(1),
        };
        store.create(&mut record).await.unwrap();
        assert!(
            inner.load(&record.id).await.unwrap().is_none(),
            "not under the real id"
        );
        assert!(inner.load(&digest(&record.id)).await.unwrap().is_some());
        let loaded = store.load(&record.id).await.unwrap().unwrap();
        assert_eq!(loaded.id, record.id);
        store.delete(&record.id).await.unwrap();
        assert!(store.load(&record.id).await.unwrap().is_none());
    }
}
