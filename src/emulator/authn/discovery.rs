//! `GET /.well-known/openid-configuration` and `GET /.well-known/jwks.json` (SPEC §2.1, §2.2).

use std::sync::Arc;

use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};

use super::super::Emulator;

pub async fn openid_configuration(State(e): State<Arc<Emulator>>) -> Json<Value> {
    let iss = &e.issuer;
    Json(json!({
        "issuer": e.hostile.discovered_issuer(iss),
        "authorization_endpoint": format!("{iss}authorize"),
        "token_endpoint": format!("{iss}oauth/token"),
        "device_authorization_endpoint": format!("{iss}oauth/device/code"),
        "userinfo_endpoint": format!("{iss}userinfo"),
        "mfa_challenge_endpoint": format!("{iss}mfa/challenge"),
        "jwks_uri": format!("{iss}.well-known/jwks.json"),
        "registration_endpoint": format!("{iss}oidc/register"),
        "revocation_endpoint": format!("{iss}oauth/revoke"),
        "scopes_supported": ["openid", "profile", "offline_access", "name", "given_name", "family_name", "nickname",
            "email", "email_verified", "picture", "created_at", "identities", "phone", "address"],
        "response_types_supported": ["code", "token", "id_token", "code token", "code id_token", "token id_token",
            "code token id_token"],
        "code_challenge_methods_supported": ["S256", "plain"],
        "response_modes_supported": ["query", "fragment", "form_post"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["HS256", "RS256", "PS256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "private_key_jwt"],
        "claims_supported": ["aud", "auth_time", "created_at", "email", "email_verified", "exp", "family_name",
            "given_name", "iat", "identities", "iss", "name", "nickname", "phone_number", "picture", "sub"],
        "request_uri_parameter_supported": false,
        "request_parameter_supported": false,
        "token_endpoint_auth_signing_alg_values_supported": ["RS256", "RS384", "PS256"],
        "end_session_endpoint": format!("{iss}oidc/logout"),
    }))
}

pub async fn jwks(State(e): State<Arc<Emulator>>) -> axum::response::Response {
    use axum::response::IntoResponse;
    if e.hostile.jwks_requested() {
        // Test-only: the keys are one redirect away.
        return axum::response::Redirect::temporary("/__emulator/jwks").into_response();
    }
    Json(e.hostile.jwks(&e.keys())).into_response()
}

/// The JWKS behind the hostile redirect (mounted with the control API only).
pub async fn redirected_jwks(State(e): State<Arc<Emulator>>) -> Json<Value> {
    Json(e.keys().jwks())
}
