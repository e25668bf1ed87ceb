//! The operations journal: a multi-step upstream change is written down before its first step, each
//! step is recorded as it lands, and a failure (or a restart) undoes what was done.

use crate::clock::Clock;
use crate::server::audit::{self, Audit};
use crate::server::store::{self, operations as rows, Db};

use super::super::auth0::{ApiError, ManagementClient};
use super::ServiceError;

pub use rows::Operation;

/// Every journaled change. Each says in `settle` how an interrupted one comes to rest; that match
/// has no catch-all arm, so a new kind without its recovery does not compile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    BotRegister,
    BotGrant,
    BotRevoke,
    BotDelete,
    AppInstall,
    AppUninstall,
    InvitationResend,
    OrgCreate,
    BotKeyAdd,
    BotKeyRemove,
}

impl Kind {
    pub const ALL: [Kind; 10] = [
        Kind::BotRegister,
        Kind::BotGrant,
        Kind::BotRevoke,
        Kind::BotDelete,
        Kind::AppInstall,
        Kind::AppUninstall,
        Kind::InvitationResend,
        Kind::OrgCreate,
        Kind::BotKeyAdd,
        Kind::BotKeyRemove,
    ];

    /// The name stored in the journal (and written to the audit log by the recovery pass).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::BotRegister => "bot.register",
            Kind::BotGrant => "bot.grant",
            Kind::BotRevoke => "bot.revoke",
            Kind::BotDelete => "bot.delete",
            Kind::AppInstall => "app.install",
            Kind::AppUninstall => "app.uninstall",
            Kind::InvitationResend => "invitation.resend",
            Kind::OrgCreate => "organization.create",
            Kind::BotKeyAdd => "bot.key.add",
            Kind::BotKeyRemove => "bot.key.remove",
        }
    }

    /// What the audit log calls it when the recovery pass brings one to rest.
    pub fn audit_action(self) -> audit::Action {
        match self {
            Kind::BotRegister => audit::Action::BotRegister,
            Kind::BotGrant => audit::Action::BotGrantAccess,
            Kind::BotRevoke => audit::Action::BotRevokeAccess,
            Kind::BotDelete => audit::Action::BotDelete,
            Kind::AppInstall => audit::Action::AppInstall,
            Kind::AppUninstall => audit::Action::AppUninstall,
            Kind::InvitationResend => audit::Action::InvitationResend,
            Kind::OrgCreate => audit::Action::OrganizationCreate,
            Kind::BotKeyAdd => audit::Action::BotKeyAdd,
            Kind::BotKeyRemove => audit::Action::BotKeyRemove,
        }
    }

    pub fn parse(stored: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == stored)
    }
}

/// Where an operation comes to rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rest {
    /// It happened (a removal is finished, a creation completed).
    Done,
    /// It was undone (a creation that failed part-way).
    Compensated,
}

impl Rest {
    pub fn as_str(self) -> &'static str {
        match self {
            Rest::Done => "done",
            Rest::Compensated => "compensated",
        }
    }
}

/// What a new operation is about.
#[derive(Debug, Clone, Copy)]
pub struct Plan<'a> {
    pub kind: Kind,
    pub org_id: &'a str,
    pub client_id: Option<&'a str>,
    pub grant_id: Option<&'a str>,
    pub target: Option<&'a str>,
}

impl<'a> Plan<'a> {
    pub fn new(kind: Kind, org_id: &'a str) -> Self {
        Plan {
            kind,
            org_id,
            client_id: None,
            grant_id: None,
            target: None,
        }
    }

    pub fn client(mut self, client_id: &'a str) -> Self {
        self.client_id = Some(client_id);
        self
    }

    pub fn grant(mut self, grant_id: &'a str) -> Self {
        self.grant_id = Some(grant_id);
        self
    }

    pub fn target(mut self, target: &'a str) -> Self {
        self.target = Some(target);
        self
    }
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
    kind: Kind,
) -> Result<Begun, sqlx::Error> {
    let id = uuid::Uuid::new_v4().to_string();
    let row = rows::NewRow {
        id: &id,
        idempotency_key: key,
        org_id,
        kind: kind.as_str(),
        client_id: None,
        grant_id: None,
        target: None,
        now: &clock.rfc3339(),
    };
    if rows::insert(db, row).await? {
        return Ok(Begun::New(id));
    }
    // A submission that failed and was undone may be sent again from the same form.
    if rows::free_compensated_key(db, key).await? {
        return Box::pin(begin(db, clock, key, org_id, kind)).await;
    }
    let (state, client_id) = rows::by_key(db, key).await?;
    Ok(Begun::Seen { state, client_id })
}

/// Writes an operation down before its first upstream step (one that needs no idempotency key).
pub async fn open(db: &Db, clock: &dyn Clock, plan: Plan<'_>) -> Result<String, sqlx::Error> {
    Ok(written(db, clock, plan).await?.id)
}

/// `open`, answering the operation as written (so `run` need not read it back).
async fn written(db: &Db, clock: &dyn Clock, plan: Plan<'_>) -> Result<Operation, sqlx::Error> {
    let id = uuid::Uuid::new_v4().to_string();
    let now = clock.rfc3339();
    let row = rows::NewRow {
        id: &id,
        idempotency_key: &id,
        org_id: plan.org_id,
        kind: plan.kind.as_str(),
        client_id: plan.client_id,
        grant_id: plan.grant_id,
        target: plan.target,
        now: &now,
    };
    rows::insert(db, row).await?;
    Ok(Operation {
        id,
        org_id: plan.org_id.to_string(),
        kind: plan.kind.as_str().to_string(),
        state: "started".into(),
        client_id: plan.client_id.map(String::from),
        grant_id: plan.grant_id.map(String::from),
        target: plan.target.map(String::from),
        created_ref: None,
        updated_at: now,
    })
}

/// Records something the operation created that is neither a client nor a grant.
pub async fn created(
    db: &Db,
    clock: &dyn Clock,
    id: &str,
    reference: &str,
) -> Result<(), sqlx::Error> {
    rows::created(db, id, reference, &clock.rfc3339()).await
}

/// The operation is at rest.
pub async fn close(db: &Db, clock: &dyn Clock, id: &str, rest: Rest) -> Result<(), sqlx::Error> {
    rows::close(db, id, rest.as_str(), &clock.rfc3339()).await
}

pub async fn get(db: &Db, id: &str) -> Result<Option<Operation>, sqlx::Error> {
    rows::get(db, id).await
}

pub async fn step(
    db: &Db,
    clock: &dyn Clock,
    id: &str,
    state: &str,
    client_id: Option<&str>,
    grant_id: Option<&str>,
) -> Result<(), sqlx::Error> {
    rows::step(db, id, state, client_id, grant_id, &clock.rfc3339()).await
}

/// Undoes an unfinished registration upstream: its grant (with the association), then its client.
async fn undo_register(mgmt: &ManagementClient, op: &Operation) -> Result<(), ApiError> {
    let mut client_id = op.client_id.clone();
    if client_id.is_none() {
        // Killed between "client created" and writing it down: find it by the operation id it carries.
        let clients = mgmt.clients_summary().await?;
        client_id = clients
            .into_iter()
            .find(|c| {
                c.client_metadata
                    .get(super::bots::OPERATION_KEY)
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
async fn remove_client(
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

/// Undoes a grant that was being added: the one written down, or — killed before its id was written
/// down — any grant of the bot for that API that orgdesk's record does not know.
async fn undo_grant(db: &Db, mgmt: &ManagementClient, op: &Operation) -> Result<(), ServiceError> {
    let mut grants: Vec<String> = op.grant_id.iter().cloned().collect();
    if let (None, Some(client), Some(audience)) = (&op.grant_id, &op.client_id, &op.target) {
        for g in mgmt.grants_of(client).await? {
            if &g.audience == audience && !store::bots::knows_grant(db, &g.id).await? {
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

/// Finishes a bot's deletion: upstream, then orgdesk's record, telling every installer of its app
/// (in `voice`: the admin who deleted it, or the recovery pass).
async fn finish_delete(
    db: &Db,
    mgmt: &ManagementClient,
    op: &Operation,
    voice: &Audit<'_>,
) -> Result<(), ServiceError> {
    let Some(client) = &op.client_id else {
        return Ok(());
    };
    remove_client(mgmt, &op.org_id, client).await?;
    if let Some(app) = store::apps::by_client(db, client).await? {
        for install in store::apps::installs(db, &app.app_id).await? {
            voice
                .in_org(&install.org_id)
                .record(
                    audit::Action::AppRemoved,
                    Some(&app.app_id),
                    audit::Result::Ok,
                    &format!("the publisher {} deleted it", app.publisher_name),
                )
                .await;
        }
        store::apps::delete(db, &app.app_id).await?;
    }
    store::bots::delete(db, client).await?;
    Ok(())
}

/// Deletes an organization whose creation did not finish: the one written down, or — killed before
/// its id was written down — the one of the planned name that carries this operation's id (never
/// another's organization of the same name).
async fn undo_create_org(mgmt: &ManagementClient, op: &Operation) -> Result<(), ApiError> {
    let org_id = match &op.created_ref {
        Some(id) => Some(id.clone()),
        None => match op.target.as_deref() {
            Some(name) => mgmt
                .organization_named(name)
                .await?
                .filter(|o| o.metadata.get(super::organizations::OPERATION_KEY) == Some(&op.id))
                .map(|o| o.id),
            None => None,
        },
    };
    match org_id {
        Some(id) => mgmt.delete_organization(&id).await,
        None => Ok(()),
    }
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

/// Brings an operation to rest and answers its final state: a creation is undone (`Compensated`:
/// the user saw an error, or nothing), a removal is finished (`Done`: the user asked for it). A
/// removal's request runs exactly this to do its work, so the request and the recovery pass cannot
/// drift apart. Every step is idempotent, so settling twice is harmless. `voice` is who the audit
/// records it writes on the way speak for.
pub async fn settle(
    db: &Db,
    clock: &dyn Clock,
    mgmt: &ManagementClient,
    op: &Operation,
    voice: &Audit<'_>,
) -> Result<Rest, ServiceError> {
    let Some(kind) = Kind::parse(&op.kind) else {
        // Written by a newer orgdesk (a replica mid-upgrade): leave it to one that knows it.
        tracing::error!(kind = %op.kind, "an operation of an unknown kind cannot be settled");
        return Err(ServiceError::Conflict(format!(
            "unknown operation kind {}",
            op.kind
        )));
    };
    settle_as(db, clock, mgmt, op, kind, voice).await
}

/// `settle` for an operation whose kind is known.
async fn settle_as(
    db: &Db,
    clock: &dyn Clock,
    mgmt: &ManagementClient,
    op: &Operation,
    kind: Kind,
    voice: &Audit<'_>,
) -> Result<Rest, ServiceError> {
    let grant = || op.grant_id.clone().unwrap_or_default();
    let rest = match kind {
        Kind::BotRegister => {
            undo_register(mgmt, op).await?;
            Rest::Compensated
        }
        Kind::BotGrant => {
            undo_grant(db, mgmt, op).await?;
            Rest::Compensated
        }
        Kind::BotRevoke => {
            mgmt.dissociate(&op.org_id, &grant()).await?;
            mgmt.delete_grant(&grant()).await?;
            store::bots::delete_grant(db, &grant()).await?;
            Rest::Done
        }
        Kind::BotDelete => {
            finish_delete(db, mgmt, op, voice).await?;
            Rest::Done
        }
        Kind::AppInstall => {
            let app = op.target.as_deref().unwrap_or_default();
            if store::apps::install_of(db, app, &op.org_id)
                .await?
                .is_some()
            {
                Rest::Done
            } else {
                mgmt.dissociate(&op.org_id, &grant()).await?;
                Rest::Compensated
            }
        }
        Kind::AppUninstall => {
            mgmt.dissociate(&op.org_id, &grant()).await?;
            let app = op.target.as_deref().unwrap_or_default();
            store::apps::uninstall(db, app, &op.org_id).await?;
            Rest::Done
        }
        Kind::InvitationResend => {
            finish_resend(mgmt, op).await?;
            Rest::Done
        }
        Kind::OrgCreate => {
            undo_create_org(mgmt, op).await?;
            Rest::Compensated
        }
        Kind::BotKeyAdd => {
            let client = op.client_id.as_deref().unwrap_or_default();
            super::bot_keys::settle_add(mgmt, client, op.created_ref.as_deref()).await?
        }
        Kind::BotKeyRemove => {
            let client = op.client_id.as_deref().unwrap_or_default();
            let key = op.target.as_deref().unwrap_or_default();
            super::bot_keys::finish_remove(mgmt, client, key).await?;
            Rest::Done
        }
    };
    close(db, clock, &op.id, rest).await?;
    Ok(rest)
}

/// Opens an operation and brings it to rest at once: a removal, whose steps are its recovery's.
pub async fn run(
    db: &Db,
    clock: &dyn Clock,
    mgmt: &ManagementClient,
    plan: Plan<'_>,
    voice: &Audit<'_>,
) -> Result<Rest, ServiceError> {
    let op = written(db, clock, plan).await?;
    // Left open on failure: a retry or the recovery pass finishes it.
    settle_as(db, clock, mgmt, &op, plan.kind, voice).await
}

/// The recovery pass's own voice in an organization's audit log.
fn recovery_audit<'a>(db: &'a Db, clock: &'a dyn Clock, org_id: &str) -> Audit<'a> {
    Audit::new(db, clock, org_id, "orgdesk", Some("orgdesk (recovery)"))
}

/// Claims an open operation for one settler: a compare-and-set on its last update, so one pass on one
/// replica settles it while others skip it.
pub async fn claim(db: &Db, clock: &dyn Clock, op: &Operation) -> Result<bool, sqlx::Error> {
    rows::claim(db, op, &clock.rfc3339()).await
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
    let open = rows::open_since(db, &cutoff).await?;
    let mut settled = 0;
    for op in &open {
        let Some(kind) = Kind::parse(&op.kind) else {
            // Written by a newer orgdesk (a replica mid-upgrade): left to one that knows it.
            tracing::error!(operation = %op.id, kind = %op.kind, "recovery: unknown kind; skipped");
            continue;
        };
        if !claim(db, clock, op).await? {
            continue;
        }
        let audit = recovery_audit(db, clock, &op.org_id);
        let target = op.client_id.as_deref().or(op.target.as_deref());
        match settle_as(db, clock, mgmt, op, kind, &audit).await {
            Ok(rest) => {
                settled += 1;
                let what = match rest {
                    Rest::Done => "finished",
                    Rest::Compensated => "undone",
                };
                tracing::warn!(operation = %op.id, kind = %op.kind, what, "recovery: settled an interrupted operation");
                if op.org_id.is_empty() {
                    // An organization's creation, undone: there is no organization log to write to.
                    continue;
                }
                audit
                    .record(
                        kind.audit_action(),
                        target,
                        audit::Result::Ok,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_reads_back_as_itself() {
        for kind in Kind::ALL {
            assert_eq!(Kind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(Kind::parse("unknown.kind"), None);
    }
}
