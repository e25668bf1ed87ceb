//! Users (`/api/v2/users/{id}/organizations`, `/api/v2/users-by-email`): membership asked from the
//! user's side, and who an email address belongs to.

use serde::Deserialize;

use super::client::ManagementClient;
use super::error::ApiError;
use super::paths;

#[derive(Deserialize)]
struct OrgId {
    id: String,
}

impl ManagementClient {
    /// The ids of the organizations the user belongs to.
    pub async fn organizations_of(&self, user_id: &str) -> Result<Vec<String>, ApiError> {
        let path = paths::user_organizations(user_id);
        let orgs: Vec<OrgId> = self.list_offset(&path, "organizations", &[]).await?;
        Ok(orgs.into_iter().map(|o| o.id).collect())
    }

    /// The organizations the user belongs to, whole (with their metadata).
    pub async fn organizations_of_user(
        &self,
        user_id: &str,
    ) -> Result<Vec<super::organizations::Organization>, ApiError> {
        let path = paths::user_organizations(user_id);
        match self.list_offset(&path, "organizations", &[]).await {
            Err(ApiError::NotFound) => Ok(Vec::new()),
            other => other,
        }
    }

    /// Whether the user is a member of the organization, asked from the user's side (reliable for
    /// unknown users and non-members alike).
    pub async fn is_member(&self, org_id: &str, user_id: &str) -> Result<bool, ApiError> {
        let path = paths::user_organizations(user_id);
        match self.list_offset::<OrgId>(&path, "organizations", &[]).await {
            Ok(orgs) => Ok(orgs.iter().any(|o| o.id == org_id)),
            Err(ApiError::NotFound) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// The ids of the tenant's users with this email (Auth0 can hold several: one per connection).
    pub async fn users_by_email(&self, email: &str) -> Result<Vec<String>, ApiError> {
        #[derive(Deserialize)]
        struct User {
            user_id: String,
        }
        let users: Vec<User> = self
            .get(paths::USERS_BY_EMAIL, &[("email", email.to_string())])
            .await?;
        Ok(users.into_iter().map(|u| u.user_id).collect())
    }
}
