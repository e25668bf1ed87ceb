//! Who is calling the Management API: a client-credentials token for `<issuer>api/v2/`, with scopes.

use std::sync::{Arc, RwLockReadGuard, RwLockWriteGuard};

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde::Deserialize;

use super::super::errors::MgmtError;
use super::super::store::TenantState;
use super::super::Emulator;

/// The only way a Management API handler reaches the tenant: through a caller whose token was
/// verified.
#[derive(Clone)]
pub struct Caller {
    pub client_id: String,
    pub scopes: Vec<String>,
    emulator: Arc<Emulator>,
}

#[derive(Deserialize)]
struct Claims {
    azp: Option<String>,
    sub: String,
    #[serde(default)]
    scope: String,
}

impl Caller {
    pub fn read(&self) -> RwLockReadGuard<'_, TenantState> {
        self.emulator.read()
    }

    pub fn write(&self) -> RwLockWriteGuard<'_, TenantState> {
        self.emulator.write()
    }

    pub fn now_ms(&self) -> i64 {
        self.emulator.now_ms()
    }

    pub fn issuer(&self) -> &str {
        &self.emulator.issuer
    }

    pub fn has(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }

    /// Auth0's rule: any one of the listed scopes is enough.
    pub fn require(&self, any_of: &[&str]) -> Result<(), MgmtError> {
        if any_of.iter().any(|s| self.has(s)) {
            Ok(())
        } else {
            Err(MgmtError::insufficient_scope(any_of))
        }
    }
}

impl FromRequestParts<Arc<Emulator>> for Caller {
    type Rejection = MgmtError;

    async fn from_request_parts(
        parts: &mut Parts,
        emulator: &Arc<Emulator>,
    ) -> Result<Self, Self::Rejection> {
        let header = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| MgmtError::unauthorized("Missing authentication"))?;
        let token = header
            .strip_prefix("Bearer ")
            .or_else(|| header.strip_prefix("bearer "))
            .ok_or_else(|| MgmtError::unauthorized("Bad HTTP authentication header format"))?;
        let claims: Claims = emulator
            .keys()
            .verify(
                token.trim(),
                &emulator.mgmt_audience(),
                &emulator.issuer,
                emulator.now_secs(),
            )
            .map_err(MgmtError::unauthorized)?;
        let client_id = claims
            .azp
            .or_else(|| claims.sub.strip_suffix("@clients").map(String::from))
            .ok_or_else(|| MgmtError::unauthorized("Invalid token."))?;
        Ok(Caller {
            client_id,
            scopes: claims.scope.split_whitespace().map(String::from).collect(),
            emulator: emulator.clone(),
        })
    }
}
