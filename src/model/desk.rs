//! The desk's frame: who is signed in, the vendor's APIs a bot may be granted, and the notes a
//! change leaves for the next page.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub name: String,
    pub email: String,
    pub org_id: String,
    pub org_name: Option<String>,
    /// "admin" or "support".
    pub role: String,
    /// The session's token for the sign-out form.
    pub csrf: String,
    /// Whether the person belongs to more than one organization (then "Switch organization" shows).
    #[serde(default)]
    pub several_orgs: bool,
}

/// A vendor API a bot may be granted, with the scopes an admin may choose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiOption {
    pub audience: String,
    /// The tenant's display name for the API.
    pub name: String,
    pub scopes: Vec<String>,
    /// What each scope allows, as the tenant describes it (same order as `scopes`; `None` where the
    /// tenant has no description).
    pub descriptions: Vec<Option<String>>,
}

impl ApiOption {
    pub fn describe(&self, scope: &str) -> Option<&str> {
        self.scopes
            .iter()
            .position(|s| s == scope)
            .and_then(|i| self.descriptions.get(i))
            .and_then(|d| d.as_deref())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Desk {
    pub me: Me,
    pub apis: Vec<ApiOption>,
    /// The token endpoint bots use (for the ready-to-run request).
    pub token_url: String,
    /// A fresh idempotency key for the registration form: a double submit registers one bot.
    pub form_token: String,
}

/// The notice a change form's answer leaves for the page it returns to, once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flash {
    pub ok: bool,
    pub text: String,
    /// Something to pass on (an invitation's link), shown with a copy button.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<FlashLink>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlashLink {
    pub label: String,
    pub url: String,
}
