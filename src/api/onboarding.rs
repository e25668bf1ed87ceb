//! `/onboarding`'s data: whether customers may create organizations here and, for a person signed
//! in through the sign-up application, their organizations and last refused attempt. Public: it
//! answers only about this browser's own session.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::model::onboarding::Onboarding;
use crate::model::AppError;

#[server(endpoint = "onboarding", input = Json, output = crate::model::wire::TextJson)]
pub async fn load_onboarding() -> Result<Onboarding, AppError> {
    use crate::model::onboarding::{Newcomer, OrgLink};
    use crate::model::ErrorKind;
    use crate::server::onboarding::newcomer;
    use crate::server::service::organizations::founded_by;

    let state = use_context::<crate::server::state::AppState>()
        .ok_or_else(|| AppError::new(ErrorKind::Internal, "Server state is not available."))?;
    let available = state.onboarding_oidc.is_some();
    let session: tower_sessions::Session = leptos_axum::extract()
        .await
        .map_err(|_| AppError::new(ErrorKind::Internal, "The session is not available."))?;
    let found = match available {
        true => newcomer::current(&session, &state.config).await,
        false => None,
    };
    let Some(found) = found else {
        return Ok(Onboarding {
            available,
            newcomer: None,
        });
    };
    let person = &found.person;
    let organizations = state
        .mgmt
        .organizations_of_user(&person.user_id)
        .await
        .map_err(|_| {
            AppError::new(
                ErrorKind::Unavailable,
                "orgdesk could not read your organizations right now. Please reload in a moment.",
            )
        })?;
    let created = founded_by(&organizations, &person.user_id);
    // Taken from the session before the page rendered (`page_status`); only the page shows it.
    let outcome = use_context::<axum::http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<newcomer::Shown>().cloned())
        .and_then(|shown| shown.0);
    Ok(Onboarding {
        available,
        newcomer: Some(Newcomer {
            name: person.name.clone(),
            email: person.email.clone(),
            csrf: found.csrf.clone(),
            organizations: organizations
                .iter()
                .map(|org| OrgLink {
                    id: org.id.clone(),
                    label: org.label().to_string(),
                })
                .collect(),
            limit: state.config.onboarding.per_person,
            created,
            outcome,
        }),
    })
}
