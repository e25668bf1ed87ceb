//! The service status check. Public on purpose: it tells no more than `/readyz` does.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::model::status::StatusReport;
use crate::model::AppError;

#[server(endpoint = "service_status", input = Json, output = crate::model::wire::TextJson)]
pub async fn service_status() -> Result<StatusReport, AppError> {
    use crate::model::ErrorKind;
    use crate::server::{state::AppState, store};

    let state = use_context::<AppState>()
        .ok_or_else(|| AppError::new(ErrorKind::Internal, "Server state is not available."))?;
    let schema = store::schema_version(&state.db).await;
    if let Err(err) = &schema {
        tracing::warn!(error = %err, "status check: database error");
    }
    Ok(StatusReport {
        version: env!("CARGO_PKG_VERSION").to_string(),
        database_reachable: schema.is_ok(),
        schema_version: schema.unwrap_or(0),
        identity_provider: match state.config.identity.upstream {
            crate::server::identity::Upstream::Local { .. } => "local tenant".into(),
            crate::server::identity::Upstream::Auth0 { .. } => "Auth0".into(),
        },
    })
}

/// How busy the Management API queue is, for the desk's notice while a change waits its turn.
#[server(endpoint = "queue", input = Json, output = crate::model::wire::TextJson)]
pub async fn auth0_queue() -> Result<crate::model::status::QueueReport, AppError> {
    let call = crate::server::http::web::signed_in().await?;
    let queue = call.state.mgmt.queue();
    Ok(crate::model::status::QueueReport {
        waiting: queue.waiting,
        seconds: queue.wait.as_secs() + u64::from(queue.wait.subsec_nanos() > 0),
        per_second: queue.per_second,
    })
}
