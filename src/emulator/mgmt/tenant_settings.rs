//! `/api/v2/tenants/settings`: the settings the local tenant acts on (the default login route,
//! organization names in the Authentication API); the rest of Auth0's schema is kept and answered
//! back.

use axum::body::Bytes;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::super::errors::MgmtError;
use super::super::quota;
use super::super::store::TenantState;
use super::auth::Caller;
use super::body::{self, invalid_on};

/// Every property of Auth0's `UpdateTenantSettingsRequestContent`.
const FIELDS: &[&str] = &[
    "change_password",
    "device_flow",
    "guardian_mfa_page",
    "default_audience",
    "default_directory",
    "error_page",
    "default_token_quota",
    "flags",
    "friendly_name",
    "picture_url",
    "support_email",
    "support_url",
    "allowed_logout_urls",
    "session_lifetime",
    "session_lifetime_in_minutes",
    "idle_session_lifetime",
    "idle_session_lifetime_in_minutes",
    "ephemeral_session_lifetime",
    "idle_ephemeral_session_lifetime",
    "ephemeral_session_lifetime_in_minutes",
    "idle_ephemeral_session_lifetime_in_minutes",
    "sandbox_version",
    "legacy_sandbox_version",
    "default_redirection_uri",
    "enabled_locales",
    "security_headers",
    "session_cookie",
    "sessions",
    "oidc_logout",
    "customize_mfa_in_postlogin_action",
    "allow_organization_name_in_authentication_api",
    "acr_values_supported",
    "mtls",
    "pushed_authorization_requests_supported",
    "authorization_response_iss_parameter_supported",
    "skip_non_verifiable_callback_uri_confirmation_prompt",
    "resource_parameter_profile",
    "client_id_metadata_document_supported",
    "enable_ai_guide",
    "phone_consolidated_experience",
    "include_session_metadata_in_tenant_logs",
    "dynamic_client_registration_security_mode",
    "country_codes",
];
const TYPED: &[&str] = &[
    "default_redirection_uri",
    "allow_organization_name_in_authentication_api",
];

#[derive(Deserialize)]
struct Patch {
    default_redirection_uri: Option<String>,
    allow_organization_name_in_authentication_api: Option<bool>,
}

fn render(t: &TenantState) -> Value {
    let mut v = json!({
        "allow_organization_name_in_authentication_api": t.org_names_in_tokens,
    });
    if let Some(uri) = &t.default_redirection_uri {
        v["default_redirection_uri"] = json!(uri);
    }
    body::answer_back(&mut v, &t.settings);
    v
}

pub async fn get(caller: Caller) -> Result<Json<Value>, MgmtError> {
    caller.require(&["read:tenant_settings"])?;
    Ok(Json(render(&caller.read())))
}

/// The default login route must be an absolute https address (or empty, which removes it).
pub async fn update(caller: Caller, raw: Bytes) -> Result<Json<Value>, MgmtError> {
    caller.require(&["update:tenant_settings"])?;
    let (b, map): (Patch, _) = body::parse_patch(&raw, FIELDS)?;
    if let Some(defaults) = map.get("default_token_quota") {
        quota::validate_defaults(defaults)?;
    }
    let route = match b.default_redirection_uri.as_deref() {
        None => None,
        Some("") => Some(None),
        Some(uri) if uri.starts_with("https://") && url::Url::parse(uri).is_ok() => {
            Some(Some(uri.to_string()))
        }
        Some(_) => {
            return Err(invalid_on(
                "Object didn't pass validation for format absolute-https-uri-or-empty",
                "default_redirection_uri",
            ))
        }
    };
    let mut t = caller.write();
    if let Some(route) = route {
        t.default_redirection_uri = route;
    }
    if let Some(on) = b.allow_organization_name_in_authentication_api {
        t.org_names_in_tokens = on;
    }
    for (k, v) in map.iter().filter(|(k, _)| !TYPED.contains(&k.as_str())) {
        let (k, v) = (k.clone(), v.clone());
        if v.is_null() {
            t.settings.remove(&k);
            continue;
        }
        // Lifetimes given in minutes are kept and answered in hours, as Auth0 answers them
        // (go-auth0 TestTenantManager: `idle_ephemeral_session_lifetime_in_minutes: 15` reads
        // back as `idle_ephemeral_session_lifetime: 0.25`).
        match (k.strip_suffix("_in_minutes"), v.as_f64()) {
            (Some(hours_key), Some(minutes)) => {
                t.settings
                    .insert(hours_key.to_string(), json!(minutes / 60.0));
            }
            _ => {
                t.settings.insert(k, v);
            }
        }
    }
    Ok(Json(render(&t)))
}
