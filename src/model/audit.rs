//! The audit log as the browser sees it: entries, filters, and every action in words.

use serde::{Deserialize, Serialize};

use super::wire::encode;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub target: Option<String>,
    /// Who or what the target is, by name (a bot's, an app's, a member's), where orgdesk knows it.
    #[serde(default)]
    pub target_name: Option<String>,
    pub result: String,
    pub detail: Option<String>,
    pub request_id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditQuery {
    pub action: String,
    pub actor: String,
    pub since: String,
    pub until: String,
}

impl AuditQuery {
    /// The query string for the page and its CSV export.
    pub fn to_query(&self) -> String {
        [
            ("action", &self.action),
            ("actor", &self.actor),
            ("since", &self.since),
            ("until", &self.until),
        ]
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect::<Vec<_>>()
        .join("&")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    /// Pass as `before` for the next (older) page.
    pub next_before: Option<i64>,
}

/// The audit actions an admin can filter by (families match every action below them).
pub const AUDIT_ACTIONS: &[(&str, &str)] = &[
    ("", "All actions"),
    ("organization", "The organization"),
    ("bot", "Bots"),
    ("approval", "Access approvals"),
    ("review", "Access reviews"),
    ("app", "Apps"),
    ("member", "Members and roles"),
    ("invitation", "Invitations"),
    ("webhook", "Webhooks"),
    ("session", "Sign-ins"),
    ("access", "Refused access"),
    ("support", "Support staff views"),
];

/// Every action orgdesk records, in words (`server::audit`'s test keeps it complete), and names
/// recorded by earlier versions.
pub const ACTION_LABELS: &[(&str, &str)] = &[
    ("organization.create", "Created the organization"),
    ("organization.update", "Changed the organization's settings"),
    ("organization.delete", "Deleted the organization"),
    ("bot.register", "Registered a bot"),
    ("bot.rename", "Renamed a bot"),
    ("bot.rotate_secret", "Rotated a bot's secret"),
    ("bot.delete", "Deleted a bot"),
    ("bot.grant", "Gave a bot API access"),
    ("bot.grant_access", "Gave a bot API access"),
    ("bot.change_scopes", "Changed a bot's scopes"),
    ("bot.revoke", "Revoked a bot's API access"),
    ("bot.revoke_access", "Revoked a bot's API access"),
    ("bot.test_token", "Tested a bot's token"),
    (
        "bot.access",
        "Asked for a bot that is not this organization's",
    ),
    ("app.publish", "Published an app"),
    ("app.unpublish", "Stopped offering an app"),
    ("app.install", "Installed an app"),
    ("app.installed", "Another organization installed your app"),
    ("app.decline", "Declined an app"),
    ("app.declined", "Another organization declined your app"),
    ("app.uninstall", "Uninstalled an app"),
    (
        "app.uninstalled",
        "Another organization uninstalled your app",
    ),
    (
        "app.removed",
        "An installed app was deleted by its publisher",
    ),
    ("app.narrowed", "An installed app now asks for less"),
    ("bot.key.add", "Added a key to a bot"),
    ("bot.key.remove", "Removed a bot's key"),
    ("approval.request", "Asked for access that needs approval"),
    ("approval.decide", "Decided an access request"),
    (
        "approval.alone",
        "Granted sensitive access as the only admin",
    ),
    ("bot.owner", "Gave a bot a new owner"),
    ("organization.policy", "Changed the credential policy"),
    ("organization.quota", "The vendor set the token quota"),
    ("review.start", "Started an access review"),
    ("review.decide", "Kept or removed access in a review"),
    ("member.role", "Changed a member's role"),
    ("member.role.assign", "Gave a member a role"),
    ("member.role.remove", "Took a role away from a member"),
    ("member.remove", "Removed a member"),
    ("member.leave", "Left the organization"),
    ("invitation.create", "Invited someone"),
    ("invitation.revoke", "Revoked an invitation"),
    ("invitation.resend", "Resent an invitation"),
    ("webhook.create", "Registered a webhook endpoint"),
    ("webhook.delete", "Deleted a webhook endpoint"),
    ("webhook.resume", "Resumed a paused webhook endpoint"),
    ("webhook.pause", "Paused a failing webhook endpoint"),
    ("session.sign_in", "Signed in"),
    ("session.sign_out", "Signed out"),
    ("session.join", "Accepted an invitation"),
    ("session.step_up", "Confirmed it was them"),
    ("access", "Was refused access"),
    ("support.view", "Vendor support looked"),
];

/// An action in words; one orgdesk does not know yet shows as recorded.
pub fn action_label(action: &str) -> &str {
    ACTION_LABELS
        .iter()
        .find(|(code, _)| *code == action)
        .map(|(_, label)| *label)
        .unwrap_or(action)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_encoded() {
        let q = AuditQuery {
            action: "member".into(),
            actor: "a b&c".into(),
            ..Default::default()
        };
        assert_eq!(q.to_query(), "action=member&actor=a%20b%26c");
    }
}
