//! Organizations (`/api/v2/organizations`) and their client grants: which grants an organization's
//! bots (and installed apps) may use.

use reqwest::Method;
use serde::{Deserialize, Serialize};

use super::client::{absent_is_none, gone_is_done, ManagementClient};
use super::client_grants::ClientGrant;
use super::error::ApiError;
use super::paths;

#[derive(Debug, Clone, Deserialize)]
pub struct Organization {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub display_name: Option<String>,
    /// Auth0 keeps string values only (a null one, which its schema allows, is read as absent).
    #[serde(default, deserialize_with = "strings_only")]
    pub metadata: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    pub branding: Option<Branding>,
    /// Auth0's M2M token quota for the organization, when set.
    #[serde(default)]
    pub token_quota: Option<super::clients::TokenQuota>,
}

fn strings_only<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<std::collections::BTreeMap<String, String>, D::Error> {
    let raw: Option<std::collections::BTreeMap<String, Option<String>>> =
        Deserialize::deserialize(d)?;
    Ok(raw
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(k, v)| Some((k, v?)))
        .collect())
}

/// An organization's `branding`: its logo and the two colours of its login page (Auth0 takes both
/// colours or neither).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
pub struct Branding {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub colors: Option<Colors>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
pub struct Colors {
    pub primary: String,
    pub page_background: String,
}

/// `PATCH /api/v2/organizations/{id}`: what the settings page changes (branding replaced whole).
#[derive(Debug, Serialize)]
pub struct OrganizationUpdate<'a> {
    pub display_name: &'a str,
    pub branding: &'a Branding,
    /// The whole metadata, when customers may edit some of it (orgdesk's own keys kept as they are).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<&'a std::collections::BTreeMap<String, String>>,
}

/// `POST /api/v2/organizations`: a customer's new organization.
#[derive(Debug, Serialize)]
pub struct NewOrganization<'a> {
    pub name: &'a str,
    pub display_name: &'a str,
    pub metadata: std::collections::BTreeMap<&'a str, &'a str>,
    /// The vendor's quota for organizations customers create, if it set one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_quota: Option<super::clients::TokenQuota>,
}

/// `PATCH /api/v2/organizations/{id}` with the token quota alone.
#[derive(Debug, Serialize)]
struct QuotaUpdate<'a> {
    token_quota: &'a super::clients::TokenQuota,
}

/// `POST /api/v2/organizations/{id}/enabled_connections`.
#[derive(Debug, Serialize)]
struct EnabledConnection<'a> {
    connection_id: &'a str,
    assign_membership_on_login: bool,
}

/// `POST /api/v2/organizations/{id}/members`.
#[derive(Debug, Serialize)]
struct NewMembers<'a> {
    members: [&'a str; 1],
}

impl Organization {
    pub fn label(&self) -> &str {
        self.display_name.as_deref().unwrap_or(&self.name)
    }
}

/// `POST /api/v2/organizations/{id}/client-grants`.
#[derive(Debug, Serialize)]
struct Association<'a> {
    grant_id: &'a str,
}

impl ManagementClient {
    pub async fn organizations(&self) -> Result<Vec<Organization>, ApiError> {
        self.list_checkpoint(paths::ORGANIZATIONS, "organizations", &[])
            .await
    }

    pub async fn organization(&self, org_id: &str) -> Result<Organization, ApiError> {
        self.get(&paths::organization(org_id), &[]).await
    }

    pub async fn create_organization(
        &self,
        new: &NewOrganization<'_>,
    ) -> Result<Organization, ApiError> {
        let answer = self
            .send_json(Method::POST, paths::ORGANIZATIONS, new)
            .await?
            .unwrap_or_default();
        serde_json::from_value(answer).map_err(|e| ApiError::Decode(e.to_string()))
    }

    pub async fn update_organization(
        &self,
        org_id: &str,
        update: &OrganizationUpdate<'_>,
    ) -> Result<(), ApiError> {
        self.send_json(Method::PATCH, &paths::organization(org_id), update)
            .await
            .map(|_| ())
    }

    /// Sets the organization's M2M token quota.
    pub async fn set_organization_token_quota(
        &self,
        org_id: &str,
        token_quota: &super::clients::TokenQuota,
    ) -> Result<(), ApiError> {
        let body = QuotaUpdate { token_quota };
        self.send_json(Method::PATCH, &paths::organization(org_id), &body)
            .await
            .map(|_| ())
    }

    /// The organization of that name, if there is one.
    pub async fn organization_named(&self, name: &str) -> Result<Option<Organization>, ApiError> {
        absent_is_none(self.get(&paths::organization_by_name(name), &[]).await)
    }

    /// Deletes an organization; one already gone counts as deleted.
    pub async fn delete_organization(&self, org_id: &str) -> Result<(), ApiError> {
        gone_is_done(
            self.send(Method::DELETE, &paths::organization(org_id), &[], None)
                .await,
        )
    }

    /// Lets the organization's members sign in through a connection; already enabled counts.
    pub async fn enable_connection(
        &self,
        org_id: &str,
        connection_id: &str,
    ) -> Result<(), ApiError> {
        let body = EnabledConnection {
            connection_id,
            assign_membership_on_login: false,
        };
        let path = paths::organization_connections(org_id);
        match self.send_json(Method::POST, &path, &body).await {
            Ok(_) | Err(ApiError::Conflict { .. }) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// Makes a user a member (adding one twice is not an error in Auth0).
    pub async fn add_member(&self, org_id: &str, user_id: &str) -> Result<(), ApiError> {
        let body = NewMembers { members: [user_id] };
        self.send_json(Method::POST, &paths::members(org_id), &body)
            .await
            .map(|_| ())
    }

    /// Associates a grant with an organization; an existing association counts as success.
    pub async fn associate(&self, org_id: &str, grant_id: &str) -> Result<(), ApiError> {
        let body = Association { grant_id };
        match self
            .send_json(
                Method::POST,
                &paths::organization_client_grants(org_id),
                &body,
            )
            .await
        {
            Ok(_) | Err(ApiError::Conflict { .. }) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// Removes an association; one already gone counts as removed.
    pub async fn dissociate(&self, org_id: &str, grant_id: &str) -> Result<(), ApiError> {
        let path = paths::organization_client_grant(org_id, grant_id);
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
                    &paths::organization_client_grants(org_id),
                    "client_grants",
                    &query,
                )
                .await?,
            );
        }
        Ok(out)
    }

    /// The client grants associated with an organization (whoever made them).
    pub async fn organization_grants(&self, org_id: &str) -> Result<Vec<ClientGrant>, ApiError> {
        self.list_offset(
            &paths::organization_client_grants(org_id),
            "client_grants",
            &[],
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn null_metadata_values_read_as_absent() {
        let org: Organization = serde_json::from_value(serde_json::json!({
            "id": "org_1", "name": "one", "metadata": {"a": "x", "b": null}
        }))
        .unwrap();
        assert_eq!(org.metadata.len(), 1);
        let bare: Organization = serde_json::from_value(
            serde_json::json!({"id": "org_1", "name": "one", "metadata": null}),
        )
        .unwrap();
        assert!(bare.metadata.is_empty());
    }
}
