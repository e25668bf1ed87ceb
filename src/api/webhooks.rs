//! Webhook endpoints: list with their deliveries, register (the secret answered once), delete, resume.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::model::webhooks::{NewWebhook, WebhookEndpoint};
use crate::model::AppError;
#[cfg(feature = "ssr")]
use crate::server::http::web::change;

#[cfg(feature = "ssr")]
fn endpoint(
    (e, deliveries): (
        crate::server::store::webhooks::Endpoint,
        Vec<crate::server::store::webhooks::Delivery>,
    ),
) -> WebhookEndpoint {
    use crate::clock::iso;
    use crate::model::webhooks::WebhookDelivery;
    WebhookEndpoint {
        id: e.id,
        url: e.url,
        description: e.description,
        created_at: iso(e.created_at),
        created_by: e.created_by,
        failures: u32::try_from(e.failures).unwrap_or(u32::MAX),
        paused_at: e.paused_at.map(iso),
        deliveries: deliveries
            .into_iter()
            .map(|d| WebhookDelivery {
                last: match (d.last_status, d.last_error) {
                    (Some(status), _) if d.state == "delivered" => Some(format!("HTTP {status}")),
                    (_, Some(error)) => Some(error),
                    (Some(status), None) => Some(format!("HTTP {status}")),
                    (None, None) => None,
                },
                next_at: (d.state == "pending").then(|| iso(d.next_at)),
                created_at: iso(d.created_at),
                attempts: u32::try_from(d.attempts).unwrap_or(u32::MAX),
                id: d.id,
                action: d.action,
                state: d.state,
            })
            .collect(),
    }
}

#[server(endpoint = "webhooks/list", input = Json, output = crate::model::wire::TextJson)]
pub async fn list_webhooks(org_id: String) -> Result<Vec<WebhookEndpoint>, AppError> {
    let call = crate::server::http::web::signed_in().await?;
    let view = call.view(&org_id).await?;
    let list = crate::server::service::webhooks::list(&call.ctx(), &view)
        .await
        .map_err(|e| call.fail(e))?;
    Ok(list.into_iter().map(endpoint).collect())
}

/// Registers an endpoint for the organization's audit events; answers its signing secret, once.
#[server(endpoint = "webhooks/create", input = Json, output = crate::model::wire::TextJson)]
pub async fn create_webhook(
    org_id: String,
    url: String,
    description: String,
) -> Result<NewWebhook, AppError> {
    use crate::server::policy::Action::ManageOrganization;
    use crate::server::service::webhooks;
    let reach = use_context::<crate::server::state::AppState>()
        .map(|s| s.config.webhook_reach)
        .unwrap_or_default();
    crate::server::http::web::no_store();
    let done = change(&org_id, ManageOrganization, async |ctx, permit| {
        webhooks::register(ctx, permit, &url, &description, reach).await
    });
    let made = done.await?;
    Ok(NewWebhook {
        id: made.endpoint.id,
        secret: made.secret,
    })
}

#[server(endpoint = "webhooks/delete", input = Json, output = crate::model::wire::TextJson)]
pub async fn delete_webhook(org_id: String, endpoint_id: String) -> Result<(), AppError> {
    use crate::server::policy::Action::ManageOrganization;
    let done = change(&org_id, ManageOrganization, async |ctx, permit| {
        crate::server::service::webhooks::delete(ctx, permit, &endpoint_id).await
    });
    done.await
}

#[server(endpoint = "webhooks/resume", input = Json, output = crate::model::wire::TextJson)]
pub async fn resume_webhook(org_id: String, endpoint_id: String) -> Result<(), AppError> {
    use crate::server::policy::Action::ManageOrganization;
    let done = change(&org_id, ManageOrganization, async |ctx, permit| {
        crate::server::service::webhooks::resume(ctx, permit, &endpoint_id).await
    });
    done.await
}
