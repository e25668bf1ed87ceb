//! Roles (`/api/v2/roles`): names for the role ids orgdesk checks and assigns.

use serde::{Deserialize, Serialize};

use super::client::ManagementClient;
use super::error::ApiError;
use super::paths;

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
pub struct Role {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
}

impl ManagementClient {
    /// The tenant's roles (names for ids), one call.
    pub async fn roles(&self) -> Result<Vec<Role>, ApiError> {
        self.list_offset(paths::ROLES, "roles", &[]).await
    }
}
