//! Third-party apps as the browser sees them.

use serde::{Deserialize, Serialize};

/// What an admin sees on the install page before approving (and, for a published app, what anyone
/// with the link sees before signing in).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppListing {
    pub app_id: String,
    pub name: String,
    pub description: String,
    pub publisher: String,
    pub audience: String,
    /// The tenant's name for the API.
    pub api_name: String,
    pub scopes: Vec<String>,
    /// What each scope allows (same order as `scopes`).
    pub scope_descriptions: Vec<Option<String>>,
    /// False for a visitor who is not signed in: the fields about "your organization" are empty.
    pub signed_in: bool,
    /// Offered for new installs.
    pub published: bool,
    /// The caller's organization.
    pub org_id: String,
    pub org_name: String,
    pub installed: bool,
    pub own: bool,
    /// When the caller's organization declined it (RFC 3339), if it did and has not installed it since.
    pub declined_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstallView {
    pub org_id: String,
    pub org_name: String,
    pub installed_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedApp {
    pub app_id: String,
    pub client_id: String,
    pub name: String,
    pub description: String,
    pub publisher: String,
    pub audience: String,
    pub scopes: Vec<String>,
    pub published: bool,
    pub install_url: String,
    pub installs: Vec<InstallView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstalledApp {
    pub app_id: String,
    pub name: String,
    pub publisher: String,
    pub audience: String,
    pub scopes: Vec<String>,
    pub installed_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppsDesk {
    pub published: Vec<PublishedApp>,
    pub installed: Vec<InstalledApp>,
}
