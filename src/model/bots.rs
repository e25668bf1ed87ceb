//! Bots as the browser sees them: their API access, their app, a new secret shown once, a test token.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Access {
    pub audience: String,
    pub scopes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bot {
    pub client_id: String,
    pub name: String,
    pub description: Option<String>,
    pub created_at: String,
    pub access: Vec<Access>,
    /// The app this bot is published as, if any (one bot's page only).
    #[serde(default)]
    pub app: Option<BotApp>,
    /// Its public keys (`private_key_jwt`), in use or not (one bot's page only). None in use: the
    /// bot authenticates with its secret.
    #[serde(default)]
    pub keys: Vec<BotKey>,
    /// Its access requests that need another admin (pending, and the latest decided), newest first
    /// (one bot's page only).
    #[serde(default)]
    pub requests: Vec<AccessRequest>,
    /// Its credential's age against the organization's policy, and its owner.
    #[serde(default)]
    pub health: BotHealth,
    /// Its use, from the tenant's logs (one bot's page only).
    #[serde(default)]
    pub usage: Option<BotUsage>,
    /// API access the credential policy took when its credential expired, and when (one bot's page
    /// only): given back from its page once the credential is renewed.
    #[serde(default)]
    pub taken: Vec<Access>,
    #[serde(default)]
    pub taken_at: Option<String>,
}

/// An organization's credential policy, as its settings page shows it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialPolicy {
    pub max_age_days: u32,
    pub warn_days: u32,
    pub review_every_days: u32,
    pub revoke_at_expiry: bool,
}

/// A bot's use as the tenant's logs tell it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BotUsage {
    /// RFC 3339.
    pub last_token_at: Option<String>,
    pub last_token_ip: String,
    pub last_token_agent: String,
    pub last_failure_at: Option<String>,
    /// Auth0's words for the last refused exchange.
    pub last_failure_reason: String,
    /// The last 30 UTC days, oldest first.
    pub days: Vec<UsageDay>,
    /// Auth0's token quotas that apply (the bot's, its organization's), with today's use.
    #[serde(default)]
    pub quotas: Vec<QuotaUse>,
}

/// A token quota set at Auth0 and the tokens issued against it today (UTC).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuotaUse {
    /// `bot` or `organization`.
    pub holder: String,
    pub used_today: u64,
    pub per_day: Option<u64>,
    pub per_hour: Option<u64>,
    /// Auth0 refuses tokens past it (otherwise it only reports).
    pub enforced: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageDay {
    pub day: String,
    pub issued: u32,
    pub failed: u32,
}

/// A bot's standing: its credential's age against the organization's policy, and its owner.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BotHealth {
    pub age_days: u32,
    /// 0: the organization sets no maximum.
    pub max_age_days: u32,
    /// `ok`, `due` (within the warning) or `overdue`.
    pub credential: String,
    /// The owner's email (their id for a bot registered before owners were recorded).
    pub owner: String,
    /// The owner is no longer a member: the bot needs a new one.
    pub owner_gone: bool,
}

impl BotHealth {
    /// What needs doing, in words, or None.
    pub fn attention(&self) -> Option<String> {
        let mut out = Vec::new();
        match self.credential.as_str() {
            "overdue" => out.push(format!(
                "credential {} days old, past the {}-day policy: rotate it",
                self.age_days, self.max_age_days
            )),
            "due" => out.push(format!(
                "credential {} days old, due for rotation within {} days",
                self.age_days,
                self.max_age_days.saturating_sub(self.age_days)
            )),
            _ => {}
        }
        if self.owner_gone {
            out.push("its owner left the organization: assign a new owner".to_string());
        }
        (!out.is_empty()).then(|| out.join("; "))
    }
}

/// What a grant or a change of scopes came to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AccessChange {
    Done,
    /// Done, although no second admin could approve the sensitive scopes (the vendor allows it).
    DoneAlone {
        sensitive: Vec<String>,
    },
    /// Waiting for another admin's approval, until `until` (RFC 3339).
    Pending {
        sensitive: Vec<String>,
        until: String,
    },
}

/// API access with a sensitive scope, asked for by one admin and decided by another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessRequest {
    pub id: String,
    pub org_id: String,
    pub client_id: String,
    pub audience: String,
    /// What the bot's access becomes when approved.
    pub scopes: Vec<String>,
    pub sensitive: Vec<String>,
    pub requester: String,
    /// The viewer asked for it (then another admin must decide it).
    pub mine: bool,
    /// RFC 3339.
    pub requested_at: String,
    pub until: String,
    /// `pending`, `approved`, `rejected`, `failed` or `expired`.
    pub state: String,
    pub decider: Option<String>,
    pub reason: Option<String>,
}

impl Bot {
    /// Whether the bot signs assertions with a key instead of sending its secret.
    pub fn uses_keys(&self) -> bool {
        self.keys.iter().any(|k| k.in_use)
    }
}

/// A bot's public key as Auth0 keeps it (never the key itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BotKey {
    pub id: String,
    pub name: String,
    /// Its thumbprint: what the header of an assertion signed with it names.
    pub kid: String,
    /// `YYYY-MM-DD` (UTC).
    pub added: String,
    /// The last day it works (UTC), if it has one.
    pub expires: Option<String>,
    /// That day has passed: Auth0 refuses assertions signed with it.
    #[serde(default)]
    pub expired: bool,
    pub in_use: bool,
}

/// A bot that is an app: deleting the bot ends the app for every organization that installed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BotApp {
    pub app_id: String,
    pub published: bool,
    /// The organizations that have it installed, by name.
    pub installers: Vec<String>,
}

/// A client secret, shown once. Never stored; the page forgets it on reload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewSecret {
    pub client_id: String,
    pub client_secret: String,
}

/// A secret the request being answered made (a new bot's, a rotated one): the page that answers
/// it shows it, this once (given to that page's render on the server; never stored, never in a
/// cookie).
#[derive(Debug, Clone)]
pub struct SecretShown {
    pub secret: NewSecret,
    pub audience: String,
    pub org_id: String,
    /// The token endpoint the bot calls (for the ready-to-run request).
    pub token_url: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenCheck {
    pub org_id: Option<String>,
    pub scope: String,
    pub expires_at: i64,
    /// The key the assertion was signed with, when one was used (its name).
    #[serde(default)]
    pub key: Option<String>,
}

/// A test token's claims, for the bot page that answers the test (server only, like `SecretShown`).
#[derive(Debug, Clone)]
pub struct TokenShown(pub TokenCheck);

/// The token request a bot makes, in the languages people paste it into: (label, code).
pub fn token_snippets(
    token_url: &str,
    client_id: &str,
    secret: &str,
    audience: &str,
    org_id: &str,
) -> Vec<(&'static str, String)> {
    let node = format!(
        "const response = await fetch(\"{token_url}\", {{\n  method: \"POST\",\n  headers: {{ \"content-type\": \"application/x-www-form-urlencoded\" }},\n  body: new URLSearchParams({{\n    grant_type: \"client_credentials\",\n    client_id: \"{client_id}\",\n    client_secret: process.env.CLIENT_SECRET ?? \"{secret}\",\n    audience: \"{audience}\",\n    organization: \"{org_id}\",\n  }}),\n}});\nconst {{ access_token }} = await response.json();"
    );
    let python = format!(
        "import os, requests\n\nresponse = requests.post(\"{token_url}\", data={{\n    \"grant_type\": \"client_credentials\",\n    \"client_id\": \"{client_id}\",\n    \"client_secret\": os.environ.get(\"CLIENT_SECRET\", \"{secret}\"),\n    \"audience\": \"{audience}\",\n    \"organization\": \"{org_id}\",\n}})\naccess_token = response.json()[\"access_token\"]"
    );
    vec![
        (
            "curl",
            token_request(token_url, client_id, secret, audience, org_id),
        ),
        ("Node.js", node),
        ("Python", python),
    ]
}

/// The request a bot makes, ready to paste into a terminal.
pub fn token_request(
    token_url: &str,
    client_id: &str,
    secret: &str,
    audience: &str,
    org_id: &str,
) -> String {
    format!(
        "curl -s {token_url} \\\n  -d grant_type=client_credentials \\\n  -d client_id={client_id} \\\n  -d client_secret='{secret}' \\\n  --data-urlencode audience={audience} \\\n  -d organization={org_id}"
    )
}
