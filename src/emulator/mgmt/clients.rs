//! `/api/v2/clients` — Auth0 Management API "Clients": list, get, create, update, delete, rotate-secret
//! (SPEC §3.1).

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::super::errors::MgmtError;
use super::super::ids;
use super::super::model::{default_grant_types, Client, DefaultOrganization};
use super::super::paging::{self, Entry, Params, Shape};
use super::super::quota;
use super::super::store::{org_grant_key, TenantState};
use super::auth::Caller;
use super::body::{self, invalid_on};
use super::credentials;
use crate::model::m2m::OrganizationUsage;

const READ: &[&str] = &[
    "read:clients",
    "read:client_keys",
    "read:client_credentials",
    "read:client_summary",
];
const UPDATE: &[&str] = &[
    "update:clients",
    "update:client_keys",
    "update:client_credentials",
];
/// Every property of Auth0's client schema (`CreateClientRequestContent` and
/// `UpdateClientRequestContent`), and `signing_keys`, which Auth0's own SDKs send back.
const FIELDS: &[&str] = &[
    "name",
    "description",
    "logo_uri",
    "callbacks",
    "oidc_logout",
    "oidc_backchannel_logout",
    "session_transfer",
    "allowed_origins",
    "web_origins",
    "client_aliases",
    "allowed_clients",
    "allowed_logout_urls",
    "grant_types",
    "token_endpoint_auth_method",
    "is_token_endpoint_ip_header_trusted",
    "app_type",
    "is_first_party",
    "oidc_conformant",
    "jwt_configuration",
    "encryption_key",
    "sso",
    "cross_origin_authentication",
    "cross_origin_loc",
    "sso_disabled",
    "custom_login_page_on",
    "custom_login_page",
    "custom_login_page_preview",
    "form_template",
    "addons",
    "client_metadata",
    "mobile",
    "initiate_login_uri",
    "native_social_login",
    "fedcm_login",
    "refresh_token",
    "default_organization",
    "organization_usage",
    "organization_require_behavior",
    "organization_discovery_methods",
    "client_authentication_methods",
    "require_pushed_authorization_requests",
    "require_proof_of_possession",
    "signed_request_object",
    "token_vault_privileged_access",
    "compliance_level",
    "skip_non_verifiable_callback_uri_confirmation_prompt",
    "token_exchange",
    "par_request_expiry",
    "token_quota",
    "resource_server_identifier",
    "third_party_security_mode",
    "redirection_policy",
    "express_configuration",
    "my_organization_configuration",
    "async_approval_notification_channels",
    "client_secret",
    "signing_keys",
];
/// The properties the tenant acts on (typed in `ClientBody`); the others are kept in `extra`.
const TYPED: &[&str] = &[
    "name",
    "description",
    "app_type",
    "is_first_party",
    "oidc_conformant",
    "callbacks",
    "allowed_logout_urls",
    "web_origins",
    "initiate_login_uri",
    "grant_types",
    "token_endpoint_auth_method",
    "client_metadata",
    "organization_usage",
    "organization_require_behavior",
    "default_organization",
    "client_authentication_methods",
    "client_secret",
    // Answered from the tenant's own keys, never stored from a body.
    "signing_keys",
];
const APP_TYPES: &[&str] = &[
    "native",
    "spa",
    "regular_web",
    "non_interactive",
    "resource_server",
    "express_configuration",
    "rms",
    "box",
    "cloudbees",
    "concur",
    "dropbox",
    "mscrm",
    "echosign",
    "egnyte",
    "newrelic",
    "office365",
    "salesforce",
    "sentry",
    "sharepoint",
    "slack",
    "springcm",
    "zendesk",
    "zoom",
    "sso_integration",
    "oag",
];
const GRANT_TYPES: &[&str] = &[
    "authorization_code",
    "implicit",
    "refresh_token",
    "client_credentials",
    "password",
    "http://auth0.com/oauth/grant-type/password-realm",
    "http://auth0.com/oauth/grant-type/mfa-oob",
    "http://auth0.com/oauth/grant-type/mfa-otp",
    "http://auth0.com/oauth/grant-type/mfa-recovery-code",
    "http://auth0.com/oauth/grant-type/passwordless/otp",
    "urn:ietf:params:oauth:grant-type:device_code",
    "urn:ietf:params:oauth:grant-type:token-exchange",
];
const SHAPE: Shape = Shape {
    totals_first: true,
    checkpoint: true,
    max_per_page: 100,
    ..Shape::offset("clients")
};

/// Auth0 returns `tenant` even when `fields` leaves it out (SPEC §1.4, EX cli-02).
fn with_tenant(tenant: &str, mut value: Value) -> Value {
    if let Value::Object(m) = &mut value {
        if !m.contains_key("tenant") {
            let mut out = Map::new();
            out.insert("tenant".into(), json!(tenant));
            out.extend(std::mem::take(m));
            *m = out;
        }
    }
    value
}

pub fn not_found() -> MgmtError {
    MgmtError::not_found("The client does not exist", Some("inexistent_client"))
}

/// The client as Auth0 returns it; the secret only with `read:client_keys` (or on create / rotate).
pub fn render(tenant: &str, c: &Client, with_secret: bool) -> Value {
    let mut m = Map::new();
    m.insert("tenant".into(), json!(tenant));
    m.insert("global".into(), json!(false));
    m.insert("is_token_endpoint_ip_header_trusted".into(), json!(false));
    m.insert("name".into(), json!(c.name));
    if let Some(d) = &c.description {
        m.insert("description".into(), json!(d));
    }
    m.insert("client_id".into(), json!(c.client_id));
    if with_secret {
        m.insert("client_secret".into(), json!(c.client_secret));
    }
    if let Some(t) = &c.app_type {
        m.insert("app_type".into(), json!(t));
    }
    m.insert("is_first_party".into(), json!(c.is_first_party));
    m.insert("oidc_conformant".into(), json!(c.oidc_conformant));
    // Auth0 leaves out what was never set (its recordings have no `callbacks: []`).
    if !c.callbacks.is_empty() {
        m.insert("callbacks".into(), json!(c.callbacks));
    }
    if !c.allowed_logout_urls.is_empty() {
        m.insert("allowed_logout_urls".into(), json!(c.allowed_logout_urls));
    }
    if !c.web_origins.is_empty() {
        m.insert("web_origins".into(), json!(c.web_origins));
    }
    if let Some(u) = &c.initiate_login_uri {
        m.insert("initiate_login_uri".into(), json!(u));
    }
    if !c.client_metadata.is_empty() {
        m.insert("client_metadata".into(), json!(c.client_metadata));
    }
    m.insert(
        "jwt_configuration".into(),
        json!({ "secret_encoded": false, "lifetime_in_seconds": 36000 }),
    );
    m.insert("sso_disabled".into(), json!(false));
    m.insert("cross_origin_authentication".into(), json!(false));
    m.insert("grant_types".into(), json!(c.grant_types));
    m.insert("custom_login_page_on".into(), json!(true));
    if let Some(t) = &c.token_endpoint_auth_method {
        m.insert("token_endpoint_auth_method".into(), json!(t));
    }
    if let Some(u) = c.organization_usage {
        m.insert("organization_usage".into(), json!(u));
    }
    if let Some(b) = &c.organization_require_behavior {
        m.insert("organization_require_behavior".into(), json!(b));
    }
    if let Some(d) = &c.default_organization {
        m.insert("default_organization".into(), json!(d));
    }
    m.insert(
        "refresh_token".into(),
        json!({
            "rotation_type": "non-rotating", "expiration_type": "non-expiring", "leeway": 0,
            "token_lifetime": 2592000, "infinite_token_lifetime": true, "infinite_idle_token_lifetime": true,
            "idle_token_lifetime": 1296000
        }),
    );
    if c.credentials.iter().any(|c| c.in_use) {
        m.insert(
            "client_authentication_methods".into(),
            credentials::render(&c.credentials, false),
        );
    }
    let mut answer = Value::Object(m);
    body::answer_back(&mut answer, &c.extra);
    answer
}

#[derive(Deserialize, Default)]
struct ClientBody {
    name: Option<String>,
    description: Option<String>,
    app_type: Option<String>,
    is_first_party: Option<bool>,
    oidc_conformant: Option<bool>,
    callbacks: Option<Vec<String>>,
    allowed_logout_urls: Option<Vec<String>>,
    web_origins: Option<Vec<String>>,
    initiate_login_uri: Option<String>,
    grant_types: Option<Vec<String>>,
    token_endpoint_auth_method: Option<String>,
    client_metadata: Option<Map<String, Value>>,
    organization_usage: Option<OrganizationUsage>,
    organization_require_behavior: Option<String>,
    client_secret: Option<String>,
    /// Read from the raw map: `null` (remove) must differ from absent.
    #[serde(rename = "default_organization")]
    _default_organization: Option<Value>,
}

/// Auth0's `client_metadata` limits (SPEC §3.1): 10 keys; keys and values ≤ 255; string values.
fn metadata(map: &Map<String, Value>) -> Result<BTreeMap<String, String>, MgmtError> {
    if map.len() > 10 {
        return Err(invalid_on(
            "Too many properties, maximum 10",
            "client_metadata",
        ));
    }
    let key_ok = |k: &str| {
        !k.is_empty()
            && k.chars().count() <= 255
            && k.chars()
                .all(|c| c.is_ascii_alphanumeric() || ":,-+=_*?\"/\\()<>@\t ".contains(c))
    };
    map.iter()
        .map(|(k, v)| {
            if !key_ok(k) {
                return Err(invalid_on(
                    format!("Invalid property name {k}"),
                    "client_metadata",
                ));
            }
            match v {
                Value::String(s) if s.chars().count() <= 255 => Ok((k.clone(), s.clone())),
                Value::String(_) => Err(invalid_on(
                    "String is too long, maximum 255",
                    &format!("client_metadata.{k}"),
                )),
                _ => Err(invalid_on(
                    "Expected type string",
                    &format!("client_metadata.{k}"),
                )),
            }
        })
        .collect()
}

/// `{organization_id, flows: ["client_credentials"]}`, both required (SPEC §3.1, EX cli-08/09).
fn default_organization(value: &Value) -> Result<Option<DefaultOrganization>, MgmtError> {
    if value.is_null() {
        return Ok(None);
    }
    let obj = value
        .as_object()
        .ok_or_else(|| invalid_on("Expected type object", "default_organization"))?;
    if let Some(extra) = obj
        .keys()
        .find(|k| !["organization_id", "flows"].contains(&k.as_str()))
    {
        return Err(invalid_on(
            format!("Additional properties not allowed: {extra}"),
            "default_organization",
        ));
    }
    let org = obj
        .get("organization_id")
        .and_then(Value::as_str)
        .ok_or_else(|| {
            invalid_on(
                "Missing required property: organization_id",
                "default_organization",
            )
        })?;
    let flows = obj
        .get("flows")
        .and_then(Value::as_array)
        .ok_or_else(|| invalid_on("Missing required property: flows", "default_organization"))?;
    if flows.is_empty()
        || flows
            .iter()
            .any(|f| f.as_str() != Some("client_credentials"))
    {
        return Err(invalid_on(
            "No enum match for: flows",
            "default_organization.flows",
        ));
    }
    Ok(Some(DefaultOrganization {
        organization_id: org.to_string(),
        flows: vec!["client_credentials".into()],
    }))
}

/// Keys for signed requests and Token Vault (`….credentials`) would be client credentials of their
/// own; the tenant does not make them, so it says so instead of echoing them back.
fn refuse_signed_request_keys(map: &Map<String, Value>) -> Result<(), MgmtError> {
    for property in ["signed_request_object", "token_vault_privileged_access"] {
        let keys = map
            .get(property)
            .and_then(|s| s.get("credentials"))
            .and_then(Value::as_array);
        if keys.is_some_and(|k| !k.is_empty()) {
            return Err(MgmtError::new(
                StatusCode::BAD_REQUEST,
                format!("{property} credentials are not supported by the local tenant."),
                Some("operation_not_supported"),
            ));
        }
    }
    Ok(())
}

fn validate(b: &ClientBody) -> Result<(), MgmtError> {
    if let Some(name) = &b.name {
        body::check_len(name, "name", 1, 200)?;
        if name.contains(['<', '>']) {
            return Err(invalid_on(
                format!("String does not match pattern ^[^<>]+$: {name}"),
                "name",
            ));
        }
    }
    if let Some(d) = &b.description {
        body::check_len(d, "description", 0, 140)?;
    }
    if let Some(t) = &b.app_type {
        if !APP_TYPES.contains(&t.as_str()) {
            return Err(invalid_on(
                format!("No enum match for: \"{t}\""),
                "app_type",
            ));
        }
    }
    if let Some(g) = b
        .grant_types
        .iter()
        .flatten()
        .find(|g| !GRANT_TYPES.contains(&g.as_str()))
    {
        return Err(invalid_on(
            format!("No enum match for: \"{g}\""),
            "grant_types",
        ));
    }
    if let Some(m) = &b.token_endpoint_auth_method {
        if !["none", "client_secret_post", "client_secret_basic"].contains(&m.as_str()) {
            return Err(invalid_on(
                format!("No enum match for: \"{m}\""),
                "token_endpoint_auth_method",
            ));
        }
    }
    if let Some(r) = &b.organization_require_behavior {
        if !["no_prompt", "pre_login_prompt", "post_login_prompt"].contains(&r.as_str()) {
            return Err(invalid_on(
                format!("No enum match for: \"{r}\""),
                "organization_require_behavior",
            ));
        }
    }
    Ok(())
}

/// `q` on the clients list: the two documented forms, alone, with checkpoint paging (SPEC §3.1).
enum GrantQuery {
    /// `client_grant.organization_id:{org}`: clients with a grant associated with the organization.
    Organization(String),
    /// `client_grant.allow_any_organization:true`: clients with a grant open to any organization.
    AnyOrganization,
}

impl GrantQuery {
    fn parse(params: &Params) -> Result<Option<Self>, MgmtError> {
        let Some(q) = params.get("q") else {
            return Ok(None);
        };
        let query = if let Some(org) = q.strip_prefix("client_grant.organization_id:") {
            GrantQuery::Organization(org.trim_matches('"').to_string())
        } else if q == "client_grant.allow_any_organization:true" {
            GrantQuery::AnyOrganization
        } else {
            return Err(MgmtError::invalid_query(format!(
                "q supports only client_grant.organization_id and client_grant.allow_any_organization:true: {q}"
            )));
        };
        let other = [
            "app_type",
            "is_first_party",
            "is_global",
            "external_client_id",
        ];
        if other.iter().any(|k| params.get(k).is_some()) {
            return Err(MgmtError::invalid_query(
                "q cannot be combined with other filters",
            ));
        }
        if ["page", "per_page", "include_totals"]
            .iter()
            .any(|k| params.get(k).is_some())
        {
            return Err(MgmtError::invalid_query(
                "q requires checkpoint pagination (from, take)",
            ));
        }
        Ok(Some(query))
    }

    fn matches(&self, t: &TenantState, client_id: &str) -> bool {
        let mut grants = t
            .grants
            .values()
            .filter(|g| g.client_id.as_deref() == Some(client_id));
        match self {
            GrantQuery::Organization(org) => {
                grants.any(|g| t.org_grants.contains_key(&org_grant_key(org, &g.id)))
            }
            GrantQuery::AnyOrganization => grants.any(|g| g.allow_any_organization == Some(true)),
        }
    }
}

pub async fn list(caller: Caller, Query(params): Query<Params>) -> Result<Json<Value>, MgmtError> {
    caller.require(READ)?;
    let grant_query = GrantQuery::parse(&params)?;
    let paging = paging::parse(&params, &SHAPE)?;
    let fields = params.field_filter()?;
    let app_types: Option<Vec<&str>> = params.get("app_type").map(|t| t.split(',').collect());
    let first_party = params.bool("is_first_party")?;
    let t = caller.read();
    let entries: Vec<Entry<'_, Client>> = t
        .clients
        .values()
        .filter(|c| {
            app_types
                .as_ref()
                .is_none_or(|types| c.app_type.as_deref().is_some_and(|a| types.contains(&a)))
        })
        .filter(|c| first_party.is_none_or(|fp| c.is_first_party == fp))
        .filter(|c| {
            grant_query
                .as_ref()
                .is_none_or(|q| q.matches(&t, &c.client_id))
        })
        .map(Entry::of)
        .collect();
    let with_secret = caller.has("read:client_keys");
    paging::render(&entries, &paging, &SHAPE, |c| {
        with_tenant(
            &t.name,
            paging::apply_fields(render(&t.name, c, with_secret), &fields),
        )
    })
    .map(Json)
}

pub async fn get(
    caller: Caller,
    Path(id): Path<String>,
    Query(params): Query<Params>,
) -> Result<Json<Value>, MgmtError> {
    caller.require(READ)?;
    let fields = params.field_filter()?;
    let t = caller.read();
    let c = t.clients.get(&id).ok_or_else(not_found)?;
    Ok(Json(paging::apply_fields(
        render(&t.name, c, caller.has("read:client_keys")),
        &fields,
    )))
}

pub async fn create(caller: Caller, raw: Bytes) -> Result<Response, MgmtError> {
    caller.require(&["create:clients"])?;
    let (b, map): (ClientBody, _) = body::parse(&raw, FIELDS, &["name"])?;
    validate(&b)?;
    if let Some(q) = map.get("token_quota") {
        quota::validate(q, "token_quota")?;
    }
    refuse_signed_request_keys(&map)?;
    let client_metadata = match &b.client_metadata {
        Some(m) => metadata(m)?,
        None => BTreeMap::new(),
    };
    let default_org = match map.get("default_organization") {
        Some(v) => default_organization(v)?,
        None => None,
    };
    let now = caller.now_ms();
    let credentials = map
        .get("client_authentication_methods")
        .map(|v| credentials::from_body(v, &[], now))
        .transpose()?
        .unwrap_or_default();
    let client = Client {
        client_id: ids::client_id(),
        client_secret: ids::client_secret(),
        name: b.name.unwrap_or_default(),
        description: b.description,
        app_type: b.app_type,
        is_first_party: b.is_first_party.unwrap_or(true),
        oidc_conformant: b.oidc_conformant.unwrap_or(false),
        callbacks: b.callbacks.unwrap_or_default(),
        allowed_logout_urls: b.allowed_logout_urls.unwrap_or_default(),
        web_origins: b.web_origins.unwrap_or_default(),
        initiate_login_uri: b.initiate_login_uri,
        grant_types: b.grant_types.unwrap_or_else(default_grant_types),
        token_endpoint_auth_method: b.token_endpoint_auth_method,
        client_metadata,
        organization_usage: b.organization_usage,
        organization_require_behavior: b.organization_require_behavior,
        default_organization: default_org,
        created_at: now,
        credentials,
        extra: body::untyped(&map, TYPED),
    };
    let mut t = caller.write();
    if t.clients.len() >= 100_000 {
        return Err(MgmtError::new(
            StatusCode::FORBIDDEN,
            "You reached the limit of entities of this type for this tenant.",
            Some("too_many_entities"),
        ));
    }
    let mut out = render(&t.name, &client, true);
    if client.credentials.iter().any(|c| c.in_use) {
        // Only the answer to the create names the new credentials whole.
        out["client_authentication_methods"] = credentials::render(&client.credentials, true);
    }
    t.clients.insert(client.client_id.clone(), client);
    Ok((StatusCode::CREATED, Json(out)).into_response())
}

pub async fn update(
    caller: Caller,
    Path(id): Path<String>,
    raw: Bytes,
) -> Result<Json<Value>, MgmtError> {
    caller.require(UPDATE)?;
    let (b, map): (ClientBody, _) = body::parse_patch(&raw, FIELDS)?;
    validate(&b)?;
    if let Some(q) = map.get("token_quota") {
        quota::validate(q, "token_quota")?;
    }
    refuse_signed_request_keys(&map)?;
    let metadata_patch = match map.get("client_metadata") {
        Some(Value::Object(m)) => Some(m.clone()),
        Some(Value::Null) => Some(Map::new()),
        _ => None,
    };
    let default_org = map
        .get("default_organization")
        .map(default_organization)
        .transpose()?;
    let mut t = caller.write();
    let tenant = t.name.clone();
    let c = t.clients.get_mut(&id).ok_or_else(not_found)?;
    let new_credentials = map
        .get("client_authentication_methods")
        .map(|v| credentials::from_body(v, &c.credentials, caller.now_ms()))
        .transpose()?;
    if let Some(patch) = metadata_patch {
        // Auth0 merges metadata on PATCH; a null value removes a key.
        let mut merged: Map<String, Value> = c
            .client_metadata
            .iter()
            .map(|(k, v)| (k.clone(), json!(v)))
            .collect();
        for (k, v) in patch {
            if v.is_null() {
                merged.remove(&k);
            } else {
                merged.insert(k, v);
            }
        }
        c.client_metadata = metadata(&merged)?;
    }
    if let Some(v) = b.name {
        c.name = v;
    }
    if let Some(v) = b.client_secret {
        if v.len() < 32 {
            return Err(invalid_on(
                "String is too short, minimum 32",
                "client_secret",
            ));
        }
        c.client_secret = v;
    }
    if map.contains_key("description") {
        c.description = b.description;
    }
    if b.app_type.is_some() {
        c.app_type = b.app_type;
    }
    if let Some(v) = b.is_first_party {
        c.is_first_party = v;
    }
    if let Some(v) = b.oidc_conformant {
        c.oidc_conformant = v;
    }
    if let Some(v) = b.callbacks {
        c.callbacks = v;
    }
    if let Some(v) = b.allowed_logout_urls {
        c.allowed_logout_urls = v;
    }
    if let Some(v) = b.web_origins {
        c.web_origins = v;
    }
    if map.contains_key("initiate_login_uri") {
        c.initiate_login_uri = b.initiate_login_uri;
    }
    if let Some(v) = b.grant_types {
        c.grant_types = v;
    }
    if map.contains_key("token_endpoint_auth_method") {
        c.token_endpoint_auth_method = b.token_endpoint_auth_method;
    }
    if map.contains_key("organization_usage") {
        c.organization_usage = b.organization_usage;
    }
    if map.contains_key("organization_require_behavior") {
        c.organization_require_behavior = b.organization_require_behavior;
    }
    if let Some(d) = default_org {
        c.default_organization = d;
    }
    if let Some(made) = new_credentials {
        c.credentials = made;
    }
    body::keep(&mut c.extra, &map, TYPED);
    Ok(Json(render(
        &tenant,
        c,
        caller.has("read:client_keys") || caller.has("update:client_keys"),
    )))
}

pub async fn delete(caller: Caller, Path(id): Path<String>) -> Result<StatusCode, MgmtError> {
    caller.require(&["delete:clients"])?;
    let mut t = caller.write();
    if t.clients.shift_remove(&id).is_some() {
        // The client's grants, and their organization associations, go with it.
        let grant_ids: Vec<String> = t
            .grants
            .values()
            .filter(|g| g.client_id.as_ref() == Some(&id))
            .map(|g| g.id.clone())
            .collect();
        t.grants.retain(|_, g| g.client_id.as_ref() != Some(&id));
        t.org_grants.retain(|_, a| !grant_ids.contains(&a.grant_id));
        t.refresh_tokens.retain(|_, r| r.client_id != id);
        for c in t.connections.values_mut() {
            c.enabled_clients.retain(|x| *x != id);
        }
    }
    Ok(StatusCode::NO_CONTENT)
}

pub async fn rotate_secret(
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Value>, MgmtError> {
    caller.require(&["update:client_keys"])?;
    let mut t = caller.write();
    let tenant = t.name.clone();
    let c = t.clients.get_mut(&id).ok_or_else(not_found)?;
    c.client_secret = ids::client_secret();
    Ok(Json(render(&tenant, c, true)))
}
