//! "Create your organization": what the page shows a person without an organization.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Onboarding {
    /// Whether the vendor lets customers create organizations here.
    pub available: bool,
    /// The person signed up (or in) through the sign-up application, if any.
    pub newcomer: Option<Newcomer>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Newcomer {
    pub name: String,
    pub email: String,
    /// The token the page's forms carry.
    pub csrf: String,
    /// Organizations they already belong to (each opens with a sign-in to it).
    pub organizations: Vec<OrgLink>,
    /// How many organizations one person may create here, and how many they have.
    pub limit: u64,
    pub created: u64,
    /// The last refused attempt: what was typed and why, shown once.
    pub outcome: Option<Outcome>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgLink {
    pub id: String,
    pub label: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    pub display_name: String,
    pub name: String,
    /// `display_name`, `name`, or empty.
    pub field: String,
    pub message: String,
}
