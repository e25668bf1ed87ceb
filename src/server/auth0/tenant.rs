//! Tenant-wide reads for the support console: organizations, every client grant, token logs.

use serde::Deserialize;

use super::client::ManagementClient;
use super::error::ApiError;
use super::resources::{seg, ClientGrant};

#[derive(Debug, Clone, Deserialize)]
pub struct Organization {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub display_name: Option<String>,
}

impl Organization {
    pub fn label(&self) -> &str {
        self.display_name.as_deref().unwrap_or(&self.name)
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct ClientSummary {
    pub client_id: String,
    pub name: String,
    #[serde(default)]
    pub app_type: Option<String>,
    #[serde(default)]
    pub client_metadata: std::collections::BTreeMap<String, String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct LogEvent {
    pub date: String,
    #[serde(default)]
    pub client_id: Option<String>,
}

impl ManagementClient {
    pub async fn organizations(&self) -> Result<Vec<Organization>, ApiError> {
        self.list_checkpoint("organizations", "organizations", &[])
            .await
    }

    pub async fn organization(&self, org_id: &str) -> Result<Organization, ApiError> {
        self.get(&format!("organizations/{}", seg(org_id)), &[])
            .await
    }

    /// Every client grant, or only those open to any organization.
    pub async fn all_grants(
        &self,
        any_organization_only: bool,
    ) -> Result<Vec<ClientGrant>, ApiError> {
        let mut query = Vec::new();
        if any_organization_only {
            query.push(("allow_any_organization", "true".to_string()));
        }
        self.list_checkpoint("client-grants", "client_grants", &query)
            .await
    }

    /// The client grants associated with an organization (whoever made them).
    pub async fn organization_grants(&self, org_id: &str) -> Result<Vec<ClientGrant>, ApiError> {
        self.list_offset(
            &format!("organizations/{}/client-grants", seg(org_id)),
            "client_grants",
            &[],
        )
        .await
    }

    pub async fn clients_summary(&self) -> Result<Vec<ClientSummary>, ApiError> {
        self.list_checkpoint(
            "clients",
            "clients",
            &[
                ("fields", "client_id,name,app_type,client_metadata".into()),
                ("include_fields", "true".into()),
            ],
        )
        .await
    }

    /// Newest client-credentials exchanges (`seccft`), optionally for one client.
    pub async fn token_logs(
        &self,
        client_id: Option<&str>,
        limit: usize,
    ) -> Result<Vec<LogEvent>, ApiError> {
        let q = match client_id {
            Some(id) => format!("type:seccft AND client_id:\"{id}\""),
            None => "type:seccft".to_string(),
        };
        let mut out = Vec::new();
        for page in 0..10 {
            let per_page = limit.saturating_sub(out.len()).min(100);
            if per_page == 0 {
                break;
            }
            let list: Vec<LogEvent> = self
                .get(
                    "logs",
                    &[
                        ("q", q.clone()),
                        ("sort", "date:-1".into()),
                        ("page", page.to_string()),
                        ("per_page", per_page.to_string()),
                    ],
                )
                .await?;
            let done = list.len() < per_page;
            out.extend(list);
            if done {
                break;
            }
        }
        Ok(out)
    }
}
