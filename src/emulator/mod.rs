//! A local Auth0-compatible tenant: the OIDC provider, the Management API subset orgdesk uses, and Auth0's
//! organization rules for machine-to-machine tokens. orgdesk's embedded default, the ground of every test,
//! and runnable alone (`orgdesk tenant`). It is reached over HTTP only, exactly like Auth0.
//!
//! Paths: `authn/` imitates the Authentication API, `mgmt/` the Management API v2 (one file per resource,
//! each naming the Auth0 endpoints it imitates), `/__emulator/*` is the test-only control API.

pub mod authn;
pub mod cli;
pub mod control;
pub mod errors;
pub mod faults;
pub mod hostile;
pub mod ids;
pub mod keys;
pub mod mgmt;
pub mod model;
pub mod paging;
pub mod quota;
pub mod ratelimit;
pub mod seed;
pub mod store;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::clock::{Clock, SystemClock};
use errors::{MgmtError, OAuthError};
use faults::{FaultKind, Faults};
use keys::KeySet;
use ratelimit::{Plan, RateLimiter};
use store::{Snapshot, TenantState};

pub struct EmulatorConfig {
    /// Port 0 picks a free port.
    pub bind: SocketAddr,
    /// Seed file text; the Travel0 demo when `None`.
    pub seed: Option<String>,
    /// Start as a new Auth0 tenant does (no seed), with one bootstrap Management API application.
    pub empty: bool,
    pub clock: Arc<dyn Clock>,
    pub plan: Plan,
    /// Enables `/__emulator/*` (latency, faults, key rotation). Never on for a demo.
    pub control_api: bool,
    /// With a path, the tenant is loaded from and saved to this JSON file; in memory otherwise.
    pub data_path: Option<PathBuf>,
    /// orgdesk's URL, for the seeded login client's callback and logout URLs.
    pub app_url: String,
}

impl std::fmt::Debug for EmulatorConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmulatorConfig")
            .field("bind", &self.bind)
            .field("plan", &self.plan)
            .field("control_api", &self.control_api)
            .field("data_path", &self.data_path)
            .field("app_url", &self.app_url)
            .finish_non_exhaustive()
    }
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            seed: None,
            empty: false,
            clock: Arc::new(SystemClock),
            plan: Plan::Generous,
            control_api: false,
            data_path: None,
            app_url: "http://127.0.0.1:3000".into(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum EmulatorError {
    #[error(transparent)]
    Seed(#[from] seed::SeedError),
    #[error(transparent)]
    Keys(#[from] keys::KeyError),
    #[error(transparent)]
    Persist(#[from] store::PersistError),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
}

/// The tenant's shared state.
pub struct Emulator {
    /// `http://host:port/`, with the trailing slash, as Auth0's.
    pub issuer: String,
    tenant: RwLock<TenantState>,
    keys: RwLock<KeySet>,
    pub clock: Arc<dyn Clock>,
    pub limiter: RateLimiter,
    pub faults: Faults,
    /// Test-only broken sign-ins (armed through the control API).
    pub hostile: hostile::Hostile,
    /// `private_key_jwt` assertion ids already used.
    pub replays: authn::assertion::Replays,
    /// Tokens issued against `token_quota`s this hour and day.
    pub quota_usage: quota::Usage,
    pub control_api: bool,
    dirty: AtomicBool,
    data_path: Option<PathBuf>,
}

impl Emulator {
    pub fn mgmt_audience(&self) -> String {
        format!("{}api/v2/", self.issuer)
    }

    pub fn read(&self) -> RwLockReadGuard<'_, TenantState> {
        self.tenant
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Every change goes through here, so persistence knows to save.
    pub fn write(&self) -> RwLockWriteGuard<'_, TenantState> {
        self.dirty.store(true, Ordering::Release);
        self.tenant
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn keys(&self) -> RwLockReadGuard<'_, KeySet> {
        self.keys
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn rotate_keys(&self) -> Result<(), keys::KeyError> {
        let mut keys = self
            .keys
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        keys.rotate()?;
        self.dirty.store(true, Ordering::Release);
        Ok(())
    }

    pub fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    pub fn now_secs(&self) -> i64 {
        self.clock.now_secs()
    }

    fn snapshot_bytes(&self) -> Option<Vec<u8>> {
        let tenant = self.read();
        let keys = self.keys().store();
        serde_json::to_vec(&SnapshotRef {
            tenant: &tenant,
            keys: &keys,
        })
        .ok()
    }

    /// Saves now if anything changed since the last save.
    pub fn flush(&self) -> Result<(), store::PersistError> {
        let Some(path) = &self.data_path else {
            return Ok(());
        };
        if !self.dirty.swap(false, Ordering::AcqRel) {
            return Ok(());
        }
        match self.snapshot_bytes() {
            Some(bytes) => store::save(path, &bytes),
            None => Ok(()),
        }
    }
}

#[derive(serde::Serialize)]
struct SnapshotRef<'a> {
    tenant: &'a TenantState,
    keys: &'a keys::StoredKeySet,
}

/// A running local tenant.
pub struct Handle {
    pub addr: SocketAddr,
    /// `http://127.0.0.1:<port>` (no trailing slash; the issuer adds one).
    pub base_url: String,
    pub emulator: Arc<Emulator>,
    stop: oneshot::Sender<()>,
    task: JoinHandle<()>,
}

impl Handle {
    pub fn issuer(&self) -> String {
        format!("{}/", self.base_url)
    }

    pub fn mgmt_audience(&self) -> String {
        self.emulator.mgmt_audience()
    }

    /// The empty tenant's bootstrap application (id, secret), while it exists.
    pub fn bootstrap_credential(&self) -> Option<(String, String)> {
        seed::bootstrap_credential(&self.emulator.read())
    }

    pub async fn shutdown(self) {
        let _ = self.stop.send(());
        let _ = self.task.await;
        if let Err(err) = self.emulator.flush() {
            tracing::error!(error = %err, "local tenant: final save failed");
        }
    }
}

pub async fn start(config: EmulatorConfig) -> Result<Handle, EmulatorError> {
    let listener = TcpListener::bind(config.bind)
        .await
        .map_err(|source| EmulatorError::Bind {
            addr: config.bind,
            source,
        })?;
    let addr = listener
        .local_addr()
        .map_err(|source| EmulatorError::Bind {
            addr: config.bind,
            source,
        })?;
    let base_url = format!("http://{addr}");
    let issuer = format!("{base_url}/");
    let mgmt_audience = format!("{issuer}api/v2/");

    let restored = match &config.data_path {
        Some(path) => store::load(path)?,
        None => None,
    };
    let (tenant, keys) = match restored {
        Some(Snapshot { mut tenant, keys }) => {
            tenant.rebase(&mgmt_audience, &config.app_url);
            tenant.ensure_database_connection(config.clock.now_ms());
            (tenant, KeySet::restore(&keys)?)
        }
        None => {
            let seed = match &config.seed {
                _ if config.empty => seed::Seed::empty()?,
                Some(text) => seed::Seed::parse(text)?,
                None => seed::Seed::travel0()?,
            };
            let tenant = seed.build(&mgmt_audience, &config.app_url, config.clock.now_ms())?;
            let keys = tokio::task::spawn_blocking(KeySet::generate)
                .await
                .map_err(|e| keys::KeyError::Generate(e.to_string()))??;
            (tenant, keys)
        }
    };

    let emulator = Arc::new(Emulator {
        issuer,
        tenant: RwLock::new(tenant),
        keys: RwLock::new(keys),
        clock: config.clock,
        limiter: RateLimiter::new(config.plan),
        faults: Faults::default(),
        hostile: hostile::Hostile::default(),
        replays: Default::default(),
        quota_usage: Default::default(),
        control_api: config.control_api,
        dirty: AtomicBool::new(config.data_path.is_some()),
        data_path: config.data_path,
    });
    emulator.flush()?;

    let app = router(emulator.clone());
    let (stop, stopped) = oneshot::channel::<()>();
    let saver = emulator.clone();
    let task = tokio::spawn(async move {
        let persist = async move {
            loop {
                tokio::time::sleep(Duration::from_millis(200)).await;
                let e = saver.clone();
                let _ = tokio::task::spawn_blocking(move || {
                    if let Err(err) = e.flush() {
                        tracing::error!(error = %err, "local tenant: save failed");
                    }
                })
                .await;
            }
        };
        let serve = axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            let _ = stopped.await;
        });
        tokio::select! {
            result = serve => {
                if let Err(err) = result {
                    tracing::error!(error = %err, "local tenant stopped with an error");
                }
            }
            _ = persist => {}
        }
    });
    Ok(Handle {
        addr,
        base_url,
        emulator,
        stop,
        task,
    })
}

pub fn router(emulator: Arc<Emulator>) -> Router {
    // Outermost first: the gate, the `sapi` log (of changes that passed), the schema check.
    let logged = axum::middleware::from_fn_with_state(emulator.clone(), mgmt::api_log::record);
    let checked = axum::middleware::from_fn_with_state(emulator.clone(), mgmt::validation::check);
    let public = authn::routes()
        .merge(mgmt::routes().layer(checked).layer(logged))
        .layer(axum::middleware::from_fn_with_state(emulator.clone(), gate));
    let mut app = public;
    if emulator.control_api {
        app = app.merge(control::routes());
    }
    app.with_state(emulator)
}

/// In front of every Auth0 route: injected latency, then injected faults, then rate limits.
async fn gate(State(emulator): State<Arc<Emulator>>, request: Request, next: Next) -> Response {
    if let Some(delay) = emulator.faults.latency().pick() {
        tokio::time::sleep(delay).await;
    }
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let is_mgmt = path.starts_with("/api/v2/");
    if let Some(fault) = emulator.faults.take(method.as_str(), &path) {
        if !fault.kind.after() {
            return inject(fault, is_mgmt).await;
        }
        let done = next.run(request).await;
        return match fault.kind {
            FaultKind::HoldAfter => {
                tokio::time::sleep(Duration::from_millis(fault.hold_ms.unwrap_or(30_000))).await;
                done
            }
            // 200 whatever the real status: a 204 would carry no body to break.
            _ => reset(),
        };
    }
    let verdict = emulator
        .limiter
        .check(ratelimit::class(&method, &path), emulator.now_ms());
    let mut response = if verdict.allowed {
        next.run(request).await
    } else if is_mgmt {
        MgmtError::too_many_requests().into_response()
    } else {
        OAuthError::too_many_requests().into_response()
    };
    let headers = response.headers_mut();
    if is_mgmt {
        // Auth0 names the charset on every Management API answer, a 204 included.
        headers.insert(
            axum::http::header::CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=utf-8"),
        );
    }
    for (name, value) in [
        ("x-ratelimit-limit", verdict.limit.to_string()),
        ("x-ratelimit-remaining", verdict.remaining.to_string()),
        ("x-ratelimit-reset", verdict.reset.to_string()),
    ] {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    }
    response
}

async fn inject(fault: faults::FaultRule, is_mgmt: bool) -> Response {
    match fault.kind {
        FaultKind::Status => {
            let status =
                StatusCode::from_u16(fault.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            if is_mgmt {
                let code = (status == StatusCode::TOO_MANY_REQUESTS).then_some("too_many_requests");
                let message = if code.is_some() {
                    "Global limit has been reached".to_string()
                } else {
                    status.canonical_reason().unwrap_or("Error").to_string()
                };
                let message = fault.message.clone().unwrap_or(message);
                let code = fault
                    .error_code
                    .as_deref()
                    .and_then(errors::known_code)
                    .or(code);
                MgmtError::new(status, message, code).into_response()
            } else {
                OAuthError {
                    status,
                    error: "server_error",
                    description: "Injected failure".into(),
                }
                .into_response()
            }
        }
        FaultKind::Timeout => {
            tokio::time::sleep(Duration::from_millis(fault.hold_ms.unwrap_or(30_000))).await;
            StatusCode::GATEWAY_TIMEOUT.into_response()
        }
        FaultKind::Reset => reset(),
        // Handled in `gate`: the call runs first.
        FaultKind::ResetAfter | FaultKind::HoldAfter => {
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// A status line, then a connection dropped mid-body.
fn reset() -> Response {
    let stream = futures_util::stream::once(async {
        Err::<axum::body::Bytes, std::io::Error>(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "injected reset",
        ))
    });
    Response::builder()
        .status(StatusCode::OK)
        .header("content-type", "application/json")
        .body(Body::from_stream(stream))
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}
