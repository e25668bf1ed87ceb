//! Typed Management API calls orgdesk makes: clients, client grants, organization client grants,
//! member roles. Ids from anywhere are path-escaped here, once.

use std::collections::BTreeMap;

use reqwest::Method;
use secrecy::SecretString;
use serde::Deserialize;
use serde_json::{json, Value};

use super::client::ManagementClient;
use super::error::ApiError;

/// Percent-escapes one path segment (`auth0|abc` → `auth0%7Cabc`).
pub fn seg(id: &str) -> String {
    url::form_urlencoded::byte_serialize(id.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

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
}

/// A client as created or rotated: the only time orgdesk sees the secret. Never stored or logged.
pub struct ClientWithSecret {
    pub client: Client,
    pub secret: SecretString,
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

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct ClientGrant {
    pub id: String,
    pub client_id: String,
    pub audience: String,
    #[serde(default)]
    pub scope: Vec<String>,
    #[serde(default)]
    pub organization_usage: Option<String>,
    #[serde(default)]
    pub allow_any_organization: Option<bool>,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq, Eq)]
pub struct Role {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
}

/// An API as the tenant describes it: its display name and what each scope means.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct ResourceServer {
    pub identifier: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub scopes: Vec<ScopeDefinition>,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct ScopeDefinition {
    pub value: String,
    #[serde(default)]
    pub description: Option<String>,
}

impl ManagementClient {
    /// The tenant's APIs with their names and scope descriptions.
    pub async fn resource_servers(&self) -> Result<Vec<ResourceServer>, ApiError> {
        self.list_offset("resource-servers", "resource_servers", &[])
            .await
    }

    pub async fn get_client(&self, client_id: &str) -> Result<Client, ApiError> {
        self.get(
            &format!("clients/{}", seg(client_id)),
            &[
                (
                    "fields",
                    "client_id,name,description,app_type,client_metadata,grant_types".into(),
                ),
                ("include_fields", "true".into()),
            ],
        )
        .await
    }

    pub async fn create_client(&self, body: &Value) -> Result<ClientWithSecret, ApiError> {
        with_secret(self.send(Method::POST, "clients", &[], Some(body)).await?)
    }

    pub async fn update_client(&self, client_id: &str, body: &Value) -> Result<Client, ApiError> {
        let value = self
            .send(
                Method::PATCH,
                &format!("clients/{}", seg(client_id)),
                &[],
                Some(body),
            )
            .await?;
        serde_json::from_value(value.unwrap_or(Value::Null))
            .map_err(|e| ApiError::Decode(e.to_string()))
    }

    pub async fn rotate_secret(&self, client_id: &str) -> Result<ClientWithSecret, ApiError> {
        with_secret(
            self.send(
                Method::POST,
                &format!("clients/{}/rotate-secret", seg(client_id)),
                &[],
                None,
            )
            .await?,
        )
    }

    /// 204 also when already gone, so a retried delete succeeds.
    /// Deletes a client; one already gone counts as deleted (a retry after a lost answer).
    pub async fn delete_client(&self, client_id: &str) -> Result<(), ApiError> {
        gone_is_done(
            self.send(
                Method::DELETE,
                &format!("clients/{}", seg(client_id)),
                &[],
                None,
            )
            .await,
        )
    }

    pub async fn grants_of(&self, client_id: &str) -> Result<Vec<ClientGrant>, ApiError> {
        self.list_offset(
            "client-grants",
            "client_grants",
            &[("client_id", client_id.to_string())],
        )
        .await
    }

    pub async fn create_grant(
        &self,
        client_id: &str,
        audience: &str,
        scopes: &[String],
    ) -> Result<ClientGrant, ApiError> {
        let body = json!({
            "client_id": client_id,
            "audience": audience,
            "scope": scopes,
            "organization_usage": "require",
            "allow_any_organization": false,
        });
        let value = self
            .send(Method::POST, "client-grants", &[], Some(&body))
            .await?;
        serde_json::from_value(value.unwrap_or(Value::Null))
            .map_err(|e| ApiError::Decode(e.to_string()))
    }

    pub async fn update_grant_scopes(
        &self,
        grant_id: &str,
        scopes: &[String],
    ) -> Result<ClientGrant, ApiError> {
        let value = self
            .send(
                Method::PATCH,
                &format!("client-grants/{}", seg(grant_id)),
                &[],
                Some(&json!({ "scope": scopes })),
            )
            .await?;
        serde_json::from_value(value.unwrap_or(Value::Null))
            .map_err(|e| ApiError::Decode(e.to_string()))
    }

    /// Deletes a client grant; one already gone counts as deleted.
    pub async fn delete_grant(&self, grant_id: &str) -> Result<(), ApiError> {
        gone_is_done(
            self.send(
                Method::DELETE,
                &format!("client-grants/{}", seg(grant_id)),
                &[],
                None,
            )
            .await,
        )
    }

    /// Associates a grant with an organization; an existing association counts as success.
    pub async fn associate(&self, org_id: &str, grant_id: &str) -> Result<(), ApiError> {
        let path = format!("organizations/{}/client-grants", seg(org_id));
        match self
            .send(
                Method::POST,
                &path,
                &[],
                Some(&json!({ "grant_id": grant_id })),
            )
            .await
        {
            Ok(_) | Err(ApiError::Conflict { .. }) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// Removes an association; one already gone counts as removed.
    pub async fn dissociate(&self, org_id: &str, grant_id: &str) -> Result<(), ApiError> {
        let path = format!(
            "organizations/{}/client-grants/{}",
            seg(org_id),
            seg(grant_id)
        );
        gone_is_done(self.send(Method::DELETE, &path, &[], None).await)
    }

    /// The organization's associated grants among `grant_ids` (at most 10 per call, as Auth0 allows).
    pub async fn org_grants(
        &self,
        org_id: &str,
        grant_ids: &[String],
    ) -> Result<Vec<ClientGrant>, ApiError> {
        let mut out = Vec::new();
        for chunk in grant_ids.chunks(10) {
            let query: Vec<(&str, String)> =
                chunk.iter().map(|g| ("grant_ids", g.clone())).collect();
            out.extend(
                self.list_offset::<ClientGrant>(
                    &format!("organizations/{}/client-grants", seg(org_id)),
                    "client_grants",
                    &query,
                )
                .await?,
            );
        }
        Ok(out)
    }

    /// The user's roles in the organization, as Auth0 answers now. The client never caches it; views
    /// keep it 30 s (`http::web`), changes read it afresh (`policy::authorize`).
    pub async fn member_roles(&self, org_id: &str, user_id: &str) -> Result<Vec<Role>, ApiError> {
        let path = format!(
            "organizations/{}/members/{}/roles",
            seg(org_id),
            seg(user_id)
        );
        match self.list_offset::<Role>(&path, "roles", &[]).await {
            Err(ApiError::NotFound) => Ok(Vec::new()),
            other => other,
        }
    }
}

/// A delete whose object is already gone has done its job.
pub(super) fn gone_is_done<T>(result: Result<T, ApiError>) -> Result<(), ApiError> {
    match result {
        Ok(_) | Err(ApiError::NotFound) => Ok(()),
        Err(e) => Err(e),
    }
}
