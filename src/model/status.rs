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

impl QueueReport {
    /// The queue in words, as the notice beside a waiting change says it.
    pub fn describe(&self) -> String {
        let pace = self
            .per_second
            .map(|r| format!(" (your Auth0 plan allows {r} calls a second)"))
            .unwrap_or_default();
        let ahead = match self.waiting {
            0 => "Your change is next".to_string(),
            1 => "1 call is queued".to_string(),
            n => format!("{n} calls are queued"),
        };
        format!(
            "Waiting for Auth0{pace}. {ahead}; about {} s to go. Your change is queued, not lost — keep this page open.",
            self.seconds.max(1)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_notice_says_what_is_queued_and_for_how_long() {
        let q = QueueReport {
            waiting: 7,
            seconds: 4,
            per_second: Some(2.0),
        };
        assert_eq!(
            q.describe(),
            "Waiting for Auth0 (your Auth0 plan allows 2 calls a second). 7 calls are queued; about 4 s to go. Your change is queued, not lost — keep this page open."
        );
        let next = QueueReport {
            waiting: 0,
            seconds: 0,
            per_second: None,
        };
        assert!(next
            .describe()
            .starts_with("Waiting for Auth0. Your change is next; about 1 s"));
    }
}
