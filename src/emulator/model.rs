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
    #[serde(default)]
    pub updated_at: i64,
    #[serde(default)]
    pub expires_at: Option<i64>,
    /// Listed under the client's `private_key_jwt` method: only then does it authenticate the
    /// client. A credential made through `/clients/{id}/credentials` starts unlisted.
    #[serde(default = "yes")]
    pub in_use: bool,
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
    /// `None` for a default grant (`default_for`), which has no client of its own.
    #[serde(default)]
    pub client_id: Option<String>,
    /// `third_party_clients`: the grant every third-party client without its own gets.
    #[serde(default)]
    pub default_for: Option<String>,
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
    /// Fine-grained M2M token quota (`{"client_credentials": {...}}`), enforced at `/oauth/token`.
    #[serde(default)]
    pub token_quota: Option<serde_json::Value>,
    #[serde(default)]
    pub created_at: i64,
    /// Properties Auth0 accepts that the tenant keeps without acting on.
    #[serde(default)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

/// An identity provider users sign in with (`con_` ids). `options` is the strategy's settings, kept as
/// given over the defaults Auth0 fills in.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Connection {
    pub id: String,
    pub name: String,
    pub strategy: String,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub options: serde_json::Map<String, serde_json::Value>,
    /// Client ids, kept sorted as Auth0 answers them.
    #[serde(default)]
    pub enabled_clients: Vec<String>,
    #[serde(default)]
    pub realms: Vec<String>,
    #[serde(default)]
    pub is_domain_connection: bool,
    /// Enterprise connections only.
    #[serde(default)]
    pub show_as_button: Option<bool>,
    #[serde(default)]
    pub provisioning_ticket_url: Option<String>,
    #[serde(default)]
    pub created_at: i64,
    /// `metadata`, `authentication`, `connected_accounts`, ...: kept and answered back.
    #[serde(default)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

/// A connection enabled for an organization.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OrgConnection {
    pub connection_id: String,
    pub assign_membership_on_login: bool,
    pub show_as_button: bool,
    /// Database connections only; absent until set.
    #[serde(default)]
    pub is_signup_enabled: Option<bool>,
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
    /// Auth0 keeps no name when none was given and leaves it out of the answer.
    #[serde(default)]
    pub name: Option<String>,
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

fn database() -> String {
    super::store::DATABASE.to_string()
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
            name: Some(name.to_string()),
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
    /// The database connection the user belongs to, by name.
    #[serde(default = "database")]
    pub connection: String,
    /// The one-time-password authenticator's secret (base32), once the user enrolled one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub totp_secret: Option<String>,
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
    /// What happened, as Auth0 records it: the request and answer of a Management API change
    /// (`sapi`), the sign-up's body (`ss`); secrets masked.
    #[serde(default)]
    pub details: Option<serde_json::Value>,
    /// The connection a user event happened in.
    #[serde(default)]
    pub connection: Option<LogConnection>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LogConnection {
    pub id: String,
    pub name: String,
    pub strategy: String,
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
    Connection => id, created_at;
    OrgConnection => connection_id;
    User => user_id, created_at;
    Permission => permission_name;
}
