//! Access reviews as the desk and the support console show them.

use serde::{Deserialize, Serialize};

/// A review with its tally.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewSummary {
    pub id: String,
    pub org_id: String,
    /// Who started it: an admin's email, or "the credential policy".
    pub started_by: String,
    /// RFC 3339.
    pub started_at: String,
    pub due_at: String,
    pub closed_at: Option<String>,
    pub items: u32,
    pub undecided: u32,
    pub removed: u32,
    /// `open`, `overdue` (undecided items past the deadline) or `done`.
    pub state: String,
}

impl ReviewSummary {
    /// The review's CSV download, for an organization's admins.
    pub fn csv_href(&self) -> String {
        format!("/orgs/{}/reviews/{}.csv", self.org_id, self.id)
    }
}

/// One bot or admin in a review, with its decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewItem {
    /// `bot` or `admin`.
    pub kind: String,
    pub subject_id: String,
    /// The bot's name, the admin's email.
    pub label: String,
    pub owner: String,
    /// "API: scopes" per API for a bot; the roles of an admin.
    pub access: Vec<String>,
    /// The bot's last token when the review started (RFC 3339), if one was seen.
    pub last_used: Option<String>,
    /// `keep` or `remove`; None while it waits.
    pub decision: Option<String>,
    pub decider: Option<String>,
    pub decided_at: Option<String>,
    pub note: Option<String>,
    /// The viewer's own admin role: another admin reviews it.
    pub mine: bool,
}

/// The reviews page: every review, and one of them (the one asked for, or the latest) in full.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewsPage {
    pub reviews: Vec<ReviewSummary>,
    pub shown: Option<(ReviewSummary, Vec<ReviewItem>)>,
    /// The policy starts one every this many days (0: only when an admin does).
    pub every_days: u32,
}
