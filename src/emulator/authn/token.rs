//! `POST /oauth/token` (SPEC §2.4): authorization_code (with PKCE), refresh_token and client_credentials
//! (with `audience` and `organization`); client_secret_post and client_secret_basic; form or JSON bodies.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::super::errors::OAuthError;
use super::super::hostile::Forge;
use super::super::ids;
use super::super::model::{Client, LogEvent};
use super::super::quota::{Holder, Limits};
use super::super::store::{RefreshGrant, TenantState};
use super::super::Emulator;
use super::assertion;
use super::tokens::{self, UserTokenRequest};
use crate::model::m2m::{decide, Decision, OrgClaim, OrgRef, OrganizationUsage};

type Form = HashMap<String, String>;

fn parse_body(headers: &HeaderMap, body: &Bytes) -> Result<Form, OAuthError> {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if json {
        let value: Value = serde_json::from_slice(body)
            .map_err(|_| OAuthError::invalid_request("Invalid JSON body"))?;
        let obj = value
            .as_object()
            .ok_or_else(|| OAuthError::invalid_request("Invalid JSON body"))?;
        Ok(obj
            .iter()
            .filter_map(|(k, v)| match v {
                Value::String(s) => Some((k.clone(), s.clone())),
                Value::Number(n) => Some((k.clone(), n.to_string())),
                _ => None,
            })
            .collect())
    } else {
        serde_urlencoded::from_bytes(body)
            .map_err(|_| OAuthError::invalid_request("Invalid request body"))
    }
}

/// Equal-time comparison, so response timing does not reveal how much of a secret matched.
fn same(a: &str, b: &str) -> bool {
    subtle::ConstantTimeEq::ct_eq(a.as_bytes(), b.as_bytes()).into()
}

/// Client authentication: a signed assertion (`private_key_jwt`), HTTP Basic, or `client_id` +
/// `client_secret` in the body; public clients (`token_endpoint_auth_method=none`) send only
/// `client_id`. A client with keys in use authenticates with them only, as on Auth0.
fn authenticate(
    e: &Emulator,
    t: &TenantState,
    headers: &HeaderMap,
    form: &Form,
) -> Result<Client, OAuthError> {
    if let Some(kind) = form.get("client_assertion_type") {
        if kind != assertion::JWT_BEARER {
            return Err(OAuthError::invalid_request(format!(
                "Unsupported client_assertion_type: {kind}"
            )));
        }
        let signed = form.get("client_assertion").ok_or_else(|| {
            OAuthError::invalid_request("Missing required parameter: client_assertion")
        })?;
        return assertion::authenticate(
            t,
            &e.replays,
            &e.issuer,
            e.now_ms(),
            form.get("client_id").map(String::as_str),
            signed,
        );
    }
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b| STANDARD.decode(b.trim()).ok())
        .and_then(|raw| String::from_utf8(raw).ok())
        .and_then(|pair| {
            let (id, secret) = pair.split_once(':')?;
            let decode = |s: &str| percent_decode(s);
            Some((decode(id), Some(decode(secret))))
        });
    let (client_id, secret) = match basic {
        Some(pair) => pair,
        None => (
            form.get("client_id").cloned().unwrap_or_default(),
            form.get("client_secret").cloned(),
        ),
    };
    if client_id.is_empty() {
        return Err(OAuthError::invalid_request(
            "Missing required parameter: client_id",
        ));
    }
    let client = t
        .clients
        .get(&client_id)
        .ok_or_else(OAuthError::bad_client)?;
    if client.credentials.iter().any(|c| c.in_use) {
        return Err(OAuthError::bad_client());
    }
    match secret {
        Some(s) if same(&s, &client.client_secret) => Ok(client.clone()),
        None if client.is_public() => Ok(client.clone()),
        _ => Err(OAuthError::bad_client()),
    }
}

fn percent_decode(s: &str) -> String {
    serde_urlencoded::from_str::<Vec<(String, String)>>(&format!("v={s}"))
        .ok()
        .and_then(|v| v.into_iter().next().map(|(_, v)| v))
        .unwrap_or_else(|| s.to_string())
}

fn token_response(body: Value) -> Response {
    (
        [
            (header::CACHE_CONTROL, "no-store"),
            (header::PRAGMA, "no-cache"),
        ],
        Json(body),
    )
        .into_response()
}

pub async fn token(
    State(e): State<Arc<Emulator>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut quota_headers = Vec::new();
    let result = match parse_body(&headers, &body) {
        Ok(form) => match form.get("grant_type").map(String::as_str) {
            Some("authorization_code") => authorization_code(&e, &headers, &form),
            Some("refresh_token") => refresh_token(&e, &headers, &form),
            Some("client_credentials") => client_credentials(
                &e,
                &headers,
                &form,
                &peer.ip().to_string(),
                &mut quota_headers,
            ),
            Some(other) => Err(OAuthError::new(
                400,
                "unsupported_grant_type",
                format!("Unsupported grant type: {other}"),
            )),
            None => Err(OAuthError::invalid_request(
                "Missing required parameter: grant_type",
            )),
        },
        Err(err) => Err(err),
    };
    let mut response = match result {
        Ok(body) => {
            if e.control_api {
                for field in ["access_token", "id_token", "refresh_token"] {
                    if let Some(token) = body.get(field).and_then(Value::as_str) {
                        e.hostile.issued(token);
                    }
                }
            }
            token_response(body)
        }
        Err(err) => err.into_response(),
    };
    for (name, value) in quota_headers {
        if let Ok(value) = HeaderValue::from_str(&value) {
            response.headers_mut().insert(name, value);
        }
    }
    response
}

fn sign(e: &Emulator, claims: &Value) -> Result<String, OAuthError> {
    e.keys()
        .current
        .sign(claims)
        .map_err(|_| OAuthError::new(500, "server_error", "Could not sign the token"))
}

fn verify_pkce(challenge: &str, method: Option<&str>, verifier: Option<&String>) -> bool {
    let Some(verifier) = verifier else {
        return false;
    };
    if !(43..=128).contains(&verifier.len()) {
        return false;
    }
    match method.unwrap_or("plain") {
        "S256" => URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())) == challenge,
        "plain" => same(verifier, challenge),
        _ => false,
    }
}

fn authorization_code(e: &Emulator, headers: &HeaderMap, form: &Form) -> Result<Value, OAuthError> {
    if e.hostile.rotates_first() {
        for _ in 0..2 {
            e.rotate_keys()
                .map_err(|_| OAuthError::new(500, "server_error", "Could not rotate keys"))?;
        }
    }
    let mut t = e.write();
    let client = authenticate(e, &t, headers, form)?;
    let code = form
        .get("code")
        .ok_or_else(|| OAuthError::invalid_request("Missing required parameter: code"))?;
    // Single use: the code is gone whatever happens next.
    let grant = t
        .codes
        .remove(code)
        .ok_or_else(|| OAuthError::invalid_grant("Invalid authorization code"))?;
    if grant.client_id != client.client_id || grant.expires_at < e.now_secs() {
        return Err(OAuthError::invalid_grant("Invalid authorization code"));
    }
    if form.get("redirect_uri") != Some(&grant.redirect_uri) {
        return Err(OAuthError::invalid_grant(
            "Redirect URI mismatch: redirect_uri must match the one used in the authorization request",
        ));
    }
    match &grant.code_challenge {
        Some(challenge) => {
            if !verify_pkce(
                challenge,
                grant.code_challenge_method.as_deref(),
                form.get("code_verifier"),
            ) {
                return Err(OAuthError::invalid_grant("Failed to verify code verifier"));
            }
        }
        None if client.is_public() => {
            return Err(OAuthError::invalid_request("Public clients must use PKCE"));
        }
        None => {}
    }
    let user = t
        .users
        .get(&grant.user_id)
        .cloned()
        .ok_or_else(|| OAuthError::invalid_grant("Invalid authorization code"))?;
    let request = UserTokenRequest {
        client_id: &client.client_id,
        user: &user,
        organization_id: grant.organization_id.as_deref(),
        scope: &grant.scope,
        audience: grant.audience.as_deref(),
        nonce: grant.nonce.as_deref(),
        auth_time: grant.auth_time,
        session_id: &grant.session_id,
        mfa: grant.mfa,
    };
    let mut body = user_tokens(e, &t, &request, None)?;
    if grant
        .scope
        .split_whitespace()
        .any(|s| s == "offline_access")
        && client.allows_grant("refresh_token")
    {
        let refresh = ids::opaque();
        t.refresh_tokens.insert(
            refresh.clone(),
            RefreshGrant {
                client_id: client.client_id.clone(),
                user_id: user.user_id.clone(),
                organization_id: grant.organization_id.clone(),
                scope: grant.scope.clone(),
                audience: grant.audience.clone(),
                auth_time: grant.auth_time,
                session_id: grant.session_id.clone(),
            },
        );
        body["refresh_token"] = json!(refresh);
    }
    Ok(body)
}

fn user_tokens(
    e: &Emulator,
    t: &TenantState,
    r: &UserTokenRequest<'_>,
    gty: Option<&str>,
) -> Result<Value, OAuthError> {
    let (access_claims, lifetime) = tokens::user_access_token_claims(e, t, r, gty);
    let mut body = json!({
        "access_token": sign(e, &access_claims)?,
        "scope": r.scope,
        "expires_in": lifetime,
        "token_type": "Bearer",
    });
    if r.scope.split_whitespace().any(|s| s == "openid") {
        body["id_token"] = json!(id_token(e, t, r)?);
    }
    Ok(body)
}

/// The ID token, signed honestly unless the test-only hostile mode is armed.
fn id_token(e: &Emulator, t: &TenantState, r: &UserTokenRequest<'_>) -> Result<String, OAuthError> {
    let claims = tokens::id_token_claims(e, t, r);
    let forge = Forge {
        client_secret: t
            .clients
            .get(r.client_id)
            .map(|c| c.client_secret.as_str())
            .unwrap_or_default(),
        other_org: t
            .organizations
            .keys()
            .find(|id| Some(id.as_str()) != r.organization_id)
            .cloned(),
        now: e.now_secs(),
    };
    e.hostile
        .sign_id_token(claims, &e.keys().current, &forge)
        .map_err(|_| OAuthError::new(500, "server_error", "Could not sign the token"))
}

fn refresh_token(e: &Emulator, headers: &HeaderMap, form: &Form) -> Result<Value, OAuthError> {
    let t = e.read();
    let client = authenticate(e, &t, headers, form)?;
    let invalid = || OAuthError::invalid_grant("Unknown or invalid refresh token.");
    let token = form.get("refresh_token").ok_or_else(invalid)?;
    let grant = t
        .refresh_tokens
        .get(token)
        .filter(|g| g.client_id == client.client_id)
        .ok_or_else(invalid)?;
    // The user may have left the organization since: then the refresh token no longer works.
    if let Some(org) = &grant.organization_id {
        if t.membership(org, &grant.user_id).is_none() {
            return Err(invalid());
        }
    }
    let scope = match form.get("scope") {
        Some(asked) => {
            let granted: Vec<&str> = grant.scope.split_whitespace().collect();
            if asked.split_whitespace().any(|s| !granted.contains(&s)) {
                return Err(OAuthError::new(
                    403,
                    "invalid_scope",
                    "Requested scope is not allowed",
                ));
            }
            asked.clone()
        }
        None => grant.scope.clone(),
    };
    let user = t.users.get(&grant.user_id).ok_or_else(invalid)?;
    let request = UserTokenRequest {
        client_id: &client.client_id,
        user,
        organization_id: grant.organization_id.as_deref(),
        scope: &scope,
        audience: grant.audience.as_deref(),
        nonce: None,
        auth_time: grant.auth_time,
        session_id: &grant.session_id,
        mfa: false,
    };
    user_tokens(e, &t, &request, Some("refresh_token"))
}

fn log_exchange(
    e: &Emulator,
    client: &Client,
    audience: &str,
    outcome: Result<(&[String], Option<&str>), &str>,
    ip: &str,
) {
    let mut t = e.write();
    let (kind, description, scope, org) = match outcome {
        Ok((scope, org)) => (
            "seccft",
            "Client Credentials for Access Token".to_string(),
            Some(scope.join(" ")),
            org,
        ),
        Err(reason) => ("feccft", reason.to_string(), None, None),
    };
    let (organization_id, organization_name) = t.named_org(org);
    let event = LogEvent {
        log_id: String::new(),
        date: e.now_ms(),
        kind: kind.into(),
        description,
        client_id: Some(client.client_id.clone()),
        client_name: Some(client.name.clone()),
        ip: ip.into(),
        user_id: None,
        user_name: None,
        organization_id,
        organization_name,
        audience: Some(audience.to_string()),
        scope,
        details: None,
        connection: None,
    };
    t.push_log(event);
}

/// The quotas a client-credentials token counts against: the client's own or the tenant's default
/// for clients, and for a token with an organization, the organization's own or the tenant's default
/// for organizations.
fn quota_holders(t: &TenantState, client: &Client, org: Option<&str>) -> Vec<(Holder, Limits)> {
    let default = |kind: &str| {
        Limits::of(
            t.settings
                .get("default_token_quota")
                .and_then(|d| d.get(kind)),
        )
    };
    let mut holders = Vec::new();
    if let Some(l) = Limits::of(client.extra.get("token_quota")).or_else(|| default("clients")) {
        holders.push((Holder::Client(client.client_id.clone()), l));
    }
    if let Some(org) = org {
        let own = t
            .organizations
            .get(org)
            .and_then(|o| Limits::of(o.token_quota.as_ref()));
        if let Some(l) = own.or_else(|| default("organizations")) {
            holders.push((Holder::Organization(org.to_string()), l));
        }
    }
    holders
}

fn client_credentials(
    e: &Emulator,
    headers: &HeaderMap,
    form: &Form,
    ip: &str,
    quota_headers: &mut Vec<(&'static str, String)>,
) -> Result<Value, OAuthError> {
    let (client, audience, result) = {
        let t = e.read();
        let client = authenticate(e, &t, headers, form)?;
        if !client.allows_grant("client_credentials") {
            return Err(OAuthError::new(
                403,
                "unauthorized_client",
                "Grant type 'client_credentials' not allowed for the client.",
            ));
        }
        let audience = form.get("audience").cloned().ok_or_else(|| {
            OAuthError::new(
                403,
                "access_denied",
                "No audience parameter was provided, and no default audience has been configured",
            )
        })?;
        let result = exchange(e, &t, &client, &audience, form);
        (client, audience, result)
    };
    let result = result.and_then(|(body, scope, org)| {
        let holders = quota_holders(&e.read(), &client, org.as_deref());
        let verdicts = e.quota_usage.take(&holders, e.now_ms());
        quota_headers.extend(
            verdicts
                .iter()
                .map(|(holder, v)| (holder.header(), v.header.clone())),
        );
        match verdicts.iter().find(|(_, v)| v.exceeded) {
            Some((holder, _)) => Err(OAuthError::new(
                429,
                "too_many_requests",
                match holder {
                    Holder::Client(_) => "Client token quota exceeded",
                    Holder::Organization(_) => "Organization token quota exceeded",
                },
            )),
            None => Ok((body, scope, org)),
        }
    });
    match result {
        Ok((body, scope, org)) => {
            log_exchange(e, &client, &audience, Ok((&scope, org.as_deref())), ip);
            Ok(body)
        }
        Err(err) => {
            log_exchange(e, &client, &audience, Err(&err.description), ip);
            Err(err)
        }
    }
}

type Exchange = (Value, Vec<String>, Option<String>);

fn exchange(
    e: &Emulator,
    t: &TenantState,
    client: &Client,
    audience: &str,
    form: &Form,
) -> Result<Exchange, OAuthError> {
    if t.resource_server_by_audience(audience).is_none() {
        return Err(OAuthError::new(
            403,
            "access_denied",
            format!("Service not enabled within domain: {audience}"),
        ));
    }
    let grant = t.grant_for(&client.client_id, audience).ok_or_else(|| {
        OAuthError::new(
            403,
            "access_denied",
            format!(
                "Client \"{}\" is not authorized to access resource server \"{audience}\". You need to create a \"client-grant\" associated to this API.",
                client.client_id
            ),
        )
    })?;
    let authorized = |org_id: &str| {
        grant.allow_any_organization == Some(true) || t.is_associated(org_id, &grant.id)
    };
    let resolve = |value: Option<&str>| match value.filter(|v| !v.is_empty()) {
        None => (OrgRef::Absent, None),
        Some(v) => match t.organization_by_id_or_name(v) {
            Some(org) => (
                OrgRef::Known {
                    authorized: authorized(&org.id),
                },
                Some(org.id.clone()),
            ),
            None => (OrgRef::Unknown, None),
        },
    };
    let (requested, requested_id) = resolve(form.get("organization").map(String::as_str));
    let default_org = client
        .default_organization
        .as_ref()
        .filter(|d| d.flows.iter().any(|f| f == "client_credentials"))
        .map(|d| d.organization_id.as_str());
    let (default, default_id) = resolve(default_org);
    let usage = grant.organization_usage.unwrap_or(OrganizationUsage::Deny);
    let org_id = match decide(usage, requested, default) {
        Decision::Token(OrgClaim::None) => None,
        Decision::Token(OrgClaim::Requested) => requested_id,
        Decision::Token(OrgClaim::Default) => default_id,
        Decision::Refused(refusal) => {
            return Err(OAuthError::new(
                refusal.status(),
                refusal.error(),
                refusal.description(),
            ));
        }
    };
    let granted: Vec<String> = match grant.allow_all_scopes {
        Some(true) => t
            .resource_server_by_audience(audience)
            .map(|r| r.scopes.iter().map(|s| s.value.clone()).collect())
            .unwrap_or_default(),
        _ => grant.scope.clone(),
    };
    let scope: Vec<String> = match form.get("scope").filter(|s| !s.trim().is_empty()) {
        Some(asked) => asked
            .split_whitespace()
            .filter(|s| granted.iter().any(|g| g == s))
            .map(String::from)
            .collect(),
        None => granted,
    };
    let (claims, lifetime) = tokens::client_access_token_claims(
        e,
        t,
        &client.client_id,
        audience,
        &scope,
        org_id.as_deref(),
    );
    let body = json!({
        "access_token": sign(e, &claims)?,
        "scope": scope.join(" "),
        "expires_in": lifetime,
        "token_type": "Bearer",
    });
    Ok((body, scope, org_id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_s256_matches_rfc7636_appendix_b() {
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk".to_string();
        let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
        assert!(verify_pkce(challenge, Some("S256"), Some(&verifier)));
        assert!(!verify_pkce(
            challenge,
            Some("S256"),
            Some(&format!("{verifier}x"))
        ));
        assert!(!verify_pkce(challenge, Some("S256"), None));
    }

    #[test]
    fn secrets_compare_whole() {
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd"));
        assert!(!same("abc", "abcd"));
    }
}
