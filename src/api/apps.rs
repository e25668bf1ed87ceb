//! Third-party apps: publish, unpublish, the install page, install / decline / uninstall.
//! Each: session → policy → service (validates) → wire type. Changes take JSON bodies.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::model::apps::{AppListing, AppsDesk, PublishedApp};
use crate::model::AppError;
#[cfg(feature = "ssr")]
use crate::server::http::web::change;

#[cfg(feature = "ssr")]
pub(crate) mod glue {
    use super::*;
    use crate::model::apps::{InstallView, InstalledApp};
    use crate::server::service::apps::{AppRow, InstallRow};

    fn scopes(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    pub fn install(i: InstallRow) -> InstallView {
        InstallView {
            org_id: i.org_id,
            org_name: i.org_name,
            installed_at: i.installed_at,
        }
    }

    pub fn published(public_url: &str, (app, installs): (AppRow, Vec<InstallRow>)) -> PublishedApp {
        PublishedApp {
            install_url: format!("{}/apps/{}", public_url.trim_end_matches('/'), app.app_id),
            scopes: scopes(&app.scopes),
            installs: installs.into_iter().map(install).collect(),
            app_id: app.app_id,
            client_id: app.client_id,
            name: app.name,
            description: app.description,
            publisher: app.publisher_name,
            audience: app.audience,
            published: app.published != 0,
        }
    }

    pub fn installed((app, install): (AppRow, InstallRow)) -> InstalledApp {
        InstalledApp {
            scopes: scopes(&app.scopes),
            app_id: app.app_id,
            name: app.name,
            publisher: app.publisher_name,
            audience: app.audience,
            installed_at: install.installed_at,
        }
    }

    /// The app's API name and its scopes' descriptions, from the tenant's catalog.
    pub async fn described(
        state: &crate::server::state::AppState,
        app: &AppRow,
    ) -> (String, Vec<Option<String>>) {
        let apis = state
            .catalog
            .apis(&state.mgmt, &state.config.identity.apis)
            .await;
        let api = apis.iter().find(|a| a.audience == app.audience);
        let name = api
            .map(|a| a.name.clone())
            .unwrap_or_else(|| crate::server::catalog::label(&app.audience));
        let descriptions = app
            .scopes
            .split_whitespace()
            .map(|s| {
                api.and_then(|a| a.scopes.iter().find(|(v, _)| v == s))
                    .and_then(|(_, d)| d.clone())
            })
            .collect();
        (name, descriptions)
    }

    pub fn org_name(user: &crate::server::auth::SessionUser) -> String {
        user.org_name.clone().unwrap_or_else(|| user.org_id.clone())
    }
}

#[server(endpoint = "apps/desk", input = Json, output = crate::model::wire::TextJson)]
pub async fn load_apps(org_id: String) -> Result<AppsDesk, AppError> {
    use crate::server::service::apps;
    let call = crate::server::http::web::signed_in().await?;
    let permit = call.view(&org_id).await?;
    let ctx = call.ctx();
    let url = &call.state.config.public_url;
    let published = apps::published_by(&ctx, &permit)
        .await
        .map_err(|e| call.fail(e))?;
    let installed = apps::installed_in(&ctx, &permit)
        .await
        .map_err(|e| call.fail(e))?;
    Ok(AppsDesk {
        published: published
            .into_iter()
            .map(|p| glue::published(url, p))
            .collect(),
        installed: installed.into_iter().map(glue::installed).collect(),
    })
}

#[server(endpoint = "apps/publish", input = Json, output = crate::model::wire::TextJson)]
pub async fn publish_app(
    org_id: String,
    client_id: String,
    description: String,
    audience: String,
    scopes: Vec<String>,
    /// The publisher accepted that the bot's own access changes to these scopes.
    #[server(default)]
    change_access: bool,
) -> Result<PublishedApp, AppError> {
    use crate::server::policy::Action;
    use crate::server::service::apps;
    let call = crate::server::http::web::signed_in().await?;
    let permit = call.authorize(&org_id, Action::ManageApps).await?;
    let ctx = call.ctx();
    let publisher = glue::org_name(&call.user);
    let offer = apps::Offer {
        publisher_name: &publisher,
        client_id: &client_id,
        description: &description,
        audience: &audience,
        scopes: &scopes,
        change_access,
    };
    let app = apps::publish(&ctx, &permit, offer)
        .await
        .map_err(|e| call.fail(e))?;
    Ok(glue::published(
        &call.state.config.public_url,
        (app, Vec::new()),
    ))
}

#[server(endpoint = "apps/unpublish", input = Json, output = crate::model::wire::TextJson)]
pub async fn unpublish_app(org_id: String, app_id: String) -> Result<(), AppError> {
    use crate::server::policy::Action::ManageApps;
    use crate::server::service::apps;
    let done = change(&org_id, ManageApps, async |ctx, permit| {
        apps::unpublish(ctx, permit, &app_id).await
    });
    done.await
}

/// The install page: who publishes the app and what it asks for. Signed in, for the caller's
/// organization; signed out, a published app's public description only (the link is meant to be
/// shared), with a way to sign in.
#[server(endpoint = "apps/listing", input = Json, output = crate::model::wire::TextJson)]
pub async fn load_app_listing(app_id: String) -> Result<AppListing, AppError> {
    use crate::server::service::apps;
    let (state, call) = crate::server::http::web::signed_in_or_not().await?;
    let Some(call) = call else {
        let not_found = || {
            crate::server::http::web::reply(AppError::new(
                crate::model::ErrorKind::NotFound,
                "That app does not exist here.",
            ))
        };
        let app = apps::public(&state.db, &app_id)
            .await
            .map_err(|_| not_found())?;
        let app = app.ok_or_else(not_found)?;
        let (api_name, scope_descriptions) = glue::described(&state, &app).await;
        return Ok(AppListing {
            signed_in: false,
            api_name,
            scope_descriptions,
            own: false,
            installed: false,
            declined_at: None,
            org_id: String::new(),
            org_name: String::new(),
            scopes: app.scopes.split_whitespace().map(String::from).collect(),
            published: true,
            app_id: app.app_id,
            name: app.name,
            description: app.description,
            publisher: app.publisher_name,
            audience: app.audience,
        });
    };
    let org_id = call.user.org_id.clone();
    let permit = call.view(&org_id).await?;
    let ctx = call.ctx();
    let (app, install) = apps::visible(&ctx, &permit, &app_id)
        .await
        .map_err(|e| call.fail(e))?;
    let declined_at = apps::declined_at(&ctx, &app.app_id, permit.org_id())
        .await
        .map_err(|e| call.fail(e))?;
    let (api_name, scope_descriptions) = glue::described(&state, &app).await;
    Ok(AppListing {
        signed_in: true,
        api_name,
        scope_descriptions,
        declined_at,
        own: app.publisher_org == permit.org_id(),
        scopes: app.scopes.split_whitespace().map(String::from).collect(),
        app_id: app.app_id,
        name: app.name,
        description: app.description,
        publisher: app.publisher_name,
        audience: app.audience,
        published: app.published != 0,
        org_name: glue::org_name(&call.user),
        org_id,
        installed: install.is_some(),
    })
}

#[server(endpoint = "apps/install", input = Json, output = crate::model::wire::TextJson)]
pub async fn install_app(org_id: String, app_id: String) -> Result<(), AppError> {
    use crate::server::policy::Action::ManageApps;
    use crate::server::service::apps;
    let done = change(&org_id, ManageApps, async |ctx, permit| {
        apps::install(ctx, permit, permit.org_name(), &app_id).await
    });
    done.await
}

#[server(endpoint = "apps/decline", input = Json, output = crate::model::wire::TextJson)]
pub async fn decline_app(org_id: String, app_id: String) -> Result<(), AppError> {
    use crate::server::policy::Action::ManageApps;
    use crate::server::service::apps;
    let done = change(&org_id, ManageApps, async |ctx, permit| {
        apps::decline(ctx, permit, permit.org_name(), &app_id).await
    });
    done.await
}

#[server(endpoint = "apps/uninstall", input = Json, output = crate::model::wire::TextJson)]
pub async fn uninstall_app(org_id: String, app_id: String) -> Result<(), AppError> {
    use crate::server::policy::Action::ManageApps;
    use crate::server::service::apps;
    let done = change(&org_id, ManageApps, async |ctx, permit| {
        apps::uninstall(ctx, permit, &app_id).await
    });
    done.await
}
