//! The Authentication API subset: discovery, JWKS, `/authorize` with its login pages, `/oauth/token`,
//! `/userinfo` and logout.

pub mod assertion;
pub mod authorize;
pub mod discovery;
pub mod mfa;
pub mod pages;
pub mod session;
pub mod token;
pub mod tokens;

use std::sync::Arc;

use axum::routing::{get, post};
use axum::Router;

use super::Emulator;

pub fn routes() -> Router<Arc<Emulator>> {
    Router::new()
        .route(
            "/.well-known/openid-configuration",
            get(discovery::openid_configuration),
        )
        .route("/.well-known/jwks.json", get(discovery::jwks))
        .route("/authorize", get(authorize::authorize))
        .route("/u/login", post(authorize::login))
        .route("/u/organization", post(authorize::choose_organization))
        .route("/u/mfa", post(mfa::verify))
        .route("/oauth/token", post(token::token))
        .route("/userinfo", get(session::userinfo).post(session::userinfo))
        .route("/v2/logout", get(session::logout))
        .route("/oidc/logout", get(session::oidc_logout))
}
