//! The desk's frame: who is signed in (`me`), the organization an invitee just joined, and what every
//! desk page shows around its content (the vendor's APIs, the token URL). Session → policy → wire type.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::model::desk::{Desk, Me};
use crate::model::AppError;

#[cfg(feature = "ssr")]
pub(crate) mod glue {
    use super::*;
    use crate::server::auth::Role;

    pub fn me(user: &crate::server::auth::SessionUser) -> Me {
        Me {
            name: user.name.clone(),
            email: user.email.clone(),
            org_id: user.org_id.clone(),
            org_name: user.org_name.clone(),
            role: match user.role {
                Role::Admin => "admin".into(),
                Role::Support => "support".into(),
            },
            csrf: user.csrf.clone(),
            several_orgs: user.organizations > 1,
        }
    }

    /// The vendor's APIs with the tenant's names and scope descriptions.
    pub async fn apis(call: &crate::server::http::web::Call) -> Vec<crate::model::desk::ApiOption> {
        let state = &call.state;
        state
            .catalog
            .apis(&state.mgmt, &state.config.identity.apis)
            .await
            .into_iter()
            .map(|a| crate::model::desk::ApiOption {
                audience: a.audience,
                name: a.name,
                descriptions: a.scopes.iter().map(|(_, d)| d.clone()).collect(),
                scopes: a.scopes.into_iter().map(|(s, _)| s).collect(),
            })
            .collect()
    }
}

/// The signed-in user, if any (public: answers "nobody" to strangers).
#[server(endpoint = "me", input = Json, output = crate::model::wire::TextJson)]
pub async fn whoami() -> Result<Option<Me>, AppError> {
    match crate::server::http::web::signed_in().await {
        Ok(call) => Ok(Some(glue::me(&call.user))),
        Err(e) if e.kind == crate::model::ErrorKind::Unauthenticated => {
            if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
                response.set_status(axum::http::StatusCode::OK);
            }
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

/// The organization an invitee just joined (from the short-lived cookie the sign-in set), for
/// `/joined`. Public: it only repeats what this browser was told a moment ago.
#[server(endpoint = "joined", input = Json, output = crate::model::wire::TextJson)]
pub async fn joined_org() -> Result<Option<String>, AppError> {
    let headers = use_context::<axum::http::request::Parts>()
        .map(|p| p.headers)
        .unwrap_or_default();
    let name = crate::server::auth::routes::JOINED_COOKIE;
    let value = crate::cookies::first(&headers, name).and_then(crate::cookies::form_decoded);
    Ok(value.map(|org| org.chars().take(200).collect()))
}

#[server(endpoint = "desk", input = Json, output = crate::model::wire::TextJson)]
pub async fn load_desk(org_id: String) -> Result<Desk, AppError> {
    let call = crate::server::http::web::signed_in().await?;
    call.view(&org_id).await?;
    Ok(Desk {
        me: glue::me(&call.user),
        apis: glue::apis(&call).await,
        token_url: format!("{}oauth/token", call.state.issuer),
        form_token: uuid::Uuid::new_v4().to_string(),
    })
}
