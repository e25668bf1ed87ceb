//! Building the ID and access tokens Auth0 issues (SPEC §2.4): `org_id`/`org_name`, `gty`, `azp`, `scope`,
//! and `permissions` for APIs with RBAC and "add permissions in the access token".

use serde_json::{json, Map, Value};

use super::super::model::User;
use super::super::store::TenantState;
use super::super::Emulator;

/// ID tokens live for the client's JWT lifetime (Auth0's default: 10 hours).
pub const ID_TOKEN_LIFETIME: i64 = 36_000;

pub struct UserTokenRequest<'a> {
    pub client_id: &'a str,
    pub user: &'a User,
    pub organization_id: Option<&'a str>,
    pub scope: &'a str,
    pub audience: Option<&'a str>,
    pub nonce: Option<&'a str>,
    pub auth_time: i64,
    pub session_id: &'a str,
    /// A second factor was given in this very sign-in (silent and refreshed sign-ins never say so).
    pub mfa: bool,
}

fn org_claims(t: &TenantState, org_id: Option<&str>, claims: &mut Map<String, Value>) {
    if let Some(org) = org_id.and_then(|id| t.organizations.get(id)) {
        claims.insert("org_id".into(), json!(org.id));
        if t.org_names_in_tokens {
            claims.insert("org_name".into(), json!(org.name));
        }
    }
}

fn has_scope(scope: &str, wanted: &str) -> bool {
    scope.split_whitespace().any(|s| s == wanted)
}

pub fn id_token_claims(e: &Emulator, t: &TenantState, r: &UserTokenRequest<'_>) -> Value {
    let now = e.now_secs();
    let mut c = Map::new();
    if has_scope(r.scope, "profile") {
        c.insert("nickname".into(), json!(r.user.nickname));
        c.insert("name".into(), json!(r.user.name));
        c.insert(
            "picture".into(),
            json!(r.user.picture.clone().unwrap_or_default()),
        );
        c.insert(
            "updated_at".into(),
            json!(crate::clock::iso(r.user.updated_at)),
        );
    }
    if has_scope(r.scope, "email") {
        c.insert("email".into(), json!(r.user.email));
        c.insert("email_verified".into(), json!(r.user.email_verified));
    }
    c.insert("iss".into(), json!(e.issuer));
    c.insert("aud".into(), json!(r.client_id));
    c.insert("sub".into(), json!(r.user.user_id));
    c.insert("iat".into(), json!(now));
    c.insert("exp".into(), json!(now + ID_TOKEN_LIFETIME));
    c.insert("auth_time".into(), json!(r.auth_time));
    c.insert("sid".into(), json!(r.session_id));
    if r.mfa {
        c.insert("amr".into(), json!(["mfa"]));
        c.insert("acr".into(), json!(super::mfa::MULTI_FACTOR));
    }
    if let Some(n) = r.nonce {
        c.insert("nonce".into(), json!(n));
    }
    org_claims(t, r.organization_id, &mut c);
    Value::Object(c)
}

/// The access token for a user flow, and its lifetime.
pub fn user_access_token_claims(
    e: &Emulator,
    t: &TenantState,
    r: &UserTokenRequest<'_>,
    gty: Option<&str>,
) -> (Value, i64) {
    let now = e.now_secs();
    let userinfo = format!("{}userinfo", e.issuer);
    let api = r.audience.and_then(|a| t.resource_server_by_audience(a));
    let lifetime = api.map(|a| a.token_lifetime).unwrap_or(86_400);
    let aud = match r.audience {
        Some(a) if has_scope(r.scope, "openid") => json!([a, userinfo]),
        Some(a) => json!(a),
        None => json!(userinfo),
    };
    let mut c = Map::new();
    c.insert("iss".into(), json!(e.issuer));
    c.insert("sub".into(), json!(r.user.user_id));
    c.insert("aud".into(), aud);
    c.insert("iat".into(), json!(now));
    c.insert("exp".into(), json!(now + lifetime));
    c.insert("scope".into(), json!(r.scope));
    org_claims(t, r.organization_id, &mut c);
    if let Some(g) = gty {
        c.insert("gty".into(), json!(g));
    }
    c.insert("azp".into(), json!(r.client_id));
    if let Some(api) = api.filter(|a| a.adds_permissions()) {
        c.insert(
            "permissions".into(),
            json!(t.permissions(&r.user.user_id, r.organization_id, &api.identifier)),
        );
    }
    (Value::Object(c), lifetime)
}

/// The access token of a client-credentials exchange. `permissions` repeats the granted scopes on
/// RBAC APIs that add permissions (decided; UNCONFIRMED upstream, SPEC §7.2).
pub fn client_access_token_claims(
    e: &Emulator,
    t: &TenantState,
    client_id: &str,
    audience: &str,
    scope: &[String],
    organization_id: Option<&str>,
) -> (Value, i64) {
    let now = e.now_secs();
    let api = t.resource_server_by_audience(audience);
    let lifetime = api.map(|a| a.token_lifetime).unwrap_or(86_400);
    let mut c = Map::new();
    c.insert("iss".into(), json!(e.issuer));
    c.insert("sub".into(), json!(format!("{client_id}@clients")));
    c.insert("aud".into(), json!(audience));
    c.insert("iat".into(), json!(now));
    c.insert("exp".into(), json!(now + lifetime));
    c.insert("scope".into(), json!(scope.join(" ")));
    org_claims(t, organization_id, &mut c);
    c.insert("gty".into(), json!("client-credentials"));
    c.insert("azp".into(), json!(client_id));
    if api.is_some_and(|a| a.adds_permissions()) {
        c.insert("permissions".into(), json!(scope));
    }
    (Value::Object(c), lifetime)
}
