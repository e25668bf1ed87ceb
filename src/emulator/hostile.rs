//! Test-only hostile identity provider (behind `/__emulator/hostile`, off unless the control API is
//! on): while a mode is armed, every ID token the tenant issues — or its userinfo answer, or its JWKS —
//! is broken in that one way, so a relying party's refusal of each can be tested.

use std::sync::Mutex;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::Deserialize;
use serde_json::{json, Value};

use super::keys::{KeySet, SigningKey};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// A valid token whose signature bytes are altered.
    BadSignature,
    /// Signed by a key the tenant never published, under the current key's `kid`.
    ForeignKey,
    /// `alg: none` and no signature.
    AlgNone,
    /// HS256 with the client secret as the HMAC key (the classic key-confusion attack).
    Hs256ClientSecret,
    WrongIssuer,
    WrongAudience,
    WrongAzp,
    MissingExp,
    Expired,
    IatPast,
    IatFuture,
    MissingNonce,
    WrongNonce,
    /// The nonce of the previous sign-in this tenant served.
    ReplayedNonce,
    MissingOrgId,
    /// Another organization of the tenant than the one the user signed in to.
    OtherOrgId,
    /// The tenant rotates twice right before signing: the token's key is one the RP has never seen.
    RotatedKeys,
    /// No `kid`, and the JWKS publishes just the signing key.
    NoKidOneKey,
    /// No `kid`, and the JWKS publishes several keys.
    NoKidTwoKeys,
    /// `/userinfo` answers with another user's `sub`.
    UserinfoSubDiffers,
    /// No `iss` claim at all.
    MissingIss,
    /// The issuer without its trailing slash (`http://host` for `http://host/`).
    IssuerWithoutSlash,
    /// No `aud` claim at all.
    MissingAud,
    /// `aud` lists the client and another, untrusted audience (`azp` still the client).
    ExtraAudience,
    /// HS256 with the tenant's public key (PEM) as the HMAC secret: RS/HS key confusion.
    Hs256PublicKey,
    /// Signed with the right RSA key, but RSASSA-PSS (PS256) instead of RS256.
    Ps256,
    /// Signed with an EC P-256 key (ES256) under the current `kid`.
    Es256,
    /// No `iat` claim.
    MissingIat,
    /// `exp` ten years ahead.
    ExpFarFuture,
    /// A random `kid` the JWKS has never published, every time (a flood of them makes an RP that
    /// refetches on every unknown `kid` hammer the JWKS).
    RandomKid,
    /// Discovery names another issuer than the one asked for.
    DiscoveryIssuerMismatch,
    /// The tenant rotates its keys before signing and its JWKS URL answers with a redirect to the
    /// keys: only an RP that follows redirects for keys would accept the token.
    JwksRedirect,
}

#[derive(Default)]
pub struct Hostile {
    mode: Mutex<Option<Mode>>,
    /// How many times the JWKS was asked for (the refetch-flood case counts them).
    jwks_served: std::sync::atomic::AtomicU64,
    /// The nonce of the most recent ID token, for `ReplayedNonce`.
    last_nonce: Mutex<Option<String>>,
    /// Every token the token endpoint issued (with the control API on), for the leak test's search.
    issued: Mutex<Vec<String>>,
}

/// What forging needs besides the honest claims.
pub struct Forge<'a> {
    pub client_secret: &'a str,
    /// An organization other than the token's.
    pub other_org: Option<String>,
    pub now: i64,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Hostile {
    pub fn arm(&self, mode: Option<Mode>) {
        *lock(&self.mode) = mode;
    }

    pub fn issued(&self, token: &str) {
        lock(&self.issued).push(token.to_string());
    }

    pub fn issued_tokens(&self) -> Vec<String> {
        lock(&self.issued).clone()
    }

    pub fn mode(&self) -> Option<Mode> {
        *lock(&self.mode)
    }

    /// Counts a JWKS request; answers whether it must be answered with a redirect.
    pub fn jwks_requested(&self) -> bool {
        self.jwks_served
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.mode() == Some(Mode::JwksRedirect)
    }

    pub fn jwks_served(&self) -> u64 {
        self.jwks_served.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The issuer discovery names, for the issuer the tenant is.
    pub fn discovered_issuer(&self, issuer: &str) -> String {
        match self.mode() {
            Some(Mode::DiscoveryIssuerMismatch) => "https://someone-else.example/".to_string(),
            _ => issuer.to_string(),
        }
    }

    /// The JWKS as published under the armed mode.
    pub fn jwks(&self, keys: &KeySet) -> Value {
        match self.mode() {
            Some(Mode::NoKidOneKey) => json!({ "keys": [keys.current.jwk()] }),
            _ => keys.jwks(),
        }
    }

    /// The `sub` userinfo reports for `sub`.
    pub fn userinfo_sub(&self, sub: &str) -> String {
        match self.mode() {
            Some(Mode::UserinfoSubDiffers) => format!("{sub}-someone-else"),
            _ => sub.to_string(),
        }
    }

    /// Whether the keys must rotate (twice) before the next ID token is signed.
    pub fn rotates_first(&self) -> bool {
        matches!(self.mode(), Some(Mode::RotatedKeys | Mode::JwksRedirect))
    }

    /// Signs an ID token with the tenant's current key, broken as the armed mode says.
    pub fn sign_id_token(
        &self,
        mut claims: Value,
        keys: &SigningKey,
        forge: &Forge<'_>,
    ) -> Result<String, String> {
        let previous_nonce = lock(&self.last_nonce).clone();
        if let Some(n) = claims.get("nonce").and_then(Value::as_str) {
            *lock(&self.last_nonce) = Some(n.to_string());
        }
        let Some(mode) = self.mode() else {
            return keys.sign(&claims).map_err(|e| e.to_string());
        };
        let c = claims.as_object_mut().ok_or("claims are not an object")?;
        break_claims(mode, c, forge, previous_nonce);
        sign_broken(mode, &claims, keys, forge)
    }
}

/// The claims as the armed mode breaks them (modes that break the signature leave them honest).
fn break_claims(
    mode: Mode,
    c: &mut serde_json::Map<String, Value>,
    forge: &Forge<'_>,
    previous_nonce: Option<String>,
) {
    let now = forge.now;
    match mode {
        Mode::WrongIssuer => {
            c.insert("iss".into(), json!("https://evil.example/"));
        }
        Mode::WrongAudience => {
            c.insert("aud".into(), json!("someone-elses-client"));
        }
        Mode::WrongAzp => {
            let aud = c.get("aud").cloned().unwrap_or(Value::Null);
            c.insert("aud".into(), json!([aud, "someone-elses-client"]));
            c.insert("azp".into(), json!("someone-elses-client"));
        }
        Mode::Expired => {
            c.insert("iat".into(), json!(now - 120));
            c.insert("exp".into(), json!(now - 60));
        }
        Mode::IatPast => {
            c.insert("iat".into(), json!(now - 86_400));
        }
        Mode::IatFuture => {
            c.insert("iat".into(), json!(now + 3_600));
        }
        Mode::WrongNonce => {
            c.insert("nonce".into(), json!("not-the-nonce-that-was-sent"));
        }
        Mode::ReplayedNonce => {
            c.insert("nonce".into(), json!(previous_nonce.unwrap_or_default()));
        }
        Mode::MissingOrgId => {
            c.remove("org_id");
            c.remove("org_name");
        }
        Mode::OtherOrgId => {
            c.insert(
                "org_id".into(),
                json!(forge.other_org.clone().unwrap_or_default()),
            );
            c.remove("org_name");
        }
        Mode::IssuerWithoutSlash => {
            let iss = c.get("iss").and_then(Value::as_str).unwrap_or_default();
            let trimmed = iss.trim_end_matches('/').to_string();
            c.insert("iss".into(), json!(trimmed));
        }
        Mode::ExtraAudience => {
            let aud = c.get("aud").cloned().unwrap_or(Value::Null);
            c.insert("aud".into(), json!([aud, "https://untrusted.example/"]));
            c.insert("azp".into(), aud);
        }
        Mode::ExpFarFuture => {
            c.insert("exp".into(), json!(now + 10 * 365 * 86_400));
        }
        _ => {
            let missing = match mode {
                Mode::MissingExp => "exp",
                Mode::MissingNonce => "nonce",
                Mode::MissingIss => "iss",
                Mode::MissingAud => "aud",
                Mode::MissingIat => "iat",
                _ => return,
            };
            c.remove(missing);
        }
    }
}

/// HS256 under the current `kid`, with `secret` as the HMAC key (key-confusion attacks).
fn hs256(claims: &Value, kid: &str, secret: &[u8]) -> Result<String, String> {
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
    header.kid = Some(kid.to_string());
    let key = jsonwebtoken::EncodingKey::from_secret(secret);
    jsonwebtoken::encode(&header, claims, &key).map_err(|e| e.to_string())
}

/// The token signed as the armed mode says: with the wrong key, algorithm or `kid`, or honestly.
fn sign_broken(
    mode: Mode,
    claims: &Value,
    keys: &SigningKey,
    forge: &Forge<'_>,
) -> Result<String, String> {
    let sign = |key: &SigningKey, kid: Option<String>| {
        key.sign_naming(claims, kid).map_err(|e| e.to_string())
    };
    match mode {
        Mode::BadSignature => {
            let token = keys.sign(claims).map_err(|e| e.to_string())?;
            let (head, sig) = token.rsplit_once('.').ok_or("malformed")?;
            let mut bytes = URL_SAFE_NO_PAD.decode(sig).map_err(|e| e.to_string())?;
            bytes[0] ^= 0x01;
            Ok(format!("{head}.{}", URL_SAFE_NO_PAD.encode(bytes)))
        }
        Mode::ForeignKey => {
            let foreign = SigningKey::generate().map_err(|e| e.to_string())?;
            sign(&foreign, Some(keys.kid.clone()))
        }
        Mode::AlgNone => {
            let header = URL_SAFE_NO_PAD.encode(json!({"alg": "none", "typ": "JWT"}).to_string());
            let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
            Ok(format!("{header}.{payload}."))
        }
        Mode::Hs256ClientSecret => hs256(claims, &keys.kid, forge.client_secret.as_bytes()),
        Mode::Hs256PublicKey => {
            let pem = keys.public_pem().map_err(|e| e.to_string())?;
            hs256(claims, &keys.kid, pem.as_bytes())
        }
        Mode::Ps256 => keys
            .sign_with(claims, jsonwebtoken::Algorithm::PS256)
            .map_err(|e| e.to_string()),
        Mode::Es256 => {
            use ring::signature::{EcdsaKeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};
            let rng = ring::rand::SystemRandom::new();
            let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
                .map_err(|e| e.to_string())?;
            let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::ES256);
            header.kid = Some(keys.kid.clone());
            let key = jsonwebtoken::EncodingKey::from_ec_der(pkcs8.as_ref());
            jsonwebtoken::encode(&header, claims, &key).map_err(|e| e.to_string())
        }
        Mode::RandomKid => sign(keys, Some(super::ids::key_id())),
        Mode::NoKidOneKey | Mode::NoKidTwoKeys => sign(keys, None),
        _ => sign(keys, Some(keys.kid.clone())),
    }
}
