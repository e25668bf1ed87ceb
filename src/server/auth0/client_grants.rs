//! Client grants (`/api/v2/client-grants`): what a bot may ask a vendor API for. orgdesk's grants
//! always require an organization and are never open to any organization.

use reqwest::Method;
use serde::{Deserialize, Serialize};

use super::client::{from_body, gone_is_done, ManagementClient};
use super::error::ApiError;
use super::paths;

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

/// `POST /api/v2/client-grants` as orgdesk sends it.
#[derive(Debug, Serialize)]
struct NewGrant<'a> {
    client_id: &'a str,
    audience: &'a str,
    scope: &'a [String],
    organization_usage: &'static str,
    allow_any_organization: bool,
}

/// `PATCH /api/v2/client-grants/{id}`: the scopes only.
#[derive(Debug, Serialize)]
struct ScopeUpdate<'a> {
    scope: &'a [String],
}

impl ManagementClient {
    pub async fn grants_of(&self, client_id: &str) -> Result<Vec<ClientGrant>, ApiError> {
        self.list_offset(
            paths::CLIENT_GRANTS,
            "client_grants",
            &[("client_id", client_id.to_string())],
        )
        .await
    }

    /// A grant for one organization at a time (`organization_usage=require`), never for any.
    pub async fn create_grant(
        &self,
        client_id: &str,
        audience: &str,
        scopes: &[String],
    ) -> Result<ClientGrant, ApiError> {
        let body = NewGrant {
            client_id,
            audience,
            scope: scopes,
            organization_usage: "require",
            allow_any_organization: false,
        };
        from_body(
            self.send_json(Method::POST, paths::CLIENT_GRANTS, &body)
                .await?,
        )
    }

    pub async fn update_grant_scopes(
        &self,
        grant_id: &str,
        scopes: &[String],
    ) -> Result<ClientGrant, ApiError> {
        let body = ScopeUpdate { scope: scopes };
        from_body(
            self.send_json(Method::PATCH, &paths::client_grant(grant_id), &body)
                .await?,
        )
    }

    /// Deletes a client grant; one already gone counts as deleted.
    pub async fn delete_grant(&self, grant_id: &str) -> Result<(), ApiError> {
        gone_is_done(
            self.send(Method::DELETE, &paths::client_grant(grant_id), &[], None)
                .await,
        )
    }

    /// Every client grant, or only those open to any organization.
    pub async fn all_grants(
        &self,
        any_organization_only: bool,
    ) -> Result<Vec<ClientGrant>, ApiError> {
        let mut query = Vec::new();
        if any_organization_only {
            query.push(("allow_any_organization", "true".to_string()));
        }
        self.list_checkpoint(paths::CLIENT_GRANTS, "client_grants", &query)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_grant_requires_an_organization() {
        let scopes = vec!["read:a".to_string()];
        let body = NewGrant {
            client_id: "c",
            audience: "https://api/",
            scope: &scopes,
            organization_usage: "require",
            allow_any_organization: false,
        };
        assert_eq!(
            serde_json::to_value(body).unwrap(),
            serde_json::json!({"client_id": "c", "audience": "https://api/", "scope": ["read:a"],
                "organization_usage": "require", "allow_any_organization": false})
        );
    }
}
