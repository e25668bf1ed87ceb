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
