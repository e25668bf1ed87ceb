//! What the automation API sends and takes: its own types, so the versioned contract does not move
//! when the desk's pages change. Limits are part of the schema (lengths, counts).

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A bot (an Auth0 machine-to-machine client the organization owns) and its API access.
#[derive(Debug, Serialize, ToSchema)]
pub struct Bot {
    pub client_id: String,
    pub name: String,
    pub description: Option<String>,
    /// RFC 3339.
    pub created_at: String,
    pub access: Vec<Access>,
}

/// Access to one API: a client grant for this organization only.
#[derive(Debug, Serialize, ToSchema)]
pub struct Access {
    pub audience: String,
    pub scopes: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BotList {
    pub bots: Vec<Bot>,
}

/// A bot to register, with its first API access.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewBot {
    /// 1–100 characters, unlike any other bot's name in the organization.
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    #[serde(default)]
    #[schema(max_length = 140)]
    pub description: String,
    /// One of the APIs the vendor lets customers grant (not orgdesk's own: a person grants that).
    #[schema(max_length = 200)]
    pub audience: String,
    #[schema(min_items = 1, max_items = 50)]
    pub scopes: Vec<String>,
}

/// A new secret: shown in this answer only, never again.
#[derive(Debug, Serialize, ToSchema)]
pub struct Credentials {
    pub client_id: String,
    pub client_secret: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Registered {
    pub bot: Bot,
    /// Absent when the answer is replayed for a repeated `Idempotency-Key`: a secret is shown once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Rename {
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
}

/// The scopes a bot's access to an API should have (granted when it has none).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetAccess {
    #[schema(max_length = 200)]
    pub audience: String,
    #[schema(min_items = 1, max_items = 50)]
    pub scopes: Vec<String>,
}

/// What became of a grant or a change of scopes.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccessOutcome {
    /// `done`, or `pending`: a sensitive scope waits for another admin's approval.
    pub state: String,
    /// The sensitive scopes that made it wait (or that were granted without a second admin).
    pub sensitive: Vec<String>,
    /// The approval request's id, when pending.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AudienceQuery {
    /// The API whose access is revoked.
    pub audience: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Role {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Member {
    pub user_id: String,
    pub email: String,
    pub name: String,
    pub roles: Vec<Role>,
}

/// One page of members; `next` is the cursor of the next page (absent on the last).
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberPage {
    pub members: Vec<Member>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// A `next` cursor from the previous page.
    pub from: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Invitation {
    pub id: String,
    pub email: String,
    pub roles: Vec<String>,
    pub created_at: String,
    pub expires_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InvitationList {
    pub invitations: Vec<Invitation>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewInvitation {
    #[schema(max_length = 254)]
    pub email: String,
    /// Role ids the vendor lets customers assign.
    #[serde(default)]
    #[schema(max_items = 10)]
    pub roles: Vec<String>,
    /// Days the invitation is valid (0 or absent: 7; at most 30).
    #[serde(default)]
    #[schema(minimum = 0, maximum = 30)]
    pub days: u32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEvent {
    pub id: i64,
    /// RFC 3339.
    pub at: String,
    pub actor_id: String,
    pub actor: Option<String>,
    pub action: String,
    pub target: Option<String>,
    /// `ok`, `denied` or `failed`.
    pub result: String,
    pub detail: Option<String>,
    pub request_id: Option<String>,
}

/// One page of the audit log, newest first; `next` is the cursor of the next (older) page.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditPage {
    pub events: Vec<AuditEvent>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// An action (`bot.register`) or a family (`bot`).
    pub action: Option<String>,
    /// Part of the actor's email or id.
    pub actor: Option<String>,
    /// A date (`2026-11-21`) or RFC 3339 time, inclusive.
    pub since: Option<String>,
    pub until: Option<String>,
    /// A `next` cursor from the previous page.
    pub before: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CredentialPolicy {
    /// 0: no maximum.
    pub max_age_days: u32,
    pub warn_days: u32,
    /// 0: reviews start only when an admin starts one.
    pub review_every_days: u32,
    pub revoke_at_expiry: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AccessRequest {
    pub id: String,
    pub client_id: String,
    pub audience: String,
    pub scopes: Vec<String>,
    pub sensitive: Vec<String>,
    pub requester: String,
    /// RFC 3339.
    pub requested_at: String,
    pub expires_at: String,
    /// `pending`, `approved`, `rejected` or `failed`.
    pub state: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AccessRequestList {
    pub requests: Vec<AccessRequest>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Review {
    pub id: String,
    pub started_by: String,
    pub started_at: String,
    pub due_at: String,
    pub closed_at: Option<String>,
    pub items: u32,
    pub undecided: u32,
    pub removed: u32,
    /// `open`, `overdue` or `done`.
    pub state: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewList {
    pub reviews: Vec<Review>,
}

/// A public key a bot signs its token requests with (`private_key_jwt`).
#[derive(Debug, Serialize, ToSchema)]
pub struct Key {
    pub id: String,
    pub name: Option<String>,
    /// The key's RFC 7638 thumbprint: the `kid` of the bot's signed assertions.
    pub kid: Option<String>,
    pub created_at: Option<String>,
    pub expires_at: Option<String>,
    /// A token was issued with it lately.
    pub in_use: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct KeyList {
    pub keys: Vec<Key>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewKey {
    #[schema(max_length = 100)]
    pub name: String,
    /// An RSA public key in PEM (`-----BEGIN PUBLIC KEY-----`).
    #[schema(max_length = 8192)]
    pub pem: String,
    /// The last day it works (`YYYY-MM-DD`), or absent for no expiry.
    #[serde(default)]
    pub expires_on: Option<String>,
}

/// A third-party app: a bot one organization publishes for others to install.
#[derive(Debug, Serialize, ToSchema)]
pub struct App {
    pub app_id: String,
    pub client_id: String,
    pub name: String,
    pub publisher_org: String,
    pub publisher_name: String,
    pub description: String,
    pub audience: String,
    pub scopes: Vec<String>,
    /// New installs are allowed.
    pub published: bool,
    /// For the publisher: the organizations that installed it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub installs: Option<Vec<String>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AppList {
    /// Apps this organization publishes.
    pub published: Vec<App>,
    /// Apps this organization installed.
    pub installed: Vec<App>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewApp {
    /// One of the organization's bots: the app is its client.
    #[schema(max_length = 64)]
    pub client_id: String,
    #[schema(max_length = 280)]
    pub description: String,
    #[schema(max_length = 200)]
    pub audience: String,
    #[schema(min_items = 1, max_items = 50)]
    pub scopes: Vec<String>,
    /// The bot's own access to the API becomes exactly these scopes (it shares its grant with the
    /// app's installers); without it, scopes that differ from the bot's are refused.
    #[serde(default)]
    pub change_access: bool,
}

/// What the installing organization consents to: exactly the app's API and scopes.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Consent {
    #[schema(max_length = 200)]
    pub audience: String,
    #[schema(max_items = 50)]
    pub scopes: Vec<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Install {
    #[schema(max_length = 64)]
    pub app_id: String,
    /// Must equal the app's audience and scopes as offered now: an app re-published with wider
    /// access since the consent was read is not installed.
    pub consent: Consent,
}
