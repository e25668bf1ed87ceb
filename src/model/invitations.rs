//! Invitations, as the browser sees them.

use serde::{Deserialize, Serialize};

use super::members::RoleRef;

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
