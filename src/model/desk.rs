//! What the desk pages show: the signed-in admin, the vendor's APIs, bots and their access.

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
}

/// A vendor API a bot may be granted, with the scopes an admin may choose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiOption {
    pub audience: String,
    pub scopes: Vec<String>,
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Access {
    pub audience: String,
    pub scopes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bot {
    pub client_id: String,
    pub name: String,
    pub description: Option<String>,
    pub created_at: String,
    pub access: Vec<Access>,
}

/// A client secret, shown once. Never stored; the page forgets it on reload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewSecret {
    pub client_id: String,
    pub client_secret: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenCheck {
    pub org_id: Option<String>,
    pub scope: String,
    pub expires_at: i64,
}

/// The request a bot makes, ready to paste into a terminal.
pub fn token_request(
    token_url: &str,
    client_id: &str,
    secret: &str,
    audience: &str,
    org_id: &str,
) -> String {
    format!(
        "curl -s {token_url} \\\n  -d grant_type=client_credentials \\\n  -d client_id={client_id} \\\n  -d client_secret='{secret}' \\\n  --data-urlencode audience={audience} \\\n  -d organization={org_id}"
    )
}
