//! The tenant's RS256 signing keys: a current key that signs, a next key already published, and the
//! previous key kept in the JWKS after a rotation so tokens it signed still verify.

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rsa::pkcs1::{DecodeRsaPrivateKey, EncodeRsaPrivateKey};
use rsa::traits::PublicKeyParts;
use rsa::RsaPrivateKey;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::ids;

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("key generation failed: {0}")]
    Generate(String),
    #[error("stored key is invalid: {0}")]
    Stored(String),
}

pub struct SigningKey {
    pub kid: String,
    der: Vec<u8>,
    n: String,
    e: String,
    encoding: EncodingKey,
    decoding: DecodingKey,
}

/// What is persisted of a key.
#[derive(Serialize, Deserialize, Clone)]
pub struct StoredKey {
    pub kid: String,
    pub pkcs1_der_b64: String,
}

impl SigningKey {
    pub fn generate() -> Result<Self, KeyError> {
        let key = RsaPrivateKey::new(&mut rand::thread_rng(), 2048)
            .map_err(|e| KeyError::Generate(e.to_string()))?;
        let der = key
            .to_pkcs1_der()
            .map_err(|e| KeyError::Generate(e.to_string()))?
            .as_bytes()
            .to_vec();
        Self::from_der(ids::key_id(), der)
    }

    fn from_der(kid: String, der: Vec<u8>) -> Result<Self, KeyError> {
        let key =
            RsaPrivateKey::from_pkcs1_der(&der).map_err(|e| KeyError::Stored(e.to_string()))?;
        let n = URL_SAFE_NO_PAD.encode(key.n().to_bytes_be());
        let e = URL_SAFE_NO_PAD.encode(key.e().to_bytes_be());
        let decoding = DecodingKey::from_rsa_components(&n, &e)
            .map_err(|e| KeyError::Stored(e.to_string()))?;
        Ok(Self {
            kid,
            encoding: EncodingKey::from_rsa_der(&der),
            der,
            n,
            e,
            decoding,
        })
    }

    pub fn restore(stored: &StoredKey) -> Result<Self, KeyError> {
        let der = STANDARD
            .decode(&stored.pkcs1_der_b64)
            .map_err(|e| KeyError::Stored(e.to_string()))?;
        Self::from_der(stored.kid.clone(), der)
    }

    pub fn store(&self) -> StoredKey {
        StoredKey {
            kid: self.kid.clone(),
            pkcs1_der_b64: STANDARD.encode(&self.der),
        }
    }

    /// The public half as a JWK, in the shape Auth0 publishes (SPEC §2.2; no certificate chain here).
    pub fn jwk(&self) -> Value {
        json!({ "kty": "RSA", "use": "sig", "n": self.n, "e": self.e, "kid": self.kid, "alg": "RS256" })
    }

    /// Signs any claims with this key, naming it by `kid`.
    pub fn sign<T: Serialize>(&self, claims: &T) -> Result<String, jsonwebtoken::errors::Error> {
        self.sign_naming(claims, Some(self.kid.clone()))
    }

    /// Signs with this key and its `kid` under another RSA algorithm (the hostile provider's PS256).
    pub fn sign_with<T: Serialize>(
        &self,
        claims: &T,
        alg: Algorithm,
    ) -> Result<String, jsonwebtoken::errors::Error> {
        let mut header = Header::new(alg);
        header.kid = Some(self.kid.clone());
        header.typ = Some("JWT".into());
        jsonwebtoken::encode(&header, claims, &self.encoding)
    }

    /// The public half as PEM (SubjectPublicKeyInfo): what a key-confusion attacker uses as an
    /// HMAC secret.
    pub fn public_pem(&self) -> Result<String, KeyError> {
        use rsa::pkcs8::EncodePublicKey;
        let key = RsaPrivateKey::from_pkcs1_der(&self.der)
            .map_err(|e| KeyError::Stored(e.to_string()))?;
        key.to_public_key()
            .to_public_key_pem(rsa::pkcs8::LineEnding::LF)
            .map_err(|e| KeyError::Stored(e.to_string()))
    }

    /// Signs with this key under any `kid` or none (the hostile provider's forgeries).
    pub fn sign_naming<T: Serialize>(
        &self,
        claims: &T,
        kid: Option<String>,
    ) -> Result<String, jsonwebtoken::errors::Error> {
        let mut header = Header::new(Algorithm::RS256);
        header.kid = kid;
        header.typ = Some("JWT".into());
        jsonwebtoken::encode(&header, claims, &self.encoding)
    }
}

pub struct KeySet {
    pub previous: Option<SigningKey>,
    pub current: SigningKey,
    pub next: SigningKey,
}

#[derive(Serialize, Deserialize, Clone)]
pub struct StoredKeySet {
    pub previous: Option<StoredKey>,
    pub current: StoredKey,
    pub next: StoredKey,
}

impl KeySet {
    pub fn generate() -> Result<Self, KeyError> {
        Ok(Self {
            previous: None,
            current: SigningKey::generate()?,
            next: SigningKey::generate()?,
        })
    }

    pub fn restore(stored: &StoredKeySet) -> Result<Self, KeyError> {
        Ok(Self {
            previous: stored
                .previous
                .as_ref()
                .map(SigningKey::restore)
                .transpose()?,
            current: SigningKey::restore(&stored.current)?,
            next: SigningKey::restore(&stored.next)?,
        })
    }

    pub fn store(&self) -> StoredKeySet {
        StoredKeySet {
            previous: self.previous.as_ref().map(SigningKey::store),
            current: self.current.store(),
            next: self.next.store(),
        }
    }

    /// Auth0's rotation: the next key signs from now on, a new next key is published, the old current
    /// key stays published (as previous) until the following rotation.
    pub fn rotate(&mut self) -> Result<(), KeyError> {
        let new_next = SigningKey::generate()?;
        let old_current = std::mem::replace(
            &mut self.current,
            std::mem::replace(&mut self.next, new_next),
        );
        self.previous = Some(old_current);
        Ok(())
    }

    pub fn jwks(&self) -> Value {
        let mut keys = vec![self.current.jwk(), self.next.jwk()];
        if let Some(previous) = &self.previous {
            keys.push(previous.jwk());
        }
        json!({ "keys": keys })
    }

    /// Verifies an RS256 token signed by any published key: audience, issuer, and `exp` against `now`
    /// (the tenant's clock, not the system's).
    pub fn verify<T: DeserializeOwned>(
        &self,
        token: &str,
        audience: &str,
        issuer: &str,
        now: i64,
    ) -> Result<T, String> {
        const INVALID: &str = "Invalid token.";
        let header = jsonwebtoken::decode_header(token).map_err(|_| INVALID.to_string())?;
        if header.alg != Algorithm::RS256 {
            return Err(INVALID.into());
        }
        let kid = header.kid.ok_or(INVALID)?;
        let key = [
            Some(&self.current),
            Some(&self.next),
            self.previous.as_ref(),
        ]
        .into_iter()
        .flatten()
        .find(|k| k.kid == kid)
        .ok_or("Invalid signature received for JSON Web Token validation.")?;
        let mut validation = Validation::new(Algorithm::RS256);
        validation.set_audience(&[audience]);
        validation.set_issuer(&[issuer]);
        validation.validate_exp = false;
        let claims = jsonwebtoken::decode::<Value>(token, &key.decoding, &validation)
            .map(|data| data.claims)
            .map_err(|err| match err.kind() {
                jsonwebtoken::errors::ErrorKind::InvalidSignature => {
                    "Invalid signature received for JSON Web Token validation.".to_string()
                }
                jsonwebtoken::errors::ErrorKind::InvalidAudience => {
                    format!("Bad audience: {audience}")
                }
                _ => INVALID.to_string(),
            })?;
        match claims.get("exp").and_then(Value::as_i64) {
            Some(exp) if exp > now => {}
            Some(_) => return Err("Expired token received for JSON Web Token validation".into()),
            None => return Err(INVALID.into()),
        }
        serde_json::from_value(claims).map_err(|_| INVALID.to_string())
    }
}
