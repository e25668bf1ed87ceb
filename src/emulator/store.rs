//! Everything the local tenant knows, in memory, with optional persistence to one JSON file.

use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::ids;
use super::keys::StoredKeySet;
use super::mgmt::strategies;
use super::model::*;

/// The database connection every tenant has; users sign in with it unless told otherwise.
/// The one group `default_for` names.
pub const DEFAULT_FOR_THIRD_PARTY: &str = "third_party_clients";

pub const DATABASE: &str = "Username-Password-Authentication";

/// How many log events the tenant keeps (Auth0 keeps days; tests need recent ones).
pub const LOG_CAPACITY: usize = 20_000;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OrgGrant {
    pub organization_id: String,
    pub grant_id: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuthCode {
    pub client_id: String,
    pub redirect_uri: String,
    pub user_id: String,
    pub organization_id: Option<String>,
    pub nonce: Option<String>,
    pub scope: String,
    pub audience: Option<String>,
    pub code_challenge: Option<String>,
    pub code_challenge_method: Option<String>,
    pub auth_time: i64,
    pub session_id: String,
    pub expires_at: i64,
    /// A second factor was given for this code.
    pub mfa: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RefreshGrant {
    pub client_id: String,
    pub user_id: String,
    pub organization_id: Option<String>,
    pub scope: String,
    pub audience: Option<String>,
    pub auth_time: i64,
    pub session_id: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LoginSession {
    pub user_id: String,
    pub auth_time: i64,
    pub expires_at: i64,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct TenantState {
    pub name: String,
    /// The Management API's audience (`<issuer>api/v2/`) and the orgdesk URL the seed was laid out for;
    /// both move with the port, so a restored tenant is rebased onto the new ones.
    pub mgmt_audience: String,
    pub app_url: String,
    /// Auth0's tenant setting "Allow Organization Names in Authentication API": `org_name` in tokens,
    /// `organization=<name>` accepted.
    pub org_names_in_tokens: bool,
    /// Tenant settings' "default login route": where an invitation sends a client without its own
    /// `initiate_login_uri`.
    #[serde(default)]
    pub default_redirection_uri: Option<String>,
    /// The rest of the tenant settings, as last set.
    #[serde(default)]
    pub settings: std::collections::BTreeMap<String, serde_json::Value>,
    pub clients: IndexMap<String, Client>,
    pub grants: IndexMap<String, ClientGrant>,
    pub organizations: IndexMap<String, Organization>,
    /// Keyed by `org_id/grant_id`.
    pub org_grants: IndexMap<String, OrgGrant>,
    /// Organization id → members in the order they joined.
    pub members: HashMap<String, IndexMap<String, Membership>>,
    /// Organization id → user → roles given before the user became a member, which Auth0 accepts
    /// and shows once they join (go-auth0 recording TestOrganizationManager_Members).
    #[serde(default)]
    pub roles_ahead: HashMap<String, HashMap<String, Vec<String>>>,
    pub invitations: IndexMap<String, Invitation>,
    pub roles: IndexMap<String, Role>,
    pub resource_servers: IndexMap<String, ResourceServer>,
    pub users: IndexMap<String, User>,
    #[serde(default)]
    pub connections: IndexMap<String, Connection>,
    /// Organization id → its enabled connections, in the order they were enabled.
    #[serde(default)]
    pub org_connections: HashMap<String, IndexMap<String, OrgConnection>>,
    pub logs: VecDeque<LogEvent>,
    pub log_seq: u64,
    pub codes: HashMap<String, AuthCode>,
    pub refresh_tokens: HashMap<String, RefreshGrant>,
    pub sessions: HashMap<String, LoginSession>,
    /// `/authorize` requests waiting for the user (login, organization choice). Not persisted.
    #[serde(skip)]
    pub transactions: HashMap<String, Transaction>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct AuthorizeParams {
    pub response_type: Option<String>,
    pub client_id: Option<String>,
    pub redirect_uri: Option<String>,
    pub scope: Option<String>,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub code_challenge: Option<String>,
    pub code_challenge_method: Option<String>,
    pub organization: Option<String>,
    pub invitation: Option<String>,
    pub prompt: Option<String>,
    pub max_age: Option<String>,
    pub audience: Option<String>,
    pub login_hint: Option<String>,
    /// `signup`: Universal Login opens on its sign-up screen.
    #[serde(default)]
    pub screen_hint: Option<String>,
    /// `http://schemas.openid.net/pape/policies/2007/06/multi-factor` asks for a second factor.
    #[serde(default)]
    pub acr_values: Option<String>,
}

impl AuthorizeParams {
    pub fn signing_up(&self) -> bool {
        self.screen_hint.as_deref() == Some("signup") && self.invitation.is_none()
    }
}

#[derive(Debug, Clone)]
pub struct Transaction {
    pub params: AuthorizeParams,
    /// The organization named in the request, resolved.
    pub organization_id: Option<String>,
    /// Set once the user has signed in and must still pick an organization.
    pub user_id: Option<String>,
    pub created_at: i64,
    /// A second factor asked for (`acr_values`) and not yet given.
    pub mfa: Option<super::authn::mfa::Step>,
    /// The second factor was given in this transaction: the ID token says so (`amr`, `acr`).
    pub mfa_done: bool,
}

pub fn org_grant_key(org_id: &str, grant_id: &str) -> String {
    format!("{org_id}/{grant_id}")
}

pub fn hash_password(user_id: &str, password: &str) -> String {
    let digest = Sha256::digest(format!("{user_id}:{password}").as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

impl TenantState {
    /// Moves URLs that depend on where the tenant and orgdesk listen (a restart may change the port).
    pub fn rebase(&mut self, mgmt_audience: &str, app_url: &str) {
        let (old_mgmt, old_app) = (self.mgmt_audience.clone(), self.app_url.clone());
        let swap = |value: &mut String| {
            if !old_app.is_empty() && value.starts_with(&old_app) {
                *value = format!("{app_url}{}", &value[old_app.len()..]);
            }
        };
        for client in self.clients.values_mut() {
            client.callbacks.iter_mut().for_each(swap);
            client.allowed_logout_urls.iter_mut().for_each(swap);
            if let Some(uri) = client.initiate_login_uri.as_mut() {
                swap(uri);
            }
        }
        for grant in self.grants.values_mut().filter(|g| g.audience == old_mgmt) {
            grant.audience = mgmt_audience.to_string();
        }
        for rs in self
            .resource_servers
            .values_mut()
            .filter(|r| r.identifier == old_mgmt)
        {
            rs.identifier = mgmt_audience.to_string();
        }
        self.mgmt_audience = mgmt_audience.to_string();
        self.app_url = app_url.to_string();
    }

    pub fn organization_by_id_or_name(&self, value: &str) -> Option<&Organization> {
        if value.starts_with("org_") {
            self.organizations.get(value)
        } else {
            self.organizations.values().find(|o| o.name == value)
        }
    }

    pub fn resource_server_by_audience(&self, audience: &str) -> Option<&ResourceServer> {
        self.resource_servers
            .values()
            .find(|r| r.identifier == audience)
    }

    /// The client's own grant for the API, or for a third-party client without one, the tenant's
    /// default grant for third-party clients.
    pub fn grant_for(&self, client_id: &str, audience: &str) -> Option<&ClientGrant> {
        let for_api = |g: &&ClientGrant| g.audience == audience && g.subject_type == "client";
        let third_party = self
            .clients
            .get(client_id)
            .is_some_and(|c| !c.is_first_party);
        self.grants
            .values()
            .filter(for_api)
            .find(|g| g.client_id.as_deref() == Some(client_id))
            .or_else(|| {
                self.grants.values().filter(for_api).find(|g| {
                    third_party && g.default_for.as_deref() == Some(DEFAULT_FOR_THIRD_PARTY)
                })
            })
    }

    pub fn is_associated(&self, org_id: &str, grant_id: &str) -> bool {
        self.org_grants
            .contains_key(&org_grant_key(org_id, grant_id))
    }

    pub fn user_by_email(&self, email: &str) -> Option<&User> {
        let email = email.trim().to_ascii_lowercase();
        self.users
            .values()
            .find(|u| u.email.eq_ignore_ascii_case(&email))
    }

    pub fn membership(&self, org_id: &str, user_id: &str) -> Option<&Membership> {
        self.members.get(org_id).and_then(|m| m.get(user_id))
    }

    /// Organizations the user belongs to, in the order of the tenant's organizations.
    pub fn organizations_of(&self, user_id: &str) -> Vec<&Organization> {
        self.organizations
            .values()
            .filter(|o| self.membership(&o.id, user_id).is_some())
            .collect()
    }

    /// The RBAC permissions a user holds on an API through their roles in an organization.
    pub fn permissions(&self, user_id: &str, org_id: Option<&str>, audience: &str) -> Vec<String> {
        let Some(membership) = org_id.and_then(|org| self.membership(org, user_id)) else {
            return Vec::new();
        };
        let mut out: Vec<String> = membership
            .roles
            .iter()
            .filter_map(|r| self.roles.get(r))
            .flat_map(|r| r.permissions.iter())
            .filter(|p| p.resource_server_identifier == audience)
            .map(|p| p.permission_name.clone())
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// An organization's id and name as a log entry names it (nothing for one that does not exist).
    pub fn named_org(&self, id: Option<&str>) -> (Option<String>, Option<String>) {
        id.and_then(|id| self.organizations.get(id))
            .map(|o| (Some(o.id.clone()), Some(o.name.clone())))
            .unwrap_or_default()
    }

    /// A connection as a log entry names it.
    pub fn log_connection(&self, name: &str) -> Option<LogConnection> {
        self.connections
            .values()
            .find(|c| c.name == name)
            .map(|c| LogConnection {
                id: c.id.clone(),
                name: c.name.clone(),
                strategy: c.strategy.clone(),
            })
    }

    pub fn push_log(&mut self, mut event: LogEvent) {
        self.log_seq += 1;
        event.log_id = super::ids::log(event.date, self.log_seq);
        if self.logs.len() >= LOG_CAPACITY {
            self.logs.pop_front();
        }
        self.logs.push_back(event);
    }

    /// Removes an organization and everything that hangs off it (members, invitations, associations);
    /// users stay, as on Auth0.
    /// The database connection every Auth0 tenant starts with, made where a seed or an older saved
    /// tenant lacks it: enabled for every client and organization, as the tenant behaved before
    /// connections were objects.
    pub fn ensure_database_connection(&mut self, now_ms: i64) {
        self.ensure_database_connection_as(now_ms, ids::connection());
    }

    /// As [`Self::ensure_database_connection`], under the given id.
    pub fn ensure_database_connection_as(&mut self, now_ms: i64, id: String) {
        if self.connections.values().any(|c| c.name == DATABASE) {
            return;
        }
        let defaults = strategies::defaults("auth0", DATABASE, "");
        let connection = Connection {
            id,
            name: DATABASE.to_string(),
            strategy: "auth0".to_string(),
            display_name: None,
            options: defaults.created,
            enabled_clients: {
                let mut all: Vec<String> = self.clients.keys().cloned().collect();
                all.sort();
                all
            },
            realms: vec![DATABASE.to_string()],
            is_domain_connection: false,
            show_as_button: None,
            provisioning_ticket_url: None,
            created_at: now_ms,
            extra: Default::default(),
        };
        for org_id in self.organizations.keys() {
            self.org_connections
                .entry(org_id.clone())
                .or_default()
                .insert(
                    connection.id.clone(),
                    OrgConnection {
                        connection_id: connection.id.clone(),
                        assign_membership_on_login: false,
                        show_as_button: true,
                        is_signup_enabled: None,
                    },
                );
        }
        self.connections.insert(connection.id.clone(), connection);
    }

    pub fn remove_organization(&mut self, org_id: &str) -> bool {
        if self.organizations.shift_remove(org_id).is_none() {
            return false;
        }
        self.members.remove(org_id);
        self.roles_ahead.remove(org_id);
        self.invitations.retain(|_, i| i.organization_id != org_id);
        self.org_grants.retain(|_, a| a.organization_id != org_id);
        self.org_connections.remove(org_id);
        true
    }
}

/// What is written to the data path.
#[derive(Serialize, Deserialize)]
pub struct Snapshot {
    pub tenant: TenantState,
    pub keys: StoredKeySet,
}

#[derive(Debug, thiserror::Error)]
pub enum PersistError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot parse {path}: {source}")]
    Parse {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

pub fn load(path: &Path) -> Result<Option<Snapshot>, PersistError> {
    match std::fs::read(path) {
        Ok(bytes) => {
            serde_json::from_slice(&bytes)
                .map(Some)
                .map_err(|source| PersistError::Parse {
                    path: path.to_path_buf(),
                    source,
                })
        }
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(PersistError::Read {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// Writes atomically: a temp file beside the target, then a rename.
pub fn save(path: &Path, bytes: &[u8]) -> Result<(), PersistError> {
    let write_err = |source| PersistError::Write {
        path: path.to_path_buf(),
        source,
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(write_err)?;
    }
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes).map_err(write_err)?;
    std::fs::rename(&tmp, path).map_err(write_err)
}
