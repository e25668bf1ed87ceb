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
    org_settings::read(&ctx, &view)
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
) -> Result<(), AppError> {
    use crate::server::http::web::change;
    use crate::server::policy::Action::ManageOrganization;
    use crate::server::service::org_settings::{self, Changes};
    let reach = use_context::<crate::server::state::AppState>()
        .map(|s| s.config.logo_reach)
        .unwrap_or_default();
    let done = change(&org_id, ManageOrganization, async |ctx, permit| {
        let changes = Changes {
            display_name: &display_name,
            logo_url: &logo_url,
            primary: &primary,
            page_background: &page_background,
        };
        org_settings::update(ctx, permit, &changes, reach).await
    });
    done.await
}
