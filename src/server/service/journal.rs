//! The operations journal: a multi-step upstream change is written down before its first step, each
//! step is recorded as it lands, and a failure (or a restart) undoes what was done.

use sqlx::SqlitePool;

use super::super::auth0::{ApiError, ManagementClient};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Operation {
    pub id: String,
    pub org_id: String,
    pub kind: String,
    pub state: String,
    pub client_id: Option<String>,
    pub grant_id: Option<String>,
}

fn now() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

pub enum Begun {
    New(String),
    /// The same idempotency key was seen before: a double submit.
    Seen {
        state: String,
        client_id: Option<String>,
    },
}

pub async fn begin(
    db: &SqlitePool,
    key: &str,
    org_id: &str,
    kind: &str,
) -> Result<Begun, sqlx::Error> {
    let id = uuid::Uuid::new_v4().to_string();
    let inserted = sqlx::query(
        "INSERT INTO operations (id, idempotency_key, org_id, kind, state, created_at, updated_at)
         VALUES (?, ?, ?, ?, 'started', ?, ?) ON CONFLICT (idempotency_key) DO NOTHING",
    )
    .bind(&id)
    .bind(key)
    .bind(org_id)
    .bind(kind)
    .bind(now())
    .bind(now())
    .execute(db)
    .await?;
    if inserted.rows_affected() == 1 {
        return Ok(Begun::New(id));
    }
    let (state, client_id): (String, Option<String>) =
        sqlx::query_as("SELECT state, client_id FROM operations WHERE idempotency_key = ?")
            .bind(key)
            .fetch_one(db)
            .await?;
    Ok(Begun::Seen { state, client_id })
}

pub async fn step(
    db: &SqlitePool,
    id: &str,
    state: &str,
    client_id: Option<&str>,
    grant_id: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE operations SET state = ?, client_id = COALESCE(?, client_id), grant_id = COALESCE(?, grant_id), updated_at = ?
         WHERE id = ?",
    )
    .bind(state)
    .bind(client_id)
    .bind(grant_id)
    .bind(now())
    .bind(id)
    .execute(db)
    .await?;
    Ok(())
}

/// Undoes an unfinished registration upstream: its grant (with the association), then its client.
/// Deletes are idempotent on Auth0, so running this twice is safe.
pub async fn compensate(
    db: &SqlitePool,
    mgmt: &ManagementClient,
    op: &Operation,
) -> Result<(), ApiError> {
    let mut client_id = op.client_id.clone();
    if client_id.is_none() {
        // Killed between "client created" and writing it down: find it by the operation id it carries.
        let clients: Vec<super::super::auth0::resources::Client> = mgmt
            .list_checkpoint(
                "clients",
                "clients",
                &[
                    ("fields", "client_id,name,client_metadata".into()),
                    ("include_fields", "true".into()),
                ],
            )
            .await?;
        client_id = clients
            .into_iter()
            .find(|c| {
                c.client_metadata
                    .get("orgdesk_op")
                    .is_some_and(|v| v == &op.id)
            })
            .map(|c| c.client_id);
    }
    if let Some(grant) = &op.grant_id {
        mgmt.dissociate(&op.org_id, grant).await?;
        mgmt.delete_grant(grant).await?;
    }
    if let Some(client) = &client_id {
        for grant in mgmt.grants_of(client).await? {
            mgmt.dissociate(&op.org_id, &grant.id).await?;
            mgmt.delete_grant(&grant.id).await?;
        }
        mgmt.delete_client(client).await?;
    }
    step(db, &op.id, "compensated", client_id.as_deref(), None)
        .await
        .map_err(|e| ApiError::Decode(format!("journal: {e}")))?;
    Ok(())
}

/// At start-up: undo every operation a crash left half done.
pub async fn recover(db: &SqlitePool, mgmt: &ManagementClient) -> Result<usize, sqlx::Error> {
    let open: Vec<Operation> = sqlx::query_as(
        "SELECT id, org_id, kind, state, client_id, grant_id FROM operations WHERE state NOT IN ('done', 'compensated')",
    )
    .fetch_all(db)
    .await?;
    let mut undone = 0;
    for op in &open {
        match compensate(db, mgmt, op).await {
            Ok(()) => {
                undone += 1;
                tracing::warn!(operation = %op.id, kind = %op.kind, "recovery: undid an unfinished operation");
            }
            Err(err) => {
                tracing::error!(operation = %op.id, error = %err, "recovery: could not undo; will retry at next start")
            }
        }
    }
    Ok(undone)
}
