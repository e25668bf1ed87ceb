//! The organization's settings page: its names and branding, read and changed by its admins.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::model::organization::OrgSettings;
use crate::model::AppError;

#[server(endpoint = "organization/settings", input = Json, output = crate::model::wire::TextJson)]
pub async fn load_org_settings(org_id: String) -> Result<OrgSettings, AppError> {
    use crate::server::service::org_settings;
    let call = crate::server::http::web::signed_in().await?;
    let view = call.view(&org_id).await?;
    let ctx = call.ctx();
    org_settings::read(&ctx, &view, &call.state.config.org_metadata)
        .await
        .map_err(|e| call.fail(e))
}

#[server(endpoint = "organization/update", input = Json, output = crate::model::wire::TextJson)]
pub async fn update_org_settings(
    org_id: String,
    display_name: String,
    logo_url: String,
    primary: String,
    page_background: String,
    /// The editable metadata keys and their values, in the same order.
    #[server(default)]
    metadata_keys: Vec<String>,
    #[server(default)] metadata_values: Vec<String>,
) -> Result<(), AppError> {
    use crate::server::http::web::change;
    use crate::server::policy::Action::ManageOrganization;
    use crate::server::service::org_settings::{self, Changes};
    let state = use_context::<crate::server::state::AppState>();
    let reach = state
        .as_ref()
        .map(|s| s.config.logo_reach)
        .unwrap_or_default();
    let fields = state
        .map(|s| s.config.org_metadata.clone())
        .unwrap_or_default();
    let paired = metadata_keys.len() == metadata_values.len();
    let metadata: Vec<(String, String)> = metadata_keys.into_iter().zip(metadata_values).collect();
    let done = change(&org_id, ManageOrganization, async |ctx, permit| {
        if !paired {
            return Err(crate::server::service::invalid(
                "metadata",
                "Each detail needs its key and its value.",
            ));
        }
        let changes = Changes {
            display_name: &display_name,
            logo_url: &logo_url,
            primary: &primary,
            page_background: &page_background,
            metadata: &metadata,
        };
        org_settings::update(ctx, permit, &changes, reach, &fields).await
    });
    done.await
}

/// Ends this browser's session: the person is no longer in the organization it was for.
#[cfg(feature = "ssr")]
async fn end_session() {
    if let Ok(session) = leptos_axum::extract::<tower_sessions::Session>().await {
        if let Err(err) = crate::server::auth::session::sign_out(&session).await {
            tracing::error!(error = %err, "cannot delete the session");
        }
    }
}

#[server(endpoint = "organization/leave", input = Json, output = crate::model::wire::TextJson)]
pub async fn leave_org(org_id: String) -> Result<(), AppError> {
    use crate::server::http::web::change;
    use crate::server::policy::Action::ManageMembers;
    use crate::server::service::members;
    change(&org_id, ManageMembers, async |ctx, permit| {
        members::leave(ctx, permit).await
    })
    .await?;
    end_session().await;
    Ok(())
}

#[server(endpoint = "organization/delete", input = Json, output = crate::model::wire::TextJson)]
pub async fn delete_org(org_id: String, confirm: String) -> Result<(), AppError> {
    use crate::server::http::web::change;
    use crate::server::policy::Action::ManageOrganization;
    use crate::server::service::org_settings;
    let done = change(&org_id, ManageOrganization, async |ctx, permit| {
        org_settings::delete(ctx, permit, &confirm).await
    });
    done.await?;
    end_session().await;
    Ok(())
}
