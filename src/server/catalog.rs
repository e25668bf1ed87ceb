//! The tenant's role names, cached briefly: they change rarely and every members page shows them.
//! Only names are cached; who holds which role is always read live.

use std::time::{Duration, Instant};

use tokio::sync::Mutex;

use super::auth0::resources::Role;
use super::auth0::{ApiError, ManagementClient};

const FRESH_FOR: Duration = Duration::from_secs(300);

#[derive(Default)]
pub struct Catalog {
    roles: Mutex<Option<(Instant, Vec<Role>)>>,
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
                    })
            })
            .collect())
    }
}
