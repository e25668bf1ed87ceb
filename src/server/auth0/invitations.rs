//! Organization invitations (`/api/v2/organizations/{id}/invitations`).

use reqwest::Method;
use serde::{Deserialize, Serialize};

use super::client::{from_body, gone_is_done, ManagementClient};
use super::error::ApiError;
use super::paths;

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Invitee {
    pub email: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
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

/// `POST .../invitations` as orgdesk sends it (Auth0 emails the invitee).
#[derive(Debug, Serialize)]
struct InvitationBody<'a> {
    inviter: Inviter,
    invitee: Invitee,
    client_id: &'a str,
    ttl_sec: u32,
    send_invitation_email: bool,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    roles: &'a [String],
}

impl ManagementClient {
    /// All of the organization's invitations (Auth0 keeps them until accepted or long expired).
    pub async fn invitations(&self, org_id: &str) -> Result<Vec<Invitation>, ApiError> {
        self.list_offset(&paths::invitations(org_id), "invitations", &[])
            .await
    }

    pub async fn invitation(&self, org_id: &str, id: &str) -> Result<Invitation, ApiError> {
        self.get(&paths::invitation(org_id, id), &[]).await
    }

    pub async fn create_invitation(&self, new: &NewInvitation<'_>) -> Result<Invitation, ApiError> {
        let body = InvitationBody {
            inviter: Inviter {
                name: new.inviter.to_string(),
            },
            invitee: Invitee {
                email: new.email.to_string(),
            },
            client_id: new.client_id,
            ttl_sec: new.ttl_sec,
            send_invitation_email: true,
            roles: new.roles,
        };
        from_body(
            self.send_json(Method::POST, &paths::invitations(new.org_id), &body)
                .await?,
        )
    }

    /// 404 counts as done, so a retried revoke succeeds.
    pub async fn delete_invitation(&self, org_id: &str, id: &str) -> Result<(), ApiError> {
        gone_is_done(
            self.send(Method::DELETE, &paths::invitation(org_id, id), &[], None)
                .await,
        )
    }
}
