//! The support console's views.

use serde::{Deserialize, Serialize};

use super::desk::Bot;
use super::members::{AuditEntry, MemberView};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgSummary {
    pub id: String,
    pub name: String,
    pub display_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrantLine {
    pub grant_id: String,
    pub client_id: String,
    pub client_name: String,
    pub audience: String,
    pub scopes: Vec<String>,
    pub organization_usage: String,
    pub allow_any_organization: bool,
    /// The organization orgdesk registered the client for, if orgdesk made it.
    pub owner_org: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgDossier {
    pub org: OrgSummary,
    pub bots: Vec<Bot>,
    pub grants: Vec<GrantLine>,
    pub members: Vec<MemberView>,
    pub next_members: Option<String>,
    pub events: Vec<AuditEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiLine {
    pub audience: String,
    pub grants: usize,
    pub require: usize,
    pub allow: usize,
    pub deny: usize,
    pub unset: usize,
    pub open_to_any_org: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdleLine {
    pub client_id: String,
    pub name: String,
    pub org_id: String,
    pub created_at: String,
    pub last_token: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DriftLine {
    pub client_id: String,
    pub bot_name: String,
    pub org_id: String,
    pub problem: String,
}
