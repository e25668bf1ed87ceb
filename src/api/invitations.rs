//! Invitations: list, invite, revoke, resend. Each: session → policy → service (validates) → wire
//! type. Changes take JSON bodies.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::model::invitations::{InvitationView, Invitations};
use crate::model::AppError;
#[cfg(feature = "ssr")]
use crate::server::http::web::change;

#[cfg(feature = "ssr")]
pub(crate) mod glue {
    use super::*;
    pub use crate::api::members::glue::assignable;
    use crate::model::members::RoleRef;
    use crate::server::auth0::invitations::Invitation;

    pub fn invitation(
        i: Invitation,
        names: &[RoleRef],
        now: time::OffsetDateTime,
    ) -> InvitationView {
        let expired = crate::server::service::invitations::is_expired(&i, now);
        InvitationView {
            roles: i
                .roles
                .iter()
                .map(|id| {
                    names
                        .iter()
                        .find(|r| &r.id == id)
                        .cloned()
                        .unwrap_or_else(|| RoleRef {
                            id: id.clone(),
                            name: id.clone(),
                            description: None,
                        })
                })
                .collect(),
            id: i.id,
            email: i.invitee.email,
            inviter: i.inviter.name,
            created_at: i.created_at,
            expires_at: i.expires_at,
            expired,
            url: i.invitation_url,
        }
    }

    /// A new invitation as its form's answer shows it (with the roles' names).
    pub async fn made(
        call: &crate::server::http::web::Call,
        made: Invitation,
    ) -> Result<InvitationView, AppError> {
        let names = assignable(call).await?;
        Ok(invitation(made, &names, call.state.config.clock.now()))
    }
}

#[server(endpoint = "invitations/list", input = Json, output = crate::model::wire::TextJson)]
pub async fn list_invitations(org_id: String) -> Result<Invitations, AppError> {
    use crate::server::service::invitations;
    let call = crate::server::http::web::signed_in().await?;
    let permit = call.view(&org_id).await?;
    let list = invitations::list(&call.ctx(), &permit)
        .await
        .map_err(|e| call.fail(e))?;
    let assignable = glue::assignable(&call).await?;
    let now = call.state.config.clock.now();
    Ok(Invitations {
        list: list
            .into_iter()
            .map(|i| glue::invitation(i, &assignable, now))
            .collect(),
        assignable,
        default_days: invitations::DEFAULT_DAYS,
        max_days: invitations::MAX_DAYS,
    })
}

#[server(endpoint = "invitations/create", input = Json, output = crate::model::wire::TextJson)]
pub async fn invite_member(
    org_id: String,
    email: String,
    roles: Vec<String>,
    days: u32,
) -> Result<InvitationView, AppError> {
    use crate::server::policy::Action;
    use crate::server::service::invitations;
    let call = crate::server::http::web::signed_in().await?;
    let permit = call.authorize(&org_id, Action::ManageMembers).await?;
    let made = invitations::create(&call.ctx(), &permit, &email, &roles, days)
        .await
        .map_err(|e| call.fail(e))?;
    glue::made(&call, made).await
}

#[server(endpoint = "invitations/revoke", input = Json, output = crate::model::wire::TextJson)]
pub async fn revoke_invitation(org_id: String, id: String) -> Result<(), AppError> {
    use crate::server::policy::Action::ManageMembers;
    use crate::server::service::invitations;
    let done = change(&org_id, ManageMembers, async |ctx, permit| {
        invitations::revoke(ctx, permit, &id).await
    });
    done.await
}

#[server(endpoint = "invitations/resend", input = Json, output = crate::model::wire::TextJson)]
pub async fn resend_invitation(org_id: String, id: String) -> Result<InvitationView, AppError> {
    use crate::server::policy::Action;
    use crate::server::service::invitations;
    let call = crate::server::http::web::signed_in().await?;
    let permit = call.authorize(&org_id, Action::ManageMembers).await?;
    let made = invitations::resend(&call.ctx(), &permit, &id)
        .await
        .map_err(|e| call.fail(e))?;
    glue::made(&call, made).await
}
