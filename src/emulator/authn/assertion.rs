//! `private_key_jwt` client authentication (RFC 7523 §2.2, OIDC Core §9) as Auth0 checks it: a JWT
//! signed with a key the client lists under `client_authentication_methods`, `iss` and `sub` the
//! client, `aud` the tenant (issuer or token endpoint), unexpired, and its `jti` used once.

use std::collections::HashMap;
use std::sync::Mutex;

use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;

use super::super::errors::OAuthError;
use super::super::model::{Client, Credential};
use super::super::store::TenantState;

pub const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// Assertion ids already seen, with when they expire, so none is accepted twice.
#[derive(Default)]
pub struct Replays(Mutex<HashMap<String, i64>>);

impl Replays {
    /// Records `jti` until `exp`; false when it was already recorded and has not expired.
    fn first_use(&self, jti: &str, exp: i64, now: i64) -> bool {
        let mut seen = self.0.lock().unwrap_or_else(|p| p.into_inner());
        seen.retain(|_, until| *until > now);
        seen.insert(jti.to_string(), exp).is_none()
    }
}

#[derive(Deserialize)]
struct Claims {
    iss: String,
    sub: String,
    exp: i64,
    jti: Option<String>,
}

fn rejected(description: &str) -> OAuthError {
    OAuthError::new(401, "invalid_client", description)
}

fn algorithm(name: &str) -> Option<Algorithm> {
    match name {
        "RS256" => Some(Algorithm::RS256),
        "RS384" => Some(Algorithm::RS384),
        "PS256" => Some(Algorithm::PS256),
        _ => None,
    }
}

/// Verifies `assertion` against one credential; the claims when it holds.
fn verified(assertion: &str, c: &Credential, client_id: &str, issuer: &str) -> Option<Claims> {
    let alg = algorithm(&c.alg)?;
    let key = DecodingKey::from_rsa_pem(c.pem.as_bytes()).ok()?;
    let mut rules = Validation::new(alg);
    rules.set_audience(&[issuer.to_string(), format!("{issuer}oauth/token")]);
    rules.set_issuer(&[client_id]);
    rules.sub = Some(client_id.to_string());
    rules.leeway = 0;
    rules.set_required_spec_claims(&["exp", "iss", "sub", "aud"]);
    jsonwebtoken::decode::<Claims>(assertion, &key, &rules)
        .ok()
        .map(|d| d.claims)
}

/// The client a signed assertion authenticates, by the `iss` it names (and `client_id` when given).
pub fn authenticate(
    t: &TenantState,
    replays: &Replays,
    issuer: &str,
    now_ms: i64,
    client_id: Option<&str>,
    assertion: &str,
) -> Result<Client, OAuthError> {
    let header = jsonwebtoken::decode_header(assertion)
        .map_err(|_| rejected("The client_assertion is not a valid JWT."))?;
    let named = unverified_issuer(assertion)
        .ok_or_else(|| rejected("The client_assertion is not a valid JWT."))?;
    if client_id.is_some_and(|id| id != named) {
        return Err(rejected(
            "The client_assertion was not issued by client_id.",
        ));
    }
    let client = t.clients.get(&named).ok_or_else(OAuthError::bad_client)?;
    let now = now_ms / 1000;
    let keys = client.credentials.iter().filter(|c| {
        c.in_use
            && c.expires_at.is_none_or(|at| at > now_ms)
            && header.kid.as_deref().is_none_or(|kid| kid == c.kid)
    });
    let claims = keys
        .filter_map(|c| verified(assertion, c, &client.client_id, issuer))
        .next()
        .ok_or_else(|| rejected("Invalid client_assertion: no in-use credential verifies it."))?;
    if claims.iss != claims.sub {
        return Err(rejected(
            "The client_assertion's iss and sub must both be the client.",
        ));
    }
    let jti = claims
        .jti
        .ok_or_else(|| rejected("The client_assertion has no jti."))?;
    if !replays.first_use(&format!("{named}/{jti}"), claims.exp, now) {
        return Err(rejected(
            "The client_assertion's jti has already been used.",
        ));
    }
    Ok(client.clone())
}

/// `iss` read before the signature is checked: it names the client whose keys check it.
fn unverified_issuer(assertion: &str) -> Option<String> {
    use base64::Engine;
    let payload = assertion.split('.').nth(1)?;
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .ok()?;
    let claims: serde_json::Value = serde_json::from_slice(&raw).ok()?;
    claims.get("iss")?.as_str().map(String::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_assertion_id_is_accepted_once_until_it_expires() {
        let r = Replays::default();
        assert!(r.first_use("c/1", 100, 50));
        assert!(!r.first_use("c/1", 100, 60));
        assert!(r.first_use("c/1", 200, 150), "forgotten once expired");
    }
}
