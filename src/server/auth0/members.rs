//! Typed calls for organization members, their roles and invitations.

use reqwest::Method;
use serde::Deserialize;
use serde_json::{json, Value};

use super::client::ManagementClient;
use super::error::ApiError;
use super::resources::{gone_is_done, seg, Role};

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

#[derive(Debug, Clone, Deserialize)]
pub struct Invitee {
    pub email: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Inviter {
    pub name: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Invitation {
    pub id: String,
    pub invitee: Invitee,
    pub inviter: Inviter,
    #[serde(default)]
    pub roles: Vec<String>,
    #[serde(default)]
    pub invitation_url: Option<String>,
    pub created_at: String,
    pub expires_at: String,
}

pub struct NewInvitation<'a> {
    pub org_id: &'a str,
    pub client_id: &'a str,
    pub inviter: &'a str,
    pub email: &'a str,
    pub roles: &'a [String],
    pub ttl_sec: u32,
}

fn decode<T: serde::de::DeserializeOwned>(value: Option<Value>) -> Result<T, ApiError> {
    serde_json::from_value(value.unwrap_or(Value::Null))
        .map_err(|e| ApiError::Decode(e.to_string()))
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
                &format!("organizations/{}/members", seg(org_id)),
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
        let path = format!(
            "organizations/{}/members/{}/roles",
            seg(org_id),
            seg(user_id)
        );
        self.send(method, &path, &[], Some(&json!({ "roles": roles })))
            .await
            .map(|_| ())
    }

    pub async fn remove_member(&self, org_id: &str, user_id: &str) -> Result<(), ApiError> {
        let path = format!("organizations/{}/members", seg(org_id));
        self.send(
            Method::DELETE,
            &path,
            &[],
            Some(&json!({ "members": [user_id] })),
        )
        .await
        .map(|_| ())
    }

    /// All of the organization's invitations (Auth0 keeps them until accepted or long expired).
    pub async fn invitations(&self, org_id: &str) -> Result<Vec<Invitation>, ApiError> {
        self.list_offset(
            &format!("organizations/{}/invitations", seg(org_id)),
            "invitations",
            &[],
        )
        .await
    }

    pub async fn invitation(&self, org_id: &str, id: &str) -> Result<Invitation, ApiError> {
        self.get(
            &format!("organizations/{}/invitations/{}", seg(org_id), seg(id)),
            &[],
        )
        .await
    }

    pub async fn create_invitation(&self, new: &NewInvitation<'_>) -> Result<Invitation, ApiError> {
        let mut body = json!({
            "inviter": { "name": new.inviter },
            "invitee": { "email": new.email },
            "client_id": new.client_id,
            "ttl_sec": new.ttl_sec,
            "send_invitation_email": true,
        });
        if !new.roles.is_empty() {
            body["roles"] = json!(new.roles);
        }
        let path = format!("organizations/{}/invitations", seg(new.org_id));
        decode(self.send(Method::POST, &path, &[], Some(&body)).await?)
    }

    /// 404 counts as done, so a retried revoke succeeds.
    pub async fn delete_invitation(&self, org_id: &str, id: &str) -> Result<(), ApiError> {
        let path = format!("organizations/{}/invitations/{}", seg(org_id), seg(id));
        gone_is_done(self.send(Method::DELETE, &path, &[], None).await)
    }

    /// The ids of the organizations the user belongs to.
    pub async fn organizations_of(&self, user_id: &str) -> Result<Vec<String>, ApiError> {
        #[derive(Deserialize)]
        struct Org {
            id: String,
        }
        let path = format!("users/{}/organizations", seg(user_id));
        let orgs: Vec<Org> = self.list_offset(&path, "organizations", &[]).await?;
        Ok(orgs.into_iter().map(|o| o.id).collect())
    }

    /// Whether the user is a member of the organization, asked from the user's side (reliable for
    /// unknown users and non-members alike).
    pub async fn is_member(&self, org_id: &str, user_id: &str) -> Result<bool, ApiError> {
        #[derive(Deserialize)]
        struct Org {
            id: String,
        }
        let path = format!("users/{}/organizations", seg(user_id));
        match self.list_offset::<Org>(&path, "organizations", &[]).await {
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
            .get("users-by-email", &[("email", email.to_string())])
            .await?;
        Ok(users.into_iter().map(|u| u.user_id).collect())
    }

    /// The tenant's roles (names for ids), one call.
    pub async fn roles(&self) -> Result<Vec<Role>, ApiError> {
        self.list_offset("roles", "roles", &[]).await
    }
}
