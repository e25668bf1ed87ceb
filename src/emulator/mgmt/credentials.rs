//! Client credentials as `client_authentication_methods` carries them (`private_key_jwt` public keys):
//! Auth0 keeps the key, names it by its RFC 7638 thumbprint (`kid`), and answers with the whole
//! credential (never the key itself) only where it was just made, elsewhere with its id alone.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rsa::pkcs8::DecodePublicKey;
use rsa::traits::PublicKeyParts;
use rsa::RsaPublicKey;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use super::super::errors::MgmtError;
use super::super::ids;
use super::super::model::Credential;
use super::body::{invalid, invalid_on};
use crate::clock::iso;

const FIELD: &str = "client_authentication_methods";

/// Auth0 keeps at most two credentials per client.
pub const MAX: usize = 2;

pub fn too_many() -> MgmtError {
    invalid(format!(
        "A client can have at most {MAX} credentials; delete an unused one first"
    ))
}

/// The client's credentials after a body sets `client_authentication_methods`: the ones it lists
/// by id and the ones it gives a key for (made here) are in use, the client's others stay unused.
/// `null` takes every credential out of use. Other methods are refused as Auth0's schema refuses
/// unknown ones.
pub fn from_body(
    value: &Value,
    held: &[Credential],
    now_ms: i64,
) -> Result<Vec<Credential>, MgmtError> {
    if value.is_null() {
        return Ok(held
            .iter()
            .map(|c| Credential {
                in_use: false,
                ..c.clone()
            })
            .collect());
    }
    let methods = value
        .as_object()
        .ok_or_else(|| invalid_on("Expected type object", FIELD))?;
    let mut made = Vec::new();
    for (method, config) in methods {
        if method != "private_key_jwt" {
            return Err(invalid_on(
                format!("Additional properties not allowed: {method}"),
                FIELD,
            ));
        }
        let list = config
            .get("credentials")
            .and_then(Value::as_array)
            .ok_or_else(|| invalid_on("Missing required property: credentials", FIELD))?;
        for c in list {
            made.push(match c.get("id").and_then(Value::as_str) {
                Some(id) => {
                    held.iter().find(|h| h.id == id).cloned().ok_or_else(|| {
                        invalid_on(format!("Credential {id} does not exist"), FIELD)
                    })?
                }
                None => credential(c, now_ms)?,
            });
        }
    }
    let mut all: Vec<Credential> = held
        .iter()
        .filter(|h| !made.iter().any(|m| m.id == h.id))
        .map(|h| Credential {
            in_use: false,
            ..h.clone()
        })
        .collect();
    all.extend(made.into_iter().map(|m| Credential { in_use: true, ..m }));
    if all.len() > MAX {
        return Err(too_many());
    }
    Ok(all)
}

/// A public key credential from `{pem, name?, alg?, expires_at?}`, not yet in use.
pub fn credential(c: &Value, now_ms: i64) -> Result<Credential, MgmtError> {
    let at = format!("{FIELD}.private_key_jwt.credentials");
    let pem = c
        .get("pem")
        .and_then(Value::as_str)
        .ok_or_else(|| invalid_on("Missing required property: pem", &at))?;
    let credential_type = c
        .get("credential_type")
        .and_then(Value::as_str)
        .unwrap_or("public_key");
    if credential_type != "public_key" {
        return Err(invalid_on("No enum match for: credential_type", &at));
    }
    let key = RsaPublicKey::from_public_key_pem(pem)
        .map_err(|_| invalid_on("The public key is not a valid PEM-encoded RSA key", &at))?;
    Ok(Credential {
        id: format!("cred_{}", ids::alnum(22)),
        name: c.get("name").and_then(Value::as_str).map(String::from),
        credential_type: credential_type.to_string(),
        pem: pem.to_string(),
        kid: thumbprint(&key),
        alg: c
            .get("alg")
            .and_then(Value::as_str)
            .unwrap_or("RS256")
            .to_string(),
        created_at: now_ms,
        updated_at: now_ms,
        expires_at: None,
        in_use: false,
    })
}

/// RFC 7638: the SHA-256 of the key's required members in lexicographic order.
fn thumbprint(key: &RsaPublicKey) -> String {
    let b64 = |bytes: Vec<u8>| URL_SAFE_NO_PAD.encode(bytes);
    let canonical = format!(
        r#"{{"e":"{}","kty":"RSA","n":"{}"}}"#,
        b64(key.e().to_bytes_be()),
        b64(key.n().to_bytes_be())
    );
    URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.as_bytes()))
}

/// One credential as `/clients/{id}/credentials` answers it (never its key). `expires_at` is
/// answered (null when unset) everywhere but in the answer that made it.
pub fn render_one(c: &Credential, with_expiry: bool) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), json!(c.id));
    if let Some(name) = &c.name {
        m.insert("name".into(), json!(name));
    }
    m.insert("credential_type".into(), json!(c.credential_type));
    m.insert("kid".into(), json!(c.kid));
    m.insert("alg".into(), json!(c.alg));
    m.insert("created_at".into(), json!(iso(c.created_at)));
    m.insert(
        "updated_at".into(),
        json!(iso(c.updated_at.max(c.created_at))),
    );
    if with_expiry || c.expires_at.is_some() {
        m.insert("expires_at".into(), json!(c.expires_at.map(iso)));
    }
    Value::Object(m)
}

/// The client's `client_authentication_methods`, its credentials in use: whole where `fresh`, ids
/// only elsewhere.
pub fn render(credentials: &[Credential], fresh: bool) -> Value {
    let list: Vec<Value> = credentials
        .iter()
        .filter(|c| c.in_use)
        .map(|c| {
            if fresh {
                render_one(c, false)
            } else {
                json!({ "id": c.id })
            }
        })
        .collect();
    json!({ "private_key_jwt": { "credentials": list } })
}
