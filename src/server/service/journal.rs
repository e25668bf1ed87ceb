//! The operations journal: a multi-step upstream change is written down before its first step, each
//! step is recorded as it lands, and a failure (or a restart) undoes what was done.

use crate::clock::Clock;
use crate::server::db::Db;

use super::super::auth0::{ApiError, ManagementClient};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Operation {
    pub id: String,
    pub org_id: String,
    pub kind: String,
    pub state: String,
    pub client_id: Option<String>,
    pub grant_id: Option<String>,
    /// What it acts on besides a client and a grant: an API audience, an app, an invitation.
    pub target: Option<String>,
    /// What it created that is neither a client nor a grant (a new invitation).
    pub created_ref: Option<String>,
    pub updated_at: String,
}

const SELECT: &str = "SELECT id, org_id, kind, state, client_id, grant_id, target, created_ref, updated_at FROM operations";

/// What a new operation is about.
#[derive(Debug, Default, Clone, Copy)]
pub struct Plan<'a> {
    pub kind: &'a str,
    pub org_id: &'a str,
    pub client_id: Option<&'a str>,
    pub grant_id: Option<&'a str>,
    pub target: Option<&'a str>,
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
    db: &Db,
    clock: &dyn Clock,
    key: &str,
    org_id: &str,
    kind: &str,
) -> Result<Begun, sqlx::Error> {
    let id = uuid::Uuid::new_v4().to_string();
    let now = clock.rfc3339();
    let inserted = sqlx::query(
        "INSERT INTO operations (id, idempotency_key, org_id, kind, state, created_at, updated_at)
         VALUES ($1, $2, $3, $4, 'started', $5, $6) ON CONFLICT (idempotency_key) DO NOTHING",
    )
    .bind(&id)
    .bind(key)
    .bind(org_id)
    .bind(kind)
    .bind(&now)
    .bind(&now)
    .execute(db)
    .await?;
    if inserted.rows_affected() == 1 {
        return Ok(Begun::New(id));
    }
    // A submission that failed and was undone may be sent again from the same form.
    let freed = sqlx::query(
        "UPDATE operations SET idempotency_key = id WHERE idempotency_key = $1 AND state = 'compensated'",
    )
    .bind(key)
    .execute(db)
    .await?;
    if freed.rows_affected() == 1 {
        return Box::pin(begin(db, clock, key, org_id, kind)).await;
    }
    let (state, client_id): (String, Option<String>) =
        sqlx::query_as("SELECT state, client_id FROM operations WHERE idempotency_key = $1")
            .bind(key)
            .fetch_one(db)
            .await?;
    Ok(Begun::Seen { state, client_id })
}

/// Writes an operation down before its first upstream step (one that needs no idempotency key).
pub async fn open(db: &Db, clock: &dyn Clock, plan: Plan<'_>) -> Result<String, sqlx::Error> {
    let id = uuid::Uuid::new_v4().to_string();
    let now = clock.rfc3339();
    sqlx::query(
        "INSERT INTO operations (id, idempotency_key, org_id, kind, state, client_id, grant_id, target, created_at, updated_at)
         VALUES ($1, $2, $3, $4, 'started', $5, $6, $7, $8, $9)",
    )
    .bind(&id)
    .bind(&id)
    .bind(plan.org_id)
    .bind(plan.kind)
    .bind(plan.client_id)
    .bind(plan.grant_id)
    .bind(plan.target)
    .bind(&now)
    .bind(&now)
    .execute(db)
    .await?;
    Ok(id)
}

/// Records something the operation created that is neither a client nor a grant.
pub async fn created(
    db: &Db,
    clock: &dyn Clock,
    id: &str,
    reference: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE operations SET state = 'created', created_ref = $1, updated_at = $2 WHERE id = $3",
    )
    .bind(reference)
    .bind(clock.rfc3339())
    .bind(id)
    .execute(db)
    .await?;
    Ok(())
}

/// The operation is at rest: `done` (it happened) or `compensated` (it was undone).
pub async fn close(db: &Db, clock: &dyn Clock, id: &str, state: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE operations SET state = $1, updated_at = $2 WHERE id = $3")
        .bind(state)
        .bind(clock.rfc3339())
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn get(db: &Db, id: &str) -> Result<Option<Operation>, sqlx::Error> {
    sqlx::query_as(&format!("{SELECT} WHERE id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await
}

pub async fn step(
    db: &Db,
    clock: &dyn Clock,
    id: &str,
    state: &str,
    client_id: Option<&str>,
    grant_id: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE operations SET state = $1, client_id = COALESCE($2, client_id), grant_id = COALESCE($3, grant_id), updated_at = $4
         WHERE id = $5",
    )
    .bind(state)
    .bind(client_id)
    .bind(grant_id)
    .bind(clock.rfc3339())
    .bind(id)
    .execute(db)
    .await?;
    Ok(())
}

/// Undoes an unfinished registration upstream: its grant (with the association), then its client.
async fn undo_register(mgmt: &ManagementClient, op: &Operation) -> Result<(), ApiError> {
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
        remove_client(mgmt, &op.org_id, client).await?;
    }
    Ok(())
}

/// Removes a client with its grants and this organization's associations (each step idempotent).
pub async fn remove_client(
    mgmt: &ManagementClient,
    org_id: &str,
    client_id: &str,
) -> Result<(), ApiError> {
    for grant in mgmt.grants_of(client_id).await? {
        mgmt.dissociate(org_id, &grant.id).await?;
        mgmt.delete_grant(&grant.id).await?;
    }
    mgmt.delete_client(client_id).await
}

fn store(e: sqlx::Error) -> ApiError {
    ApiError::Decode(format!("journal: {e}"))
}

/// Undoes a grant that was being added: the one written down, or — killed before its id was written
/// down — any grant of the bot for that API that orgdesk's record does not know.
async fn undo_grant(db: &Db, mgmt: &ManagementClient, op: &Operation) -> Result<(), ApiError> {
    let mut grants: Vec<String> = op.grant_id.iter().cloned().collect();
    if let (None, Some(client), Some(audience)) = (&op.grant_id, &op.client_id, &op.target) {
        for g in mgmt.grants_of(client).await? {
            let known: Option<(String,)> =
                sqlx::query_as("SELECT grant_id FROM bot_grants WHERE grant_id = $1")
                    .bind(&g.id)
                    .fetch_optional(db)
                    .await
                    .map_err(store)?;
            if &g.audience == audience && known.is_none() {
                grants.push(g.id);
            }
        }
    }
    for grant in grants {
        mgmt.dissociate(&op.org_id, &grant).await?;
        mgmt.delete_grant(&grant).await?;
    }
    Ok(())
}

/// Finishes a bot's deletion: upstream, then orgdesk's record, telling every installer of its app.
async fn finish_delete(
    db: &Db,
    clock: &dyn Clock,
    mgmt: &ManagementClient,
    op: &Operation,
) -> Result<(), ApiError> {
    let Some(client) = &op.client_id else {
        return Ok(());
    };
    remove_client(mgmt, &op.org_id, client).await?;
    if let Some(app) = super::apps::by_client(db, client).await.map_err(store)? {
        for install in super::apps::installs(db, &app.app_id)
            .await
            .map_err(store)?
        {
            recovery_audit(db, clock, &install.org_id)
                .record(
                    "app.removed",
                    Some(&app.app_id),
                    super::super::audit::Result::Ok,
                    &format!("the publisher {} deleted it", app.publisher_name),
                )
                .await;
        }
        sqlx::query("DELETE FROM apps WHERE app_id = $1")
            .bind(&app.app_id)
            .execute(db)
            .await
            .map_err(store)?;
    }
    sqlx::query("DELETE FROM bot_grants WHERE client_id = $1")
        .bind(client)
        .execute(db)
        .await
        .map_err(store)?;
    sqlx::query("DELETE FROM bots WHERE client_id = $1")
        .bind(client)
        .execute(db)
        .await
        .map_err(store)?;
    Ok(())
}

/// Withdraws the replaced invitation once a newer one for the same address exists.
async fn finish_resend(mgmt: &ManagementClient, op: &Operation) -> Result<(), ApiError> {
    let Some(old_id) = &op.target else {
        return Ok(());
    };
    let pending = mgmt.invitations(&op.org_id).await?;
    let Some(old) = pending.iter().find(|i| &i.id == old_id) else {
        return Ok(());
    };
    let replaced = op.created_ref.is_some()
        || pending
            .iter()
            .any(|i| &i.id != old_id && i.invitee.email.eq_ignore_ascii_case(&old.invitee.email));
    if replaced {
        mgmt.delete_invitation(&op.org_id, old_id).await?;
    }
    Ok(())
}

/// Brings an interrupted operation to rest and answers its final state: a creation is undone
/// (`compensated`: the user saw an error, or nothing), a removal is finished (`done`: the user asked
/// for it). Every step is idempotent, so settling twice is harmless.
pub async fn settle(
    db: &Db,
    clock: &dyn Clock,
    mgmt: &ManagementClient,
    op: &Operation,
) -> Result<&'static str, ApiError> {
    let grant = || op.grant_id.clone().unwrap_or_default();
    let state = match op.kind.as_str() {
        "bot.register" => {
            undo_register(mgmt, op).await?;
            "compensated"
        }
        "bot.grant" => {
            undo_grant(db, mgmt, op).await?;
            "compensated"
        }
        "bot.revoke" => {
            mgmt.dissociate(&op.org_id, &grant()).await?;
            mgmt.delete_grant(&grant()).await?;
            sqlx::query("DELETE FROM bot_grants WHERE grant_id = $1")
                .bind(grant())
                .execute(db)
                .await
                .map_err(store)?;
            "done"
        }
        "bot.delete" => {
            finish_delete(db, clock, mgmt, op).await?;
            "done"
        }
        "app.install" => {
            let installed: Option<(String,)> =
                sqlx::query_as("SELECT org_id FROM app_installs WHERE app_id = $1 AND org_id = $2")
                    .bind(&op.target)
                    .bind(&op.org_id)
                    .fetch_optional(db)
                    .await
                    .map_err(store)?;
            if installed.is_some() {
                "done"
            } else {
                mgmt.dissociate(&op.org_id, &grant()).await?;
                "compensated"
            }
        }
        "app.uninstall" => {
            mgmt.dissociate(&op.org_id, &grant()).await?;
            sqlx::query("DELETE FROM app_installs WHERE app_id = $1 AND org_id = $2")
                .bind(&op.target)
                .bind(&op.org_id)
                .execute(db)
                .await
                .map_err(store)?;
            "done"
        }
        "invitation.resend" => {
            finish_resend(mgmt, op).await?;
            "done"
        }
        other => {
            tracing::error!(
                kind = other,
                "an operation of an unknown kind cannot be settled"
            );
            return Err(ApiError::Decode(format!("unknown operation kind {other}")));
        }
    };
    close(db, clock, &op.id, state).await.map_err(store)?;
    Ok(state)
}

/// The recovery pass's own voice in an organization's audit log.
fn recovery_audit<'a>(
    db: &'a Db,
    clock: &'a dyn Clock,
    org_id: &str,
) -> super::super::audit::Audit<'a> {
    super::super::audit::Audit::new(db, clock, org_id, "orgdesk", Some("orgdesk (recovery)"))
}

/// Claims an open operation for one settler: a compare-and-set on its last update, so one pass on one
/// replica settles it while others skip it.
pub async fn claim(db: &Db, clock: &dyn Clock, op: &Operation) -> Result<bool, sqlx::Error> {
    let claimed = sqlx::query(
        "UPDATE operations SET updated_at = $1 WHERE id = $2 AND updated_at = $3 AND state NOT IN ('done', 'compensated')",
    )
    .bind(clock.rfc3339())
    .bind(&op.id)
    .bind(&op.updated_at)
    .execute(db)
    .await?;
    Ok(claimed.rows_affected() == 1)
}

/// Settles every operation left open for longer than `grace` (an interrupted request, a killed process,
/// a compensation that itself failed). Runs at start-up and then periodically; answers how many it
/// settled. Each settled operation is recorded in its organization's audit log.
pub async fn recover(
    db: &Db,
    clock: &dyn Clock,
    mgmt: &ManagementClient,
    grace: std::time::Duration,
) -> Result<usize, sqlx::Error> {
    let cutoff = (clock.now() - grace)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    let open: Vec<Operation> = sqlx::query_as(&format!(
        "{SELECT} WHERE state NOT IN ('done', 'compensated') AND updated_at <= $1"
    ))
    .bind(&cutoff)
    .fetch_all(db)
    .await?;
    let mut settled = 0;
    for op in &open {
        if !claim(db, clock, op).await? {
            continue;
        }
        let audit = recovery_audit(db, clock, &op.org_id);
        let target = op.client_id.as_deref().or(op.target.as_deref());
        match settle(db, clock, mgmt, op).await {
            Ok(state) => {
                settled += 1;
                let what = if state == "done" {
                    "finished"
                } else {
                    "undone"
                };
                tracing::warn!(operation = %op.id, kind = %op.kind, what, "recovery: settled an interrupted operation");
                audit
                    .record(
                        &op.kind,
                        target,
                        super::super::audit::Result::Ok,
                        &format!("{what} by the recovery pass after an interruption"),
                    )
                    .await;
            }
            Err(err) => {
                tracing::error!(operation = %op.id, error = %err, "recovery: could not settle; will retry");
            }
        }
    }
    Ok(settled)
}
