//! The tenant's role names and descriptions, and its APIs' names and scope descriptions, cached
//! briefly: they change rarely and most pages show them. Only names and descriptions are cached; who
//! holds which role or scope is always read live.

use std::time::{Duration, Instant};

use tokio::sync::Mutex;

use super::auth0::resource_servers::ResourceServer;
use super::auth0::roles::Role;
use super::auth0::{ApiError, ManagementClient};
use super::identity::ApiPolicy;

const FRESH_FOR: Duration = Duration::from_secs(300);

/// A vendor API customers may grant, as people should read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiInfo {
    pub audience: String,
    /// The tenant's display name for the API, or its identifier without the scheme.
    pub name: String,
    /// The grantable scopes, in the vendor's order, with the tenant's description of each.
    pub scopes: Vec<(String, Option<String>)>,
}

#[derive(Default)]
pub struct Catalog {
    roles: Mutex<Option<(Instant, Vec<Role>)>>,
    apis: Mutex<Option<(Instant, Vec<ResourceServer>)>>,
}

/// An identifier as a label: `https://api.travel0.example/` → `api.travel0.example`.
pub fn label(audience: &str) -> String {
    audience
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string()
}

impl Catalog {
    pub async fn roles(&self, mgmt: &ManagementClient) -> Result<Vec<Role>, ApiError> {
        let mut cached = self.roles.lock().await;
        if let Some((at, roles)) = cached.as_ref() {
            if at.elapsed() < FRESH_FOR {
                super::metrics::METRICS.cache("role_names", true);
                return Ok(roles.clone());
            }
        }
        super::metrics::METRICS.cache("role_names", false);
        let roles = mgmt.roles().await?;
        *cached = Some((Instant::now(), roles.clone()));
        Ok(roles)
    }

    /// The vendor's grantable APIs with the tenant's names and descriptions. Never fails: without the
    /// tenant's answer, identifiers and scope names stand in.
    pub async fn apis(&self, mgmt: &ManagementClient, policies: &[ApiPolicy]) -> Vec<ApiInfo> {
        let servers = {
            let mut cached = self.apis.lock().await;
            match cached.as_ref().filter(|(at, _)| at.elapsed() < FRESH_FOR) {
                Some((_, servers)) => {
                    super::metrics::METRICS.cache("api_names", true);
                    servers.clone()
                }
                None => {
                    super::metrics::METRICS.cache("api_names", false);
                    match mgmt.resource_servers().await {
                        Ok(servers) => {
                            *cached = Some((Instant::now(), servers.clone()));
                            servers
                        }
                        Err(err) => {
                            tracing::warn!(error = %err, "cannot read the APIs' names; showing identifiers");
                            Vec::new()
                        }
                    }
                }
            }
        };
        policies
            .iter()
            .map(|policy| {
                let server = servers.iter().find(|s| s.identifier == policy.audience);
                ApiInfo {
                    audience: policy.audience.clone(),
                    name: server
                        .and_then(|s| s.name.clone())
                        .filter(|n| !n.trim().is_empty())
                        .unwrap_or_else(|| label(&policy.audience)),
                    scopes: policy
                        .scopes
                        .iter()
                        .map(|scope| {
                            let description = server
                                .and_then(|s| s.scopes.iter().find(|d| &d.value == scope))
                                .and_then(|d| d.description.clone())
                                .filter(|d| !d.trim().is_empty());
                            (scope.clone(), description)
                        })
                        .collect(),
                }
            })
            .collect()
    }

    /// The roles customers may assign, in the vendor's order, with their names.
    pub async fn assignable(
        &self,
        mgmt: &ManagementClient,
        allowlist: &[String],
    ) -> Result<Vec<Role>, ApiError> {
        let all = self.roles(mgmt).await?;
        Ok(allowlist
            .iter()
            .map(|id| {
                all.iter()
                    .find(|r| &r.id == id)
                    .cloned()
                    .unwrap_or_else(|| Role {
                        id: id.clone(),
                        name: id.clone(),
                        description: None,
                    })
            })
            .collect())
    }
}
