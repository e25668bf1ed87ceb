//! Business rules. Everything that changes something upstream takes a `Permit`.

pub mod access_reviews;
pub mod approvals;
pub mod apps;
pub mod audit_log;
pub mod bot_keys;
pub mod bots;
pub mod credential_expiry;
pub mod credential_policy;
pub mod invitations;
pub mod journal;
pub mod member_search;
pub mod members;
pub mod org_quotas;
pub mod org_settings;
pub mod organizations;
pub mod support;
pub mod usage;
pub mod webhooks;

use super::auth0::{ApiError, ManagementClient};
use super::identity::Identity;
use super::store::Db;

/// What services need: the store, the Management API, the vendor's rules, the issuer.
pub struct Ctx<'a> {
    pub db: &'a Db,
    /// Shared (`Arc`) so a service can hand it to background work.
    pub mgmt: &'a std::sync::Arc<ManagementClient>,
    pub identity: &'a Identity,
    pub issuer: &'a str,
    pub catalog: &'a super::catalog::Catalog,
    /// Brief caching of views' upstream reads (never of what a change decides on).
    pub cache: &'a super::cache::ReadCache,
    /// Per-organization caps (bots, installs, pending invitations).
    pub limits: &'a super::limits::Limits,
    /// The process's clock (expiry, leases, timestamps): tests move a manual one.
    pub clock: &'a std::sync::Arc<dyn crate::clock::Clock>,
    pub request_id: Option<String>,
}

/// How long a view's upstream read is served again (orgdesk's own changes end it at once).
pub const READS_FOR: std::time::Duration = std::time::Duration::from_secs(10);

/// Refuses when an organization already has `count` of something capped at `cap`.
pub fn within_cap(count: i64, cap: u64, what: &str, remedy: &str) -> Result<(), ServiceError> {
    if count >= cap as i64 {
        return Err(ServiceError::Conflict(format!(
            "Your organization has {count} {what}, the most orgdesk allows. {remedy}"
        )));
    }
    Ok(())
}

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("{field}: {message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    /// Not there, or not this organization's (the same answer, so nothing leaks).
    #[error("not found")]
    NotFound,
    /// Like `NotFound`, naming what was looked for ("That member").
    #[error("not found: {0}")]
    Missing(&'static str),
    /// A lease on the organization is held by another change.
    #[error("busy")]
    Busy,
    #[error("{0}")]
    Conflict(String),
    #[error(transparent)]
    Upstream(#[from] ApiError),
    #[error("store: {0}")]
    Store(#[from] sqlx::Error),
    /// A sensitive change, and the actor's last authentication is not recent enough: they sign in
    /// again first (nothing was changed).
    #[error("a recent sign-in is needed")]
    StepUp,
}

/// Refuses a sensitive change (a credential, API access granted or widened, an admin made, the
/// organization deleted) unless the permit's actor authenticated recently.
pub fn step_up(permit: &super::policy::Permit) -> Result<(), ServiceError> {
    if permit.recently_authenticated() {
        Ok(())
    } else {
        Err(ServiceError::StepUp)
    }
}

impl ServiceError {
    /// What the organization's audit log says about a failure: the customer's words, never Auth0's
    /// raw error (which can name orgdesk's own scopes or internals). The detail stays in the server
    /// log under the request id.
    pub fn audit_text(&self) -> String {
        match self {
            ServiceError::Invalid { message, .. } => message.clone(),
            ServiceError::NotFound => "not found".into(),
            ServiceError::Missing(what) => format!("{what} does not exist here"),
            ServiceError::Busy => {
                "another change to the organization's admins was in progress".into()
            }
            ServiceError::Conflict(message) => message.clone(),
            ServiceError::Upstream(err) => upstream_text(err).into(),
            ServiceError::Store(_) => {
                "orgdesk could not save it (see the server log for this request)".into()
            }
            ServiceError::StepUp => "a recent sign-in was needed first".into(),
        }
    }

    /// Records the change this error stopped (`Denied` before anything changed, `Failed` part-way)
    /// in the organization's log, in the error's own words; the error goes on to the caller.
    pub async fn recorded(
        self,
        log: &super::audit::Audit<'_>,
        action: super::audit::Action,
        target: Option<&str>,
        result: super::audit::Result,
    ) -> Self {
        log.record(action, target, result, &self.audit_text()).await;
        self
    }
}

/// An Auth0 failure in the customer's words.
pub fn upstream_text(err: &ApiError) -> &'static str {
    match err {
        ApiError::NotFound => "it no longer exists at Auth0",
        ApiError::Conflict { .. } => "it collides with something that exists at Auth0",
        ApiError::Refused { status: 400, .. } | ApiError::InvalidId => {
            "Auth0 did not accept what was sent"
        }
        ApiError::RateLimited { .. } => "Auth0's rate limit was reached",
        ApiError::Upstream { .. } | ApiError::Timeout | ApiError::Transport(_) => {
            "Auth0 was unavailable or did not answer in time"
        }
        ApiError::Refused { .. } | ApiError::Credentials(_) | ApiError::Decode(_) => {
            "orgdesk could not complete it with Auth0 (see the server log for this request)"
        }
    }
}

/// Runs a background pass on one replica at a time: under the lease `name` (held at most `ttl`), or
/// not at all (answering the default) while another replica holds it.
pub async fn one_replica<T: Default, Fut>(
    ctx: &Ctx<'_>,
    name: &str,
    ttl: std::time::Duration,
    pass: impl FnOnce() -> Fut,
) -> Result<T, ServiceError>
where
    Fut: std::future::Future<Output = Result<T, ServiceError>>,
{
    use crate::server::store::locks;
    let zero = std::time::Duration::ZERO;
    let lease = match locks::acquire(ctx.db, ctx.clock.as_ref(), name, ttl, zero).await {
        Ok(lease) => lease,
        Err(locks::LockError::Busy(_)) => return Ok(T::default()),
        Err(locks::LockError::Store(e)) => return Err(e.into()),
    };
    let done = pass().await;
    lease.release(ctx.db).await;
    done
}

/// The audit writer for an admin's change.
pub fn audit_for<'a>(ctx: &'a Ctx<'_>, who: &impl super::policy::Proof) -> super::audit::Audit<'a> {
    audit_in(ctx, who, who.org_id())
}

/// The audit writer for an admin's change, recorded in `org_id`'s log (another organization's, for
/// an app's publisher or installer).
pub fn audit_in<'a>(
    ctx: &'a Ctx<'_>,
    who: &impl super::policy::Proof,
    org_id: &str,
) -> super::audit::Audit<'a> {
    super::audit::Audit::new(
        ctx.db,
        ctx.clock.as_ref(),
        org_id,
        who.user_id(),
        Some(who.actor_name()),
    )
    .with_request_id(ctx.request_id.clone())
}

/// How an outcome is recorded: refusals by rule are "denied", upstream failures "failed".
pub fn outcome<T>(r: &Result<T, ServiceError>) -> super::audit::Result {
    match r {
        Ok(_) => super::audit::Result::Ok,
        Err(
            ServiceError::Invalid { .. }
            | ServiceError::Conflict(_)
            | ServiceError::Missing(_)
            | ServiceError::NotFound,
        ) => super::audit::Result::Denied,
        Err(_) => super::audit::Result::Failed,
    }
}

pub fn invalid(field: &'static str, message: impl Into<String>) -> ServiceError {
    ServiceError::Invalid {
        field,
        message: message.into(),
    }
}

impl From<crate::server::store::locks::LockError> for ServiceError {
    fn from(err: crate::server::store::locks::LockError) -> Self {
        match err {
            crate::server::store::locks::LockError::Busy(_) => ServiceError::Busy,
            crate::server::store::locks::LockError::Store(e) => ServiceError::Store(e),
        }
    }
}

/// Settles an operation that failed part-way, now; if that fails too, the recovery pass retries.
pub async fn settle_now(ctx: &Ctx<'_>, permit: &super::policy::Permit, op_id: &str) {
    settle_now_as(ctx, &audit_for(ctx, permit), op_id).await;
}

/// `settle_now`, with `voice` speaking for the audit records it writes on the way.
pub async fn settle_now_as(ctx: &Ctx<'_>, voice: &super::audit::Audit<'_>, op_id: &str) {
    if let Ok(Some(op)) = journal::get(ctx.db, op_id).await {
        if let Err(err) = journal::settle(ctx.db, ctx.clock.as_ref(), ctx.mgmt, &op, voice).await {
            tracing::error!(operation = op_id, error = %err, "could not settle now; the recovery pass will retry");
        }
    }
}
