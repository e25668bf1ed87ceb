//! Clients (`/api/v2/clients`): a bot is a machine-to-machine client; orgdesk reads, creates,
//! renames, rotates and deletes them.

use std::collections::BTreeMap;

use reqwest::Method;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::client::{from_body, gone_is_done, ManagementClient};
use super::error::ApiError;
use super::paths;

#[derive(Debug, Clone, Deserialize)]
pub struct Client {
    pub client_id: String,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub app_type: Option<String>,
    #[serde(default)]
    pub client_metadata: BTreeMap<String, String>,
    #[serde(default)]
    pub grant_types: Vec<String>,
    /// Auth0's fine-grained M2M token quota for this client, when set.
    #[serde(default)]
    pub token_quota: Option<TokenQuota>,
}

/// Auth0's `token_quota`: how many client-credentials tokens a client or an organization may get.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
pub struct TokenQuota {
    #[serde(default)]
    pub client_credentials: Option<QuotaLimits>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
pub struct QuotaLimits {
    #[serde(default)]
    pub enforce: bool,
    // Auth0 refuses a null limit: an unset one is left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_day: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_hour: Option<u64>,
}

impl QuotaLimits {
    /// "100 per hour, 1000 per day".
    pub fn words(&self) -> String {
        let limits = [
            self.per_hour.map(|n| format!("{n} per hour")),
            self.per_day.map(|n| format!("{n} per day")),
        ];
        limits.into_iter().flatten().collect::<Vec<_>>().join(", ")
    }
}

/// A client as created or rotated: the only time orgdesk sees the secret. Never stored or logged.
pub struct ClientWithSecret {
    pub client: Client,
    pub secret: SecretString,
}

/// Every client, with what the support console shows of it.
#[derive(Debug, Clone, Deserialize)]
pub struct ClientSummary {
    pub client_id: String,
    pub name: String,
    #[serde(default)]
    pub app_type: Option<String>,
    #[serde(default)]
    pub client_metadata: BTreeMap<String, String>,
}

/// `POST /api/v2/clients` for a bot: a non-interactive client that only does client credentials,
/// sending its secret in the body, defaulting to its organization for that flow.
#[derive(Debug, Serialize)]
pub struct NewClient<'a> {
    pub name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<&'a str>,
    pub app_type: &'static str,
    pub grant_types: [&'static str; 1],
    pub token_endpoint_auth_method: &'static str,
    pub client_metadata: BTreeMap<&'static str, &'a str>,
    pub default_organization: DefaultOrganization<'a>,
}

#[derive(Debug, Serialize)]
pub struct DefaultOrganization<'a> {
    pub organization_id: &'a str,
    pub flows: [&'static str; 1],
}

impl<'a> NewClient<'a> {
    /// A bot of `org_id`, carrying `metadata` (its owner, the operation that made it).
    pub fn bot(
        name: &'a str,
        description: Option<&'a str>,
        org_id: &'a str,
        metadata: BTreeMap<&'static str, &'a str>,
    ) -> Self {
        NewClient {
            name,
            description,
            app_type: "non_interactive",
            grant_types: ["client_credentials"],
            token_endpoint_auth_method: "client_secret_post",
            client_metadata: metadata,
            default_organization: DefaultOrganization {
                organization_id: org_id,
                flows: ["client_credentials"],
            },
        }
    }
}

/// `PATCH /api/v2/clients/{id}`: what orgdesk changes on a client.
#[derive(Debug, Serialize)]
pub struct ClientUpdate<'a> {
    pub name: &'a str,
}

fn with_secret(value: Option<Value>) -> Result<ClientWithSecret, ApiError> {
    let value = value.ok_or_else(|| ApiError::Decode("empty client".into()))?;
    let secret = value
        .get("client_secret")
        .and_then(Value::as_str)
        .map(|s| SecretString::from(s.to_string()))
        .ok_or_else(|| ApiError::Decode("no client_secret in the answer".into()))?;
    let client = serde_json::from_value(value).map_err(|e| ApiError::Decode(e.to_string()))?;
    Ok(ClientWithSecret { client, secret })
}

impl ManagementClient {
    pub async fn get_client(&self, client_id: &str) -> Result<Client, ApiError> {
        self.get(
            &paths::client(client_id),
            &[
                (
                    "fields",
                    "client_id,name,description,app_type,client_metadata,grant_types,token_quota"
                        .into(),
                ),
                ("include_fields", "true".into()),
            ],
        )
        .await
    }

    pub async fn create_client(&self, body: &NewClient<'_>) -> Result<ClientWithSecret, ApiError> {
        with_secret(self.send_json(Method::POST, paths::CLIENTS, body).await?)
    }

    pub async fn update_client(
        &self,
        client_id: &str,
        body: &ClientUpdate<'_>,
    ) -> Result<Client, ApiError> {
        from_body(
            self.send_json(Method::PATCH, &paths::client(client_id), body)
                .await?,
        )
    }

    pub async fn rotate_secret(&self, client_id: &str) -> Result<ClientWithSecret, ApiError> {
        with_secret(
            self.send(
                Method::POST,
                &paths::client_rotate_secret(client_id),
                &[],
                None,
            )
            .await?,
        )
    }

    /// Deletes a client; one already gone counts as deleted (a retry after a lost answer).
    pub async fn delete_client(&self, client_id: &str) -> Result<(), ApiError> {
        gone_is_done(
            self.send(Method::DELETE, &paths::client(client_id), &[], None)
                .await,
        )
    }

    /// Every client of the tenant, with its metadata (checkpoint pages).
    pub async fn clients_summary(&self) -> Result<Vec<ClientSummary>, ApiError> {
        self.list_checkpoint(
            paths::CLIENTS,
            "clients",
            &[
                ("fields", "client_id,name,app_type,client_metadata".into()),
                ("include_fields", "true".into()),
            ],
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bot_is_created_as_auth0_expects_it() {
        let metadata = BTreeMap::from([("orgdesk_org", "org_1"), ("orgdesk_op", "op-1")]);
        let body =
            serde_json::to_value(NewClient::bot("Nightly", None, "org_1", metadata)).unwrap();
        assert_eq!(
            body,
            serde_json::json!({
                "name": "Nightly",
                "app_type": "non_interactive",
                "grant_types": ["client_credentials"],
                "token_endpoint_auth_method": "client_secret_post",
                "client_metadata": { "orgdesk_org": "org_1", "orgdesk_op": "op-1" },
                "default_organization": { "organization_id": "org_1", "flows": ["client_credentials"] },
            })
        );
        let described = NewClient::bot("N", Some("d"), "org_1", BTreeMap::new());
        assert_eq!(serde_json::to_value(described).unwrap()["description"], "d");
    }
}
