//! Bearer tokens for orgdesk's own API: Auth0 access tokens issued with the Client Credentials flow
//! for one organization. RS256 only, checked against the tenant's JWKS (fetched again when a token
//! names a key it does not hold, at most every half minute), then issuer, audience, expiry and the
//! claims a machine token carries. Expiry is judged by the process's clock, the one the local tenant
//! signs with.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use tokio::sync::RwLock;

/// After a fetch that brought no new key, how long an unknown `kid` waits before the next: a flood
/// of forged kids must not become a flood of fetches.
const REFETCH_EVERY: Duration = Duration::from_secs(30);
/// A token issued this far in the future (clock skew) is still accepted.
const LEEWAY: i64 = 60;

/// What a verified token says about its caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claims {
    /// The client the token was issued to (`azp`).
    pub client_id: String,
    /// The organization it was issued for (`org_id`); a token without one serves no operation.
    pub org_id: Option<String>,
    pub org_name: Option<String>,
    pub scopes: Vec<String>,
    /// When it was issued (seconds): a sensitive change wants a recent token.
    pub issued_at: i64,
}

/// Why a token was refused: said to the caller in `WWW-Authenticate` (RFC 6750 `invalid_token`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Rejected {
    #[error("the token is not a signed JWT")]
    Malformed,
    #[error("the token is not signed with RS256 by a key of the tenant")]
    Signature,
    #[error("the token was issued by another tenant or for another API")]
    Audience,
    #[error("the token has expired")]
    Expired,
    #[error("the token is not a machine token (client credentials)")]
    NotMachine,
    #[error("the tenant's signing keys could not be read")]
    Keys,
}

#[derive(Deserialize)]
struct Raw {
    sub: String,
    azp: Option<String>,
    exp: i64,
    iat: i64,
    #[serde(default)]
    nbf: Option<i64>,
    #[serde(default)]
    gty: Option<String>,
    #[serde(default)]
    scope: String,
    #[serde(default)]
    org_id: Option<String>,
    #[serde(default)]
    org_name: Option<String>,
}

pub struct Verifier {
    issuer: String,
    audience: String,
    jwks_uri: String,
    http: reqwest::Client,
    /// The tenant's keys by kid, decoded once when fetched; and when the cooldown began.
    keys: RwLock<(HashMap<String, DecodingKey>, Option<Instant>)>,
}

impl Verifier {
    pub fn new(issuer: &str, audience: &str) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(Self {
            issuer: issuer.to_string(),
            audience: audience.to_string(),
            jwks_uri: format!("{}.well-known/jwks.json", issuer),
            http,
            keys: RwLock::new((HashMap::new(), None)),
        })
    }

    pub fn audience(&self) -> &str {
        &self.audience
    }

    /// The token's claims if it is a valid machine token for orgdesk's API at `now` (seconds).
    pub async fn verify(&self, token: &str, now: i64) -> Result<Claims, Rejected> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| Rejected::Malformed)?;
        if header.alg != Algorithm::RS256 {
            return Err(Rejected::Signature);
        }
        let kid = header.kid.ok_or(Rejected::Signature)?;
        let key = match self.key(&kid).await {
            Some(key) => key,
            None if self.refetch().await => self.key(&kid).await.ok_or(Rejected::Signature)?,
            // Never read the tenant's keys at all: orgdesk cannot judge, the token may be fine.
            None if self.keys.read().await.0.is_empty() => return Err(Rejected::Keys),
            None => return Err(Rejected::Signature),
        };
        let mut validation = Validation::new(Algorithm::RS256);
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&[&self.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        // Time is judged below by the process's clock.
        validation.validate_exp = false;
        validation.validate_nbf = false;
        let raw = jsonwebtoken::decode::<Raw>(token, &key, &validation).map_err(|e| {
            use jsonwebtoken::errors::ErrorKind;
            match e.kind() {
                ErrorKind::InvalidIssuer | ErrorKind::InvalidAudience => Rejected::Audience,
                ErrorKind::InvalidSignature | ErrorKind::InvalidAlgorithm => Rejected::Signature,
                _ => Rejected::Malformed,
            }
        })?;
        claims(raw.claims, now)
    }

    async fn key(&self, kid: &str) -> Option<DecodingKey> {
        self.keys.read().await.0.get(kid).cloned()
    }

    /// Fetches the JWKS again; true when it brought a key orgdesk did not hold. A fetch that brought
    /// nothing new (or failed) starts a cooldown: forged kids cost the tenant one fetch per 30 s,
    /// while a real key rotation is taken up at the first token signed with the new key.
    async fn refetch(&self) -> bool {
        let mut keys = self.keys.write().await;
        if keys.1.is_some_and(|at| at.elapsed() < REFETCH_EVERY) {
            return false;
        }
        let fetched = async {
            self.http
                .get(&self.jwks_uri)
                .send()
                .await?
                .error_for_status()?
                .json::<JwkSet>()
                .await
        };
        match fetched.await {
            Ok(set) => {
                let decoded: HashMap<String, DecodingKey> = set
                    .keys
                    .iter()
                    .filter_map(|jwk| {
                        let kid = jwk.common.key_id.clone()?;
                        Some((kid, DecodingKey::from_jwk(jwk).ok()?))
                    })
                    .collect();
                let new = decoded.keys().any(|kid| !keys.0.contains_key(kid));
                keys.0 = decoded;
                keys.1 = (!new).then(Instant::now);
                new
            }
            Err(err) => {
                keys.1 = Some(Instant::now());
                tracing::warn!(error = %err, "cannot read the tenant's JWKS for the automation API");
                false
            }
        }
    }
}

fn claims(raw: Raw, now: i64) -> Result<Claims, Rejected> {
    if raw.exp <= now || raw.nbf.is_some_and(|nbf| nbf > now + LEEWAY) || raw.iat > now + LEEWAY {
        return Err(Rejected::Expired);
    }
    // A machine token's subject is `<client_id>@clients`, issued by the client credentials grant.
    let client_id = raw
        .sub
        .strip_suffix("@clients")
        .filter(|id| !id.is_empty())
        .ok_or(Rejected::NotMachine)?;
    if raw.gty.as_deref() != Some("client-credentials")
        || raw.azp.as_deref().is_some_and(|azp| azp != client_id)
    {
        return Err(Rejected::NotMachine);
    }
    Ok(Claims {
        client_id: client_id.to_string(),
        org_id: raw.org_id.filter(|o| crate::server::ids::org(o)),
        org_name: raw.org_name,
        scopes: raw.scope.split_whitespace().map(String::from).collect(),
        issued_at: raw.iat,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(sub: &str, gty: Option<&str>, exp: i64) -> Raw {
        Raw {
            sub: sub.into(),
            azp: None,
            exp,
            iat: 1_000,
            nbf: None,
            gty: gty.map(String::from),
            scope: "bots:read  audit:read".into(),
            org_id: Some("org_acmeTravel000001".into()),
            org_name: None,
        }
    }

    #[test]
    fn only_unexpired_machine_tokens_pass() {
        let ok = claims(raw("cli@clients", Some("client-credentials"), 2_000), 1_500).unwrap();
        assert_eq!(ok.client_id, "cli");
        assert_eq!(ok.scopes, ["bots:read", "audit:read"]);
        assert_eq!(
            claims(raw("cli@clients", Some("client-credentials"), 1_500), 1_500),
            Err(Rejected::Expired)
        );
        assert_eq!(
            claims(raw("auth0|alice", Some("client-credentials"), 2_000), 1_500),
            Err(Rejected::NotMachine)
        );
        assert_eq!(
            claims(raw("cli@clients", Some("password"), 2_000), 1_500),
            Err(Rejected::NotMachine)
        );
        let mut other = raw("cli@clients", Some("client-credentials"), 2_000);
        other.azp = Some("someone-else".into());
        assert_eq!(claims(other, 1_500), Err(Rejected::NotMachine));
        let mut future = raw("cli@clients", Some("client-credentials"), 9_000);
        future.iat = 1_500 + LEEWAY + 1;
        assert_eq!(claims(future, 1_500), Err(Rejected::Expired));
    }
}
