//! Organization members (`/api/v2/organizations/{id}/members`) and their roles.

use reqwest::Method;
use serde::{Deserialize, Serialize};

use super::client::ManagementClient;
use super::error::ApiError;
use super::paths;
use super::roles::Role;

/// Every field orgdesk shows, roles included, so one page is one call.
const MEMBER_FIELDS: &str = "user_id,email,name,picture,roles";

#[derive(Debug, Clone, Deserialize)]
pub struct Member {
    pub user_id: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub roles: Vec<Role>,
}

/// The body of a member's roles change (`POST`/`DELETE .../members/{id}/roles`).
#[derive(Debug, Serialize)]
struct RolesBody<'a> {
    roles: &'a [String],
}

/// The body of `DELETE .../members`.
#[derive(Debug, Serialize)]
struct MembersBody<'a> {
    members: [&'a str; 1],
}

impl ManagementClient {
    /// One checkpoint page of members with their roles, and the next page's cursor if there is one.
    pub async fn members_page(
        &self,
        org_id: &str,
        from: Option<&str>,
        take: u32,
    ) -> Result<(Vec<Member>, Option<String>), ApiError> {
        let (members, next) = self
            .checkpoint_page(
                &paths::members(org_id),
                "members",
                &[
                    ("fields", MEMBER_FIELDS.into()),
                    ("include_fields", "true".into()),
                ],
                from,
                take,
            )
            .await?;
        // Auth0 gives members a cursor after every non-empty page; a short page is the last one.
        let next = next.filter(|_| members.len() as u32 == take);
        Ok((members, next))
    }

    pub async fn assign_roles(
        &self,
        org_id: &str,
        user_id: &str,
        roles: &[String],
    ) -> Result<(), ApiError> {
        self.member_roles_call(Method::POST, org_id, user_id, roles)
            .await
    }

    pub async fn remove_roles(
        &self,
        org_id: &str,
        user_id: &str,
        roles: &[String],
    ) -> Result<(), ApiError> {
        self.member_roles_call(Method::DELETE, org_id, user_id, roles)
            .await
    }

    async fn member_roles_call(
        &self,
        method: Method,
        org_id: &str,
        user_id: &str,
        roles: &[String],
    ) -> Result<(), ApiError> {
        let path = paths::member_roles(org_id, user_id);
        self.send_json(method, &path, &RolesBody { roles })
            .await
            .map(|_| ())
    }

    pub async fn remove_member(&self, org_id: &str, user_id: &str) -> Result<(), ApiError> {
        let body = MembersBody { members: [user_id] };
        self.send_json(Method::DELETE, &paths::members(org_id), &body)
            .await
            .map(|_| ())
    }

    /// The user's roles in the organization, as Auth0 answers now. The client never caches it; views
    /// keep it 30 s (`http::web`), changes read it afresh (`policy::authorize`).
    pub async fn member_roles(&self, org_id: &str, user_id: &str) -> Result<Vec<Role>, ApiError> {
        let path = paths::member_roles(org_id, user_id);
        match self.list_offset::<Role>(&path, "roles", &[]).await {
            Err(ApiError::NotFound) => Ok(Vec::new()),
            other => other,
        }
    }
}
