//! The organization audit log: every change and every denied attempt — who, organization, action,
//! target, result, request id, time. Never a secret: callers pass ids and short texts only.

use crate::clock::Clock;
use crate::server::store::Db;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Result {
    Ok,
    Denied,
    Failed,
}

impl Result {
    fn as_str(self) -> &'static str {
        match self {
            Result::Ok => "ok",
            Result::Denied => "denied",
            Result::Failed => "failed",
        }
    }
}

/// Views, sign-ins and refusals change nothing upstream.
fn changes_anything(action: &str, result: Result) -> bool {
    result != Result::Denied
        && action != "access"
        && !action.starts_with("support.")
        && !action.starts_with("session.")
}

const MAX_TARGET: usize = 200;
const MAX_DETAIL: usize = 1000;

/// `text` escaped (no control or format character survives) and cut to `max` characters.
fn bounded(text: &str, max: usize) -> String {
    let escaped = crate::server::text::escaped(text);
    if escaped.chars().count() <= max {
        return escaped.into_owned();
    }
    let mut cut: String = escaped.chars().take(max).collect();
    cut.push('…');
    cut
}

#[derive(Clone)]
pub struct Audit<'a> {
    db: &'a Db,
    clock: &'a dyn Clock,
    org_id: Option<String>,
    actor_id: String,
    actor_name: Option<String>,
    request_id: Option<String>,
}

impl<'a> Audit<'a> {
    pub fn new(
        db: &'a Db,
        clock: &'a dyn Clock,
        org_id: &str,
        actor_id: &str,
        actor_name: Option<&str>,
    ) -> Self {
        Self {
            db,
            clock,
            org_id: Some(org_id.to_string()),
            actor_id: actor_id.to_string(),
            actor_name: actor_name.map(String::from),
            request_id: None,
        }
    }

    /// The same voice, writing in another organization's log (an app's publisher's or installer's).
    pub fn in_org(&self, org_id: &str) -> Self {
        Self {
            org_id: Some(org_id.to_string()),
            ..self.clone()
        }
    }

    /// A tenant-wide record (support console reports), in no organization's log.
    pub fn tenant_wide(mut self) -> Self {
        self.org_id = None;
        self
    }

    pub fn with_request_id(mut self, request_id: Option<String>) -> Self {
        self.request_id = request_id;
        self
    }

    /// Appends a record. A failure to write is logged loudly but does not undo what already happened.
    /// Target, detail and actor name may hold text from outside (an id from a URL, a name): they are
    /// escaped and cut to a bounded length here, once for every caller.
    pub async fn record(&self, action: &str, target: Option<&str>, result: Result, detail: &str) {
        let target = target.map(|t| bounded(t, MAX_TARGET));
        let detail = bounded(detail, MAX_DETAIL);
        let actor_name = self.actor_name.as_deref().map(|n| bounded(n, MAX_TARGET));
        let now = self.clock.rfc3339();
        let event = crate::server::store::audit::NewEvent {
            occurred_at: &now,
            org_id: self.org_id.as_deref(),
            actor_id: &self.actor_id,
            actor_name: actor_name.as_deref(),
            action,
            target: target.as_deref(),
            result: result.as_str(),
            request_id: self.request_id.as_deref(),
            detail: (!detail.is_empty()).then_some(detail.as_str()),
        };
        let written = crate::server::store::audit::append(self.db, event).await;
        if let Err(err) = written {
            tracing::error!(error = %err, action, org_id = self.org_id.as_deref().unwrap_or("-"), "AUDIT RECORD LOST");
        }
        // Every change is recorded once it reached Auth0 (or failed part-way): the one place that
        // sees them all ends every replica's cached reads of the organization.
        if let Some(org) = &self.org_id {
            if changes_anything(action, result) {
                super::cache::changed_by(self.db, org, action).await;
            }
        }
    }
}
