//! What the service status check reports.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusReport {
    pub version: String,
    pub database_reachable: bool,
    /// The newest migration applied to orgdesk's store.
    pub schema_version: i64,
    /// "local tenant" or "Auth0".
    pub identity_provider: String,
}

impl StatusReport {
    /// The report in words, as the footer's status check shows it.
    pub fn summary(&self) -> String {
        if self.database_reachable {
            format!(
                "All systems normal · database reachable (schema {}) · identity: {} · v{}",
                self.schema_version, self.identity_provider, self.version,
            )
        } else {
            "Degraded · the database is not reachable".to_string()
        }
    }
}

/// The Management API queue of the replica serving the desk (see `server::auth0::pacer`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueueReport {
    /// Calls waiting for their turn.
    pub waiting: u64,
    /// How long a call made now would wait, in whole seconds (rounded up).
    pub seconds: u64,
    /// The pace orgdesk keeps to, when the tenant's rate limit is configured.
    pub per_second: Option<f64>,
}
