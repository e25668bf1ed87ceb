//! Members and their roles, as the browser sees them.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleRef {
    pub id: String,
    pub name: String,
    /// The tenant's description of the role, where it has one.
    #[serde(default)]
    pub description: Option<String>,
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
    /// The caller's own user id (their row offers no "remove", and their admin role is locked).
    pub you: String,
    /// The role that makes an admin: giving or taking it asks for confirmation.
    pub admin_role: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchResults {
    pub members: Vec<MemberView>,
    /// Members in the search index, and when it last read the whole list (RFC 3339).
    pub indexed: i64,
    pub as_of: Option<String>,
    pub refreshing: bool,
}
