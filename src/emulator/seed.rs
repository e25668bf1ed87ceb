//! The demo tenant: a seed file (Travel0 by default) laid out into a fresh `TenantState`.

use serde::Deserialize;

use super::ids;
use super::model::*;
use super::store::{hash_password, org_grant_key, TenantState, DATABASE};
use crate::model::m2m::OrganizationUsage;

pub const TRAVEL0: &str = include_str!("seed/travel0.json");

/// The empty tenant's Management API application (`orgdesk tenant --empty`).
pub const BOOTSTRAP_CLIENT_ID: &str = "localBootstrapClient000000000001";

/// The empty tenant's bootstrap application: its id and secret, while it exists.
pub fn bootstrap_credential(t: &TenantState) -> Option<(String, String)> {
    t.clients
        .get(BOOTSTRAP_CLIENT_ID)
        .map(|c| (c.client_id.clone(), c.client_secret.clone()))
}

/// The Management API scopes the local tenant understands (SPEC §5).
pub const MANAGEMENT_SCOPES: &[&str] = &[
    "read:organizations",
    "create:organizations",
    "update:organizations",
    "delete:organizations",
    "read:organization_members",
    "create:organization_members",
    "delete:organization_members",
    "read:organization_member_roles",
    "create:organization_member_roles",
    "delete:organization_member_roles",
    "read:organization_invitations",
    "create:organization_invitations",
    "delete:organization_invitations",
    "read:organization_client_grants",
    "create:organization_client_grants",
    "delete:organization_client_grants",
    "read:clients",
    "create:clients",
    "update:clients",
    "delete:clients",
    "read:client_keys",
    "update:client_keys",
    "read:client_credentials",
    "create:client_credentials",
    "update:client_credentials",
    "delete:client_credentials",
    "read:client_grants",
    "create:client_grants",
    "update:client_grants",
    "delete:client_grants",
    "read:roles",
    "create:roles",
    "update:roles",
    "delete:roles",
    "read:resource_servers",
    "create:resource_servers",
    "update:resource_servers",
    "delete:resource_servers",
    "read:users",
    "create:users",
    "update:users",
    "delete:users",
    "read:role_members",
    "create:role_members",
    "delete:role_members",
    "read:logs",
    "read:tenant_settings",
    "update:tenant_settings",
    "read:connections",
    "create:connections",
    "update:connections",
    "delete:connections",
    "read:organization_connections",
    "create:organization_connections",
    "update:organization_connections",
    "delete:organization_connections",
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Seed {
    pub tenant: String,
    #[serde(default)]
    pub org_names_in_tokens: bool,
    #[serde(default)]
    pub resource_servers: Vec<SeedResourceServer>,
    #[serde(default)]
    pub roles: Vec<SeedRole>,
    #[serde(default)]
    pub users: Vec<SeedUser>,
    pub demo_password: String,
    #[serde(default)]
    pub organizations: Vec<SeedOrganization>,
    #[serde(default)]
    pub clients: Vec<Client>,
    #[serde(default)]
    pub client_grants: Vec<SeedGrant>,
    /// The id of the tenant's database connection (random when absent, as on Auth0); a demo names
    /// it so a configuration can enable it for organizations customers create.
    #[serde(default)]
    pub database_connection_id: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedResourceServer {
    pub name: String,
    pub identifier: String,
    #[serde(default)]
    pub scopes: Vec<Scope>,
    #[serde(default)]
    pub enforce_policies: Option<bool>,
    #[serde(default)]
    pub token_dialect: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedRole {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    /// Permission names on the seed's first API.
    #[serde(default)]
    pub permissions: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedUser {
    pub email: String,
    pub name: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedOrganization {
    pub id: String,
    pub name: String,
    pub display_name: Option<String>,
    #[serde(default)]
    pub members: Vec<SeedMember>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedMember {
    pub email: String,
    #[serde(default)]
    pub roles: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedGrant {
    pub client_id: String,
    pub audience: String,
    #[serde(default)]
    pub scope: Vec<String>,
    #[serde(default)]
    pub organization_usage: Option<OrganizationUsage>,
    #[serde(default)]
    pub allow_any_organization: Option<bool>,
    /// Organizations (by name) the grant is associated with.
    #[serde(default)]
    pub organizations: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("seed file is invalid: {0}")]
    Parse(#[from] serde_json::Error),
    #[error("seed refers to an unknown {kind} `{name}`")]
    Unknown { kind: &'static str, name: String },
}

impl Seed {
    pub fn parse(text: &str) -> Result<Self, SeedError> {
        Ok(serde_json::from_str(text)?)
    }

    pub fn travel0() -> Result<Self, SeedError> {
        Self::parse(TRAVEL0)
    }

    /// A tenant as Auth0 hands it out, plus the one thing a vendor makes by hand before running
    /// `orgdesk setup`: a Machine-to-Machine application authorized for the whole Management API
    /// (its secret random, read back with [`bootstrap_credential`]).
    pub fn empty() -> Result<Self, SeedError> {
        let bootstrap: Client = serde_json::from_value(serde_json::json!({
            "client_id": BOOTSTRAP_CLIENT_ID,
            "client_secret": ids::client_secret(),
            "name": "Bootstrap (Management API)",
            "description": "Bootstrap credential for `orgdesk setup`",
            "app_type": "non_interactive",
            "grant_types": ["client_credentials"],
            "token_endpoint_auth_method": "client_secret_post",
        }))?;
        Ok(Self {
            tenant: "local".into(),
            org_names_in_tokens: false,
            resource_servers: Vec::new(),
            roles: Vec::new(),
            users: Vec::new(),
            demo_password: String::new(),
            organizations: Vec::new(),
            clients: vec![bootstrap],
            client_grants: vec![SeedGrant {
                client_id: BOOTSTRAP_CLIENT_ID.into(),
                audience: "{mgmt}".into(),
                scope: MANAGEMENT_SCOPES.iter().map(|s| s.to_string()).collect(),
                organization_usage: None,
                allow_any_organization: None,
                organizations: Vec::new(),
            }],
            database_connection_id: None,
        })
    }

    /// Lays the seed out. `{app}` in client URLs becomes `app_url`; `{mgmt}` the Management API audience.
    pub fn build(
        &self,
        mgmt_audience: &str,
        app_url: &str,
        now_ms: i64,
    ) -> Result<TenantState, SeedError> {
        let subst = |s: &str| s.replace("{app}", app_url).replace("{mgmt}", mgmt_audience);
        let mut t = TenantState {
            name: self.tenant.clone(),
            org_names_in_tokens: self.org_names_in_tokens,
            mgmt_audience: mgmt_audience.to_string(),
            app_url: app_url.to_string(),
            ..TenantState::default()
        };
        self.lay_apis(&mut t, mgmt_audience);
        self.lay_roles(&mut t);
        self.lay_users(&mut t, now_ms);
        self.lay_organizations(&mut t, now_ms)?;
        self.lay_clients(&mut t, &subst, now_ms);
        self.lay_grants(&mut t, &subst, now_ms)?;
        let connection_id = self
            .database_connection_id
            .clone()
            .unwrap_or_else(ids::connection);
        t.ensure_database_connection_as(now_ms, connection_id);
        Ok(t)
    }

    /// The Management API (a system API) and the seed's APIs.
    fn lay_apis(&self, t: &mut TenantState, mgmt_audience: &str) {
        let scopes = MANAGEMENT_SCOPES.iter().map(|s| Scope::named(s)).collect();
        let mgmt = ResourceServer {
            is_system: true,
            ..ResourceServer::new(
                ids::resource_server(),
                mgmt_audience,
                "Auth0 Management API",
                scopes,
            )
        };
        t.resource_servers.insert(mgmt.id.clone(), mgmt);
        for rs in &self.resource_servers {
            let id = ids::resource_server();
            t.resource_servers.insert(
                id.clone(),
                ResourceServer {
                    enforce_policies: rs.enforce_policies,
                    token_dialect: rs.token_dialect.clone(),
                    ..ResourceServer::new(id, &rs.identifier, &rs.name, rs.scopes.clone())
                },
            );
        }
    }

    /// Roles, their permissions on the first API.
    fn lay_roles(&self, t: &mut TenantState) {
        let first_api = self
            .resource_servers
            .first()
            .map(|r| r.identifier.clone())
            .unwrap_or_default();
        for role in &self.roles {
            t.roles.insert(
                role.id.clone(),
                Role {
                    id: role.id.clone(),
                    name: role.name.clone(),
                    description: role.description.clone(),
                    permissions: role
                        .permissions
                        .iter()
                        .map(|p| Permission {
                            resource_server_identifier: first_api.clone(),
                            permission_name: p.clone(),
                        })
                        .collect(),
                },
            );
        }
    }

    /// Users, with the demo password.
    fn lay_users(&self, t: &mut TenantState, now_ms: i64) {
        for user in &self.users {
            let user_id = ids::user();
            let nickname = user.email.split('@').next().map(String::from);
            t.users.insert(
                user_id.clone(),
                User {
                    password_hash: hash_password(&user_id, &self.demo_password),
                    user_id,
                    email: user.email.to_ascii_lowercase(),
                    email_verified: true,
                    name: user.name.clone(),
                    nickname,
                    picture: None,
                    created_at: now_ms,
                    updated_at: now_ms,
                    roles: Vec::new(),
                    connection: DATABASE.to_string(),
                    totp_secret: None,
                    extra: Default::default(),
                },
            );
        }
    }

    /// Organizations and their members (users and roles named in the seed must exist).
    fn lay_organizations(&self, t: &mut TenantState, now_ms: i64) -> Result<(), SeedError> {
        for (i, org) in self.organizations.iter().enumerate() {
            let created_at = now_ms + i as i64;
            t.organizations.insert(
                org.id.clone(),
                Organization {
                    id: org.id.clone(),
                    name: org.name.clone(),
                    display_name: org.display_name.clone(),
                    branding: None,
                    metadata: None,
                    token_quota: None,
                    created_at,
                    extra: Default::default(),
                },
            );
            let members = t.members.entry(org.id.clone()).or_default();
            for m in &org.members {
                let user = t
                    .users
                    .values()
                    .find(|u| u.email == m.email)
                    .ok_or_else(|| unknown("user", &m.email))?;
                let roles = m
                    .roles
                    .iter()
                    .map(|name| {
                        t.roles
                            .values()
                            .find(|r| &r.name == name)
                            .map(|r| r.id.clone())
                            .ok_or_else(|| unknown("role", name))
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                members.insert(
                    user.user_id.clone(),
                    Membership {
                        user_id: user.user_id.clone(),
                        created_at,
                        roles,
                    },
                );
            }
        }
        Ok(())
    }

    /// Clients, their URLs moved to where orgdesk runs.
    fn lay_clients(&self, t: &mut TenantState, subst: &dyn Fn(&str) -> String, now_ms: i64) {
        for (i, client) in self.clients.iter().enumerate() {
            let mut client = client.clone();
            client.callbacks = client.callbacks.iter().map(|s| subst(s)).collect();
            client.allowed_logout_urls = client
                .allowed_logout_urls
                .iter()
                .map(|s| subst(s))
                .collect();
            client.initiate_login_uri = client.initiate_login_uri.as_deref().map(subst);
            client.created_at = now_ms + i as i64;
            t.clients.insert(client.client_id.clone(), client);
        }
    }

    /// Client grants and their organizations (clients and organizations named must exist).
    fn lay_grants(
        &self,
        t: &mut TenantState,
        subst: &dyn Fn(&str) -> String,
        now_ms: i64,
    ) -> Result<(), SeedError> {
        for (i, grant) in self.client_grants.iter().enumerate() {
            if !t.clients.contains_key(&grant.client_id) {
                return Err(unknown("client", &grant.client_id));
            }
            let id = ids::client_grant();
            for org_name in &grant.organizations {
                let org_id = t
                    .organizations
                    .values()
                    .find(|o| &o.name == org_name)
                    .map(|o| o.id.clone())
                    .ok_or_else(|| unknown("organization", org_name))?;
                t.org_grants.insert(
                    org_grant_key(&org_id, &id),
                    super::store::OrgGrant {
                        organization_id: org_id,
                        grant_id: id.clone(),
                        created_at: now_ms,
                    },
                );
            }
            t.grants.insert(
                id.clone(),
                ClientGrant {
                    id,
                    client_id: Some(grant.client_id.clone()),
                    default_for: None,
                    audience: subst(&grant.audience),
                    scope: grant.scope.clone(),
                    organization_usage: grant.organization_usage,
                    allow_any_organization: grant.allow_any_organization,
                    allow_all_scopes: None,
                    subject_type: "client".into(),
                    authorization_details_types: None,
                    is_system: false,
                    created_at: now_ms + i as i64,
                },
            );
        }
        Ok(())
    }
}

fn unknown(kind: &'static str, name: &str) -> SeedError {
    SeedError::Unknown {
        kind,
        name: name.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn travel0_seed_lays_out_a_consistent_tenant() {
        let t = Seed::travel0()
            .unwrap()
            .build(
                "http://127.0.0.1:9/api/v2/",
                "http://127.0.0.1:3000",
                1_700_000_000_000,
            )
            .unwrap();
        assert_eq!(t.organizations.len(), 4);
        let carol = t.user_by_email("carol@consult.example").unwrap();
        assert_eq!(t.organizations_of(&carol.user_id).len(), 2);
        let login = t.clients.get("orgdeskLoginClientDemo0000000001").unwrap();
        assert_eq!(login.callbacks, ["http://127.0.0.1:3000/auth/callback"]);
        let mgmt_grant = t
            .grant_for(
                "orgdeskManagementClientDemo00001",
                "http://127.0.0.1:9/api/v2/",
            )
            .unwrap();
        assert!(mgmt_grant
            .scope
            .iter()
            .any(|s| s == "create:organization_client_grants"));
        assert!(
            t.resource_server_by_audience("http://127.0.0.1:9/api/v2/")
                .unwrap()
                .is_system
        );
        let heidi = t.user_by_email("heidi@globex.example").unwrap();
        let perms = t.permissions(
            &heidi.user_id,
            Some("org_globexTours00001"),
            "https://api.travel0.example/",
        );
        assert!(
            perms.contains(&"read:invoices".to_string())
                && perms.contains(&"write:bookings".to_string())
        );
    }

    #[test]
    fn rebase_moves_port_dependent_urls() {
        let mut t = Seed::travel0()
            .unwrap()
            .build("http://127.0.0.1:9/api/v2/", "http://127.0.0.1:3000", 0)
            .unwrap();
        t.rebase("http://127.0.0.1:10/api/v2/", "https://desk.example.com");
        let login = t.clients.get("orgdeskLoginClientDemo0000000001").unwrap();
        assert_eq!(login.callbacks, ["https://desk.example.com/auth/callback"]);
        assert!(t
            .grant_for(
                "orgdeskManagementClientDemo00001",
                "http://127.0.0.1:10/api/v2/"
            )
            .is_some());
    }
}
