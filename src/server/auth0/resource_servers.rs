//! Resource servers (`/api/v2/resource-servers`): the vendor's APIs, their names and what each
//! scope means.

use serde::Deserialize;

use super::client::ManagementClient;
use super::error::ApiError;
use super::paths;

/// An API as the tenant describes it: its display name and what each scope means.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct ResourceServer {
    pub identifier: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub scopes: Vec<ScopeDefinition>,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct ScopeDefinition {
    pub value: String,
    #[serde(default)]
    pub description: Option<String>,
}

impl ManagementClient {
    /// The tenant's APIs with their names and scope descriptions.
    pub async fn resource_servers(&self) -> Result<Vec<ResourceServer>, ApiError> {
        self.list_offset(paths::RESOURCE_SERVERS, "resource_servers", &[])
            .await
    }
}
