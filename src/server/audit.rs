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

/// Declares `Action` from one list, so its `ALL` and its stored names cannot miss a variant.
macro_rules! actions {
    ($($(#[$doc:meta])* $variant:ident = $name:literal,)*) => {
        /// Every action the audit log records, by its stored name (the browser's words for each are
        /// `model::audit::ACTION_LABELS`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Action {
            $($(#[$doc])* $variant,)*
        }

        impl Action {
            pub const ALL: &'static [Action] = &[$(Action::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(Action::$variant => $name,)*
                }
            }
        }
    };
}

actions! {
    BotRegister = "bot.register",
    BotRename = "bot.rename",
    BotRotateSecret = "bot.rotate_secret",
    BotDelete = "bot.delete",
    BotGrantAccess = "bot.grant_access",
    BotChangeScopes = "bot.change_scopes",
    BotRevokeAccess = "bot.revoke_access",
    BotTestToken = "bot.test_token",
    /// Someone asked for a bot that is not their organization's.
    BotAccess = "bot.access",
    AppPublish = "app.publish",
    AppUnpublish = "app.unpublish",
    AppInstall = "app.install",
    /// In the publisher's log: another organization installed its app.
    AppInstalled = "app.installed",
    AppDecline = "app.decline",
    AppDeclined = "app.declined",
    AppUninstall = "app.uninstall",
    AppUninstalled = "app.uninstalled",
    /// In an installer's log: the publisher deleted the app's bot.
    AppRemoved = "app.removed",
    /// In an installer's log: the app now asks for fewer scopes.
    AppNarrowed = "app.narrowed",
    /// A public key added to a bot and put into use (`private_key_jwt`).
    BotKeyAdd = "bot.key.add",
    BotKeyRemove = "bot.key.remove",
    /// API access with a sensitive scope asked for: it waits for another admin.
    ApprovalRequest = "approval.request",
    /// A request approved (and the access granted) or rejected, by another admin.
    ApprovalDecide = "approval.decide",
    /// A sensitive scope granted by an organization's only admin (the vendor allows it).
    ApprovalAlone = "approval.alone",
    /// A bot given a new owner.
    BotOwner = "bot.owner",
    /// The organization's credential policy changed.
    OrganizationPolicy = "organization.policy",
    /// The vendor's configuration set the organization's token quota.
    OrganizationQuota = "organization.quota",
    /// An access review started (by an admin, or by the policy).
    ReviewStart = "review.start",
    /// An item of an access review kept or removed.
    ReviewDecide = "review.decide",
    /// A role change refused before it was tried.
    MemberRole = "member.role",
    MemberRoleAssign = "member.role.assign",
    MemberRoleRemove = "member.role.remove",
    MemberRemove = "member.remove",
    /// An admin left the organization.
    MemberLeave = "member.leave",
    /// A person created their own organization (the first entry of its log).
    OrganizationCreate = "organization.create",
    /// Its display name or branding changed.
    OrganizationUpdate = "organization.update",
    /// Deleted by an admin, its bots and installed apps first (the log is kept for support).
    OrganizationDelete = "organization.delete",
    InvitationCreate = "invitation.create",
    InvitationRevoke = "invitation.revoke",
    InvitationResend = "invitation.resend",
    SessionSignIn = "session.sign_in",
    SessionSignOut = "session.sign_out",
    SessionJoin = "session.join",
    /// Signed in again to confirm a sensitive change (step-up).
    SessionStepUp = "session.step_up",
    /// A webhook endpoint registered, deleted, resumed, or paused by orgdesk after failing.
    WebhookCreate = "webhook.create",
    WebhookDelete = "webhook.delete",
    WebhookResume = "webhook.resume",
    WebhookPause = "webhook.pause",
    /// A request refused by policy (another organization, not an admin).
    Access = "access",
    SupportView = "support.view",
}

impl Action {
    /// The cached reads this action makes wrong when it happened. No catch-all arm: a new action
    /// says what it ends.
    pub fn stale(self) -> Stale {
        match self {
            Action::BotRegister
            | Action::BotKeyAdd
            | Action::BotKeyRemove
            | Action::BotOwner
            | Action::OrganizationPolicy
            | Action::ReviewStart
            | Action::OrganizationQuota
            | Action::ReviewDecide
            | Action::ApprovalRequest
            | Action::ApprovalDecide
            | Action::ApprovalAlone
            | Action::BotRename
            | Action::BotRotateSecret
            | Action::BotDelete
            | Action::BotGrantAccess
            | Action::BotChangeScopes
            | Action::BotRevokeAccess
            | Action::AppPublish
            | Action::AppUnpublish
            | Action::AppInstall
            | Action::AppInstalled
            | Action::AppDecline
            | Action::AppDeclined
            | Action::AppUninstall
            | Action::AppUninstalled
            | Action::AppRemoved
            | Action::AppNarrowed
            | Action::OrganizationCreate
            | Action::OrganizationUpdate
            | Action::OrganizationDelete => Stale::Organization,
            Action::MemberRole
            | Action::MemberRoleAssign
            | Action::MemberRoleRemove
            | Action::MemberRemove
            | Action::MemberLeave => Stale::Members,
            Action::InvitationCreate | Action::InvitationRevoke | Action::InvitationResend => {
                Stale::Invitations
            }
            // Reads, sign-ins and refusals change nothing upstream; a member who joins through an
            // invitation is ended by the sign-in itself (`Stale::Joined`), admin or not.
            Action::BotTestToken
            | Action::BotAccess
            | Action::SessionSignIn
            | Action::SessionSignOut
            | Action::SessionJoin
            | Action::SessionStepUp
            | Action::Access
            | Action::WebhookCreate
            | Action::WebhookDelete
            | Action::WebhookResume
            | Action::WebhookPause
            | Action::SupportView => Stale::Nothing,
        }
    }
}

use super::cache::Stale;

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
    pub async fn record(&self, action: Action, target: Option<&str>, result: Result, detail: &str) {
        let target = target.map(|t| bounded(t, MAX_TARGET));
        let detail = bounded(detail, MAX_DETAIL);
        let actor_name = self.actor_name.as_deref().map(|n| bounded(n, MAX_TARGET));
        let now = self.clock.rfc3339();
        let event = crate::server::store::audit::NewEvent {
            occurred_at: &now,
            org_id: self.org_id.as_deref(),
            actor_id: &self.actor_id,
            actor_name: actor_name.as_deref(),
            action: action.as_str(),
            target: target.as_deref(),
            result: result.as_str(),
            request_id: self.request_id.as_deref(),
            detail: (!detail.is_empty()).then_some(detail.as_str()),
        };
        let written = crate::server::store::audit::append(self.db, event).await;
        if let Err(err) = written {
            tracing::error!(error = %err, action = action.as_str(), org_id = self.org_id.as_deref().unwrap_or("-"), "AUDIT RECORD LOST");
        }
        // Every change is recorded once it reached Auth0 (or failed part-way): the one place that
        // sees them all ends every replica's cached reads it made wrong.
        if let Some(org) = &self.org_id {
            if result != Result::Denied {
                super::cache::invalidate(self.db, org, action.stale()).await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::audit::{action_label, AUDIT_ACTIONS};

    /// Every action has words in the browser, and a family the audit log's filter offers.
    #[test]
    fn every_action_has_a_label_and_a_filter() {
        for action in Action::ALL {
            let name = action.as_str();
            assert_ne!(action_label(name), name, "no words for {name}");
            let family = name.split('.').next().unwrap_or(name);
            assert!(
                AUDIT_ACTIONS.iter().any(|(f, _)| *f == family),
                "no filter for {name}"
            );
        }
        let mut names: Vec<&str> = Action::ALL.iter().map(|a| a.as_str()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Action::ALL.len(), "two actions share a name");
    }
}
