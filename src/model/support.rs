//! The support console's views.

use serde::{Deserialize, Serialize};

use super::bots::Bot;

/// The support console's tenant-wide reports: the one list both the page's links and the server's
/// CSV downloads come from, so no page can link to a report the server does not serve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReportKind {
    OpenGrants,
    GrantsPerApi,
    IdleBots,
    Drift,
    Apps,
    AccessRequests,
    PastPolicy,
    AccessReviews,
}

impl ReportKind {
    pub const ALL: [ReportKind; 8] = [
        ReportKind::OpenGrants,
        ReportKind::GrantsPerApi,
        ReportKind::IdleBots,
        ReportKind::Drift,
        ReportKind::Apps,
        ReportKind::AccessRequests,
        ReportKind::PastPolicy,
        ReportKind::AccessReviews,
    ];

    /// The name in URLs: `/support?report=<slug>` and `/support/reports/<slug>.csv`.
    pub fn slug(self) -> &'static str {
        match self {
            ReportKind::OpenGrants => "open-grants",
            ReportKind::GrantsPerApi => "grants-per-api",
            ReportKind::IdleBots => "idle-bots",
            ReportKind::Drift => "drift",
            ReportKind::Apps => "apps",
            ReportKind::AccessRequests => "access-requests",
            ReportKind::PastPolicy => "credential-policy",
            ReportKind::AccessReviews => "access-reviews",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            ReportKind::OpenGrants => "Grants open to any organization",
            ReportKind::GrantsPerApi => "Grants per API",
            ReportKind::IdleBots => "Bots with no recent token",
            ReportKind::Drift => "Bots changed outside orgdesk",
            ReportKind::Apps => "Published apps and installs",
            ReportKind::AccessRequests => "Access requests waiting",
            ReportKind::PastPolicy => "Bots needing attention",
            ReportKind::AccessReviews => "Access reviews",
        }
    }

    pub fn from_slug(slug: &str) -> Option<ReportKind> {
        ReportKind::ALL.into_iter().find(|k| k.slug() == slug)
    }

    /// The CSV download of this report (`days` matters to the idle-bots report only).
    pub fn csv_href(self, days: u32) -> String {
        match self {
            ReportKind::IdleBots => format!("/support/reports/{}.csv?days={days}", self.slug()),
            _ => format!("/support/reports/{}.csv", self.slug()),
        }
    }
}
use super::audit::AuditEntry;
use super::members::MemberView;

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
    /// Its M2M token quota in words, when Auth0 holds one (set by the vendor; read-only here).
    #[serde(default)]
    pub quota: Option<String>,
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

/// A bot due or past its organization's credential policy, or whose owner left.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttentionLine {
    pub client_id: String,
    pub name: String,
    pub org_id: String,
    pub health: super::bots::BotHealth,
}
