//! The tenant's objects, as the local tenant keeps them. Field names follow the Management API; the JSON
//! shapes Auth0 returns are built in `mgmt/`, because visibility depends on the caller's scopes.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::m2m::OrganizationUsage;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct DefaultOrganization {
    pub organization_id: String,
    pub flows: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Client {
    pub client_id: String,
    pub client_secret: String,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub app_type: Option<String>,
    #[serde(default = "yes")]
    pub is_first_party: bool,
    #[serde(default)]
    pub oidc_conformant: bool,
    #[serde(default)]
    pub callbacks: Vec<String>,
    #[serde(default)]
    pub allowed_logout_urls: Vec<String>,
    #[serde(default)]
    pub web_origins: Vec<String>,
    #[serde(default)]
    pub initiate_login_uri: Option<String>,
    #[serde(default = "default_grant_types")]
    pub grant_types: Vec<String>,
    #[serde(default)]
    pub token_endpoint_auth_method: Option<String>,
    #[serde(default)]
    pub client_metadata: BTreeMap<String, String>,
    #[serde(default)]
    pub organization_usage: Option<OrganizationUsage>,
    #[serde(default)]
    pub organization_require_behavior: Option<String>,
    #[serde(default)]
    pub default_organization: Option<DefaultOrganization>,
    #[serde(default)]
    pub created_at: i64,
    /// `private_key_jwt` public keys (`client_authentication_methods`).
    #[serde(default)]
    pub credentials: Vec<Credential>,
    /// The rest of Auth0's client schema: stored as given and answered back, not acted on.
    #[serde(default)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

/// A public key a client signs its token requests with.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Credential {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    pub credential_type: String,
    pub pem: String,
    /// The key's RFC 7638 thumbprint.
    pub kid: String,
    pub alg: String,
    pub created_at: i64,
}

fn yes() -> bool {
    true
}

/// What Auth0 gives a client created without `grant_types` (SPEC §3.1).
pub fn default_grant_types() -> Vec<String> {
    [
        "authorization_code",
        "implicit",
        "refresh_token",
        "client_credentials",
    ]
    .into_iter()
    .map(String::from)
    .collect()
}

impl Client {
    pub fn allows_grant(&self, grant_type: &str) -> bool {
        self.grant_types.iter().any(|g| g == grant_type)
    }

    /// Public clients (`none`) authenticate with PKCE only.
    pub fn is_public(&self) -> bool {
        self.token_endpoint_auth_method.as_deref() == Some("none")
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ClientGrant {
    pub id: String,
    pub client_id: String,
    pub audience: String,
    #[serde(default)]
    pub scope: Vec<String>,
    #[serde(default)]
    pub organization_usage: Option<OrganizationUsage>,
    #[serde(default)]
    pub allow_any_organization: Option<bool>,
    #[serde(default)]
    pub allow_all_scopes: Option<bool>,
    #[serde(default = "client_subject")]
    pub subject_type: String,
    #[serde(default)]
    pub authorization_details_types: Option<Vec<String>>,
    #[serde(default)]
    pub is_system: bool,
    #[serde(default)]
    pub created_at: i64,
}

fn client_subject() -> String {
    "client".into()
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Organization {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub branding: Option<serde_json::Value>,
    #[serde(default)]
    pub metadata: Option<serde_json::Map<String, serde_json::Value>>,
    #[serde(default)]
    pub created_at: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Membership {
    pub user_id: String,
    pub created_at: i64,
    #[serde(default)]
    pub roles: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Invitation {
    pub id: String,
    pub organization_id: String,
    pub client_id: String,
    pub inviter_name: String,
    pub invitee_email: String,
    pub ticket_id: String,
    pub created_at: i64,
    pub expires_at: i64,
    #[serde(default)]
    pub roles: Vec<String>,
    #[serde(default)]
    pub connection_id: Option<String>,
    #[serde(default)]
    pub app_metadata: Option<serde_json::Value>,
    #[serde(default)]
    pub user_metadata: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Permission {
    pub resource_server_identifier: String,
    pub permission_name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Role {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub permissions: Vec<Permission>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Scope {
    pub value: String,
    #[serde(default)]
    pub description: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ResourceServer {
    pub id: String,
    pub name: String,
    pub identifier: String,
    #[serde(default)]
    pub scopes: Vec<Scope>,
    #[serde(default = "default_token_lifetime")]
    pub token_lifetime: i64,
    /// RBAC on: permissions come from roles.
    #[serde(default)]
    pub enforce_policies: Option<bool>,
    /// `access_token_authz` adds `permissions` to access tokens.
    #[serde(default)]
    pub token_dialect: Option<String>,
    #[serde(default)]
    pub allow_offline_access: bool,
    #[serde(default)]
    pub is_system: bool,
    /// The rest of Auth0's API schema: stored as given and answered back, not acted on.
    #[serde(default)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

fn default_token_lifetime() -> i64 {
    86400
}

impl Scope {
    /// A scope without a description.
    pub fn named(value: &str) -> Self {
        Scope {
            value: value.to_string(),
            description: String::new(),
        }
    }
}

impl ResourceServer {
    /// An API with only these given: a day's token lifetime, no RBAC, no refresh tokens.
    pub fn new(id: String, identifier: &str, name: &str, scopes: Vec<Scope>) -> Self {
        ResourceServer {
            id,
            name: name.to_string(),
            identifier: identifier.to_string(),
            scopes,
            token_lifetime: default_token_lifetime(),
            enforce_policies: None,
            token_dialect: None,
            allow_offline_access: false,
            is_system: false,
            extra: BTreeMap::new(),
        }
    }

    pub fn adds_permissions(&self) -> bool {
        self.enforce_policies == Some(true)
            && matches!(
                self.token_dialect.as_deref(),
                Some("access_token_authz" | "rfc9068_profile_authz")
            )
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct User {
    pub user_id: String,
    pub email: String,
    #[serde(default)]
    pub email_verified: bool,
    pub name: String,
    #[serde(default)]
    pub nickname: Option<String>,
    #[serde(default)]
    pub picture: Option<String>,
    /// Salted SHA-256 of the password: a local test tenant, not a production identity store.
    pub password_hash: String,
    #[serde(default)]
    pub created_at: i64,
    #[serde(default)]
    pub updated_at: i64,
    /// Tenant roles (`/users/{id}/roles`), not an organization's.
    #[serde(default)]
    pub roles: Vec<String>,
    /// The rest of Auth0's user (metadata, given and family name, `blocked`, `username`): stored as
    /// given and answered back.
    #[serde(default)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LogEvent {
    pub log_id: String,
    pub date: i64,
    #[serde(rename = "type")]
    pub kind: String,
    pub description: String,
    pub client_id: Option<String>,
    pub client_name: Option<String>,
    pub ip: String,
    pub user_id: Option<String>,
    pub user_name: Option<String>,
    pub organization_id: Option<String>,
    pub organization_name: Option<String>,
    pub audience: Option<String>,
    pub scope: Option<String>,
}

/// Each list pages by its own id field; roles and APIs have no made-at time in Auth0's lists.
macro_rules! listed {
    ($($t:ty => $id:ident $(, $at:ident)?;)*) => {$(
        impl super::paging::Listed for $t {
            fn list_id(&self) -> &str {
                &self.$id
            }
            $(fn listed_at(&self) -> i64 {
                self.$at
            })?
        }
    )*};
}

listed! {
    Client => client_id, created_at;
    ClientGrant => id, created_at;
    Organization => id, created_at;
    Membership => user_id, created_at;
    Invitation => id, created_at;
    Role => id;
    ResourceServer => id;
}
