//! Third-party apps: publish a bot for other organizations, install another's app with the
//! installing organization's consent to exactly what it asks for, uninstall.

use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use super::caller::ApiCall;
use super::extract::{Json, Path};
use super::problem::Problem;
use super::scopes::{APPS_READ, APPS_WRITE};
use super::wire;
use crate::server::policy::Action::ManageApps;
use crate::server::service::apps::{self, AppRow, Offer};

fn app(row: AppRow, installs: Option<Vec<String>>) -> wire::App {
    wire::App {
        published: row.is_published(),
        scopes: row.scopes.split_whitespace().map(String::from).collect(),
        app_id: row.app_id,
        client_id: row.client_id,
        name: row.name,
        publisher_org: row.publisher_org,
        publisher_name: row.publisher_name,
        description: row.description,
        audience: row.audience,
        installs,
    }
}

/// The apps this organization publishes (with who installed them) and the ones it installed.
#[utoipa::path(get, path = "/organizations/{org_id}/apps", tag = "Apps",
    params(("org_id" = String, Path)),
    responses((status = 200, body = wire::AppList), super::Errors),
    security(("bearer" = ["apps:read"])))]
pub async fn list(
    call: ApiCall,
    Path(org_id): Path<String>,
) -> Result<axum::Json<wire::AppList>, Problem> {
    let view = call.view(&org_id, APPS_READ).await?;
    let ctx = call.ctx();
    let published = apps::published_by(&ctx, &view)
        .await
        .map_err(|e| call.fail(e))?;
    let installed = apps::installed_in(&ctx, &view)
        .await
        .map_err(|e| call.fail(e))?;
    Ok(axum::Json(wire::AppList {
        published: published
            .into_iter()
            .map(|(row, installs)| app(row, Some(installs.into_iter().map(|i| i.org_id).collect())))
            .collect(),
        installed: installed
            .into_iter()
            .map(|(row, _)| app(row, None))
            .collect(),
    }))
}

/// Publishes one of the organization's bots as an app others may install.
#[utoipa::path(post, path = "/organizations/{org_id}/apps", tag = "Apps",
    params(("org_id" = String, Path), ("Idempotency-Key" = String, Header, description = "Unique per create (a UUID); a repeat replays the first answer")),
    request_body = wire::NewApp,
    responses((status = 201, body = wire::App), super::Errors),
    security(("bearer" = ["apps:write"])))]
pub async fn publish(
    call: ApiCall,
    Path(org_id): Path<String>,
    headers: HeaderMap,
    body: Json<wire::NewApp>,
) -> Response {
    let (permit, new) = match call
        .change_with(&org_id, APPS_WRITE, ManageApps, body)
        .await
    {
        Ok(both) => both,
        Err(p) => return p.into_response(),
    };
    let path = format!("/organizations/{org_id}/apps");
    let (call, new, permit) = (&call, &new, &permit);
    super::idempotency::once(call, &headers, &path, new, |_| async move {
        let ctx = call.ctx();
        let offer = Offer {
            publisher_name: permit.org_name(),
            client_id: &new.client_id,
            description: &new.description,
            audience: &new.audience,
            scopes: &new.scopes,
            change_access: new.change_access,
        };
        let row = apps::publish(&ctx, permit, offer)
            .await
            .map_err(|e| call.fail(e))?;
        Ok(super::idempotency::Created::same(&app(
            row,
            Some(Vec::new()),
        )))
    })
    .await
}

/// Stops offering the app for new installs (organizations that installed it keep it).
#[utoipa::path(delete, path = "/organizations/{org_id}/apps/{app_id}", tag = "Apps",
    params(("org_id" = String, Path), ("app_id" = String, Path)),
    responses((status = 204, description = "Unpublished"), super::Errors),
    security(("bearer" = ["apps:write"])))]
pub async fn unpublish(
    call: ApiCall,
    Path((org_id, app_id)): Path<(String, String)>,
) -> Result<StatusCode, Problem> {
    let permit = call.change(&org_id, APPS_WRITE, ManageApps).await?;
    apps::unpublish(&call.ctx(), &permit, &app_id)
        .await
        .map_err(|e| call.fail(e))?;
    Ok(StatusCode::NO_CONTENT)
}

/// Installs another organization's app, consenting to exactly the API and scopes it asks for now.
#[utoipa::path(post, path = "/organizations/{org_id}/installs", tag = "Apps",
    params(("org_id" = String, Path), ("Idempotency-Key" = String, Header, description = "Unique per create (a UUID); a repeat replays the first answer")),
    request_body = wire::Install,
    responses((status = 201, body = wire::App), super::Errors),
    security(("bearer" = ["apps:write"])))]
pub async fn install(
    call: ApiCall,
    Path(org_id): Path<String>,
    headers: HeaderMap,
    body: Json<wire::Install>,
) -> Response {
    let (permit, new) = match call
        .change_with(&org_id, APPS_WRITE, ManageApps, body)
        .await
    {
        Ok(both) => both,
        Err(p) => return p.into_response(),
    };
    let path = format!("/organizations/{org_id}/installs");
    let (call, new, permit) = (&call, &new, &permit);
    super::idempotency::once(call, &headers, &path, new, |_| async move {
        let ctx = call.ctx();
        let (row, _) = apps::visible(&ctx, permit, &new.app_id)
            .await
            .map_err(|e| call.fail(e))?;
        let mut asked: Vec<&str> = row.scopes.split_whitespace().collect();
        let mut given: Vec<&str> = new.consent.scopes.iter().map(String::as_str).collect();
        asked.sort_unstable();
        given.sort_unstable();
        given.dedup();
        if row.audience != new.consent.audience || asked != given {
            return Err(Problem::new(
                StatusCode::CONFLICT,
                "consent-mismatch",
                format!(
                    "The app asks for {} on {}; consent to exactly that (nothing was installed).",
                    asked.join(" "),
                    row.audience
                ),
            )
            .with_request_id(call.rid()));
        }
        apps::install(&ctx, permit, permit.org_name(), &row.app_id)
            .await
            .map_err(|e| call.fail(e))?;
        Ok(super::idempotency::Created::same(&app(row, None)))
    })
    .await
}

/// Uninstalls an app: its access to this organization ends.
#[utoipa::path(delete, path = "/organizations/{org_id}/installs/{app_id}", tag = "Apps",
    params(("org_id" = String, Path), ("app_id" = String, Path)),
    responses((status = 204, description = "Uninstalled"), super::Errors),
    security(("bearer" = ["apps:write"])))]
pub async fn uninstall(
    call: ApiCall,
    Path((org_id, app_id)): Path<(String, String)>,
) -> Result<StatusCode, Problem> {
    let permit = call.change(&org_id, APPS_WRITE, ManageApps).await?;
    apps::uninstall(&call.ctx(), &permit, &app_id)
        .await
        .map_err(|e| call.fail(e))?;
    Ok(StatusCode::NO_CONTENT)
}
