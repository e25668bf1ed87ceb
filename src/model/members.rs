//! Members, roles, invitations and the audit log, as the browser sees them.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleRef {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberView {
    pub user_id: String,
    pub name: String,
    pub email: String,
    pub roles: Vec<RoleRef>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MembersPage {
    pub members: Vec<MemberView>,
    /// The cursor of the next page, if there is one.
    pub next: Option<String>,
    /// Roles the caller may give, in the vendor's order.
    pub assignable: Vec<RoleRef>,
    /// The caller's own user id (their row offers no "remove").
    pub you: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchResults {
    pub members: Vec<MemberView>,
    /// Members in the search index, and when it last read the whole list (RFC 3339).
    pub indexed: i64,
    pub as_of: Option<String>,
    pub refreshing: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationView {
    pub id: String,
    pub email: String,
    pub roles: Vec<RoleRef>,
    pub inviter: String,
    pub created_at: String,
    pub expires_at: String,
    pub expired: bool,
    /// The link the invitee follows (also emailed by Auth0).
    pub url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invitations {
    pub list: Vec<InvitationView>,
    pub assignable: Vec<RoleRef>,
    pub default_days: u32,
    pub max_days: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub target: Option<String>,
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

/// Percent-encodes a query value (the browser bundle has no url crate).
pub fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
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
    ("bot", "Bots"),
    ("member", "Members and roles"),
    ("invitation", "Invitations"),
    ("session", "Sign-ins"),
    ("access", "Refused access"),
    ("support", "Support staff views"),
];

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
