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
