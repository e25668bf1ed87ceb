//! What every request handler and server function can reach.

use std::sync::Arc;

use crate::server::store::Db;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use super::auth0::ManagementClient;
use super::config::Config;

/// Cloned for every request and every server function (Leptos contexts hand out clones): one
/// reference count, instead of a copy of each field.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl AppState {
    pub fn new(shared: Shared) -> Self {
        Self(Arc::new(shared))
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

pub struct Shared {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub config: Arc<Config>,
    /// The Auth0 (or local tenant) issuer, `https://host/` with the trailing slash.
    pub issuer: String,
    pub mgmt: Arc<ManagementClient>,
    pub oidc: Arc<super::auth::oidc::Oidc>,
    /// The sign-up application's client (organizations denied), when customers may create
    /// organizations.
    pub onboarding_oidc: Option<Arc<super::auth::oidc::Oidc>>,
    pub catalog: Arc<super::catalog::Catalog>,
    /// Brief caching of Management API reads (see `cache`).
    pub cache: Arc<super::cache::ReadCache>,
    /// Request-rate buckets (per replica).
    pub limiter: Arc<super::limits::Limiter>,
    /// The bundle's content-hashed file names.
    pub assets: Arc<super::http::assets::Assets>,
    /// The automation API's token verifier (None: no API audience configured, the API is off).
    pub automation: Option<Arc<super::automation::token::Verifier>>,
}

impl Shared {
    /// What a service needs, for a request with this id.
    pub fn ctx(&self, request_id: Option<String>) -> super::service::Ctx<'_> {
        super::service::Ctx {
            db: &self.db,
            mgmt: &self.mgmt,
            identity: &self.config.identity,
            issuer: &self.issuer,
            catalog: &self.catalog,
            cache: &self.cache,
            limits: &self.config.limits,
            clock: &self.config.clock,
            request_id,
        }
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
