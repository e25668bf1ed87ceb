//! Webhook endpoints and their deliveries, as the Webhooks page shows them.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookEndpoint {
    pub id: String,
    pub url: String,
    pub description: String,
    /// RFC 3339.
    pub created_at: String,
    pub created_by: String,
    /// Failed attempts in a row.
    pub failures: u32,
    /// When orgdesk paused it for failing (RFC 3339); None while active.
    pub paused_at: Option<String>,
    pub deliveries: Vec<WebhookDelivery>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookDelivery {
    pub id: String,
    /// The audit action sent.
    pub action: String,
    /// `pending`, `delivered` or `failed` (given up).
    pub state: String,
    pub attempts: u32,
    /// The endpoint's last answer (HTTP status), or what went wrong.
    pub last: Option<String>,
    /// RFC 3339: when it was queued, and (pending) when it is tried next.
    pub created_at: String,
    pub next_at: Option<String>,
}

/// A new endpoint: its id, and its signing secret (shown this once).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewWebhook {
    pub id: String,
    pub secret: String,
}
