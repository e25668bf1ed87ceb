//! Tenant logs (`/api/v2/logs`): when each bot last exchanged its credentials for a token.

use serde::Deserialize;

use super::client::ManagementClient;
use super::error::ApiError;
use super::paths;

#[derive(Debug, Clone, Deserialize)]
pub struct LogEvent {
    pub date: String,
    #[serde(default)]
    pub client_id: Option<String>,
}

impl ManagementClient {
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
                    paths::LOGS,
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

/// A tenant log entry as the usage pass reads it (any type; it keeps `seccft` and `feccft`).
#[derive(Debug, Clone, Deserialize)]
pub struct TenantLog {
    pub log_id: String,
    pub date: String,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub client_id: Option<String>,
    #[serde(default)]
    pub ip: Option<String>,
    #[serde(default)]
    pub user_agent: Option<String>,
    #[serde(default)]
    pub organization_id: Option<String>,
}

impl ManagementClient {
    /// The oldest entry the tenant still keeps (where a first pass starts: Auth0's retention).
    pub async fn oldest_log(&self) -> Result<Option<TenantLog>, ApiError> {
        let list: Vec<TenantLog> = self
            .get(
                paths::LOGS,
                &[
                    ("sort", "date:1".into()),
                    ("page", "0".into()),
                    ("per_page", "1".into()),
                ],
            )
            .await?;
        Ok(list.into_iter().next())
    }

    /// Up to `take` entries after `from`, oldest first (Auth0's checkpoint paging).
    pub async fn logs_after(&self, from: &str, take: usize) -> Result<Vec<TenantLog>, ApiError> {
        self.get(
            paths::LOGS,
            &[("from", from.to_string()), ("take", take.to_string())],
        )
        .await
    }
}
