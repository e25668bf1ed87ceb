//! The orgdesk server: configuration, store, HTTP stack and start-up. Compiled only with `ssr`.

pub mod audit;
pub mod auth;
pub mod auth0;
pub mod automation;
pub mod cache;
pub mod catalog;
pub mod config;
pub mod config_error;
pub mod http;
pub mod identity;
pub mod ids;
pub mod limits;
pub mod listener;
pub mod logo;
pub mod metrics;
pub mod onboarding;
pub mod org_metadata;
pub mod org_name;
pub mod outbound;
pub mod policy;
pub mod service;
pub mod state;
pub mod store;
pub mod telemetry;
pub mod text;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use leptos::config::LeptosOptions;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tower_sessions::ExpiredDeletion;

use config::Config;
use state::AppState;

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Config(#[from] config::ConfigError),
    #[error(transparent)]
    Database(#[from] store::DbError),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("the site bundle is missing: {0} (build it with scripts/start or scripts/test)")]
    SiteMissing(String),
    #[error("cannot start the local tenant: {0}")]
    LocalTenant(#[from] crate::emulator::EmulatorError),
    #[error("cannot prepare the Management API client: {0}")]
    Management(#[from] auth0::ApiError),
    #[error("cannot set up sign-in: {0}")]
    SignIn(#[from] auth::oidc::SignInError),
    #[error("cannot set up the automation API's token checks: {0}")]
    Automation(reqwest::Error),
}

/// A running server. Dropping it does not stop it; call `shutdown`.
pub struct Running {
    pub addr: SocketAddr,
    pub base_url: String,
    pub state: AppState,
    /// The embedded local tenant, when no Auth0 tenant is configured.
    pub local_tenant: Option<crate::emulator::Handle>,
    stop: oneshot::Sender<()>,
    task: JoinHandle<()>,
}

impl Running {
    /// Stops accepting connections, lets in-flight requests finish, and waits.
    pub async fn shutdown(self) {
        let _ = self.stop.send(());
        let _ = self.task.await;
        if let Some(tenant) = self.local_tenant {
            tenant.shutdown().await;
        }
    }
}

/// Starts the embedded local tenant when no Auth0 tenant is configured; returns the issuer to use.
async fn identity_provider(
    config: &Config,
) -> Result<(String, Option<crate::emulator::Handle>), StartError> {
    if let Some(issuer) = &config.local_tenant_issuer {
        return Ok((issuer.clone(), None));
    }
    match &config.identity.upstream {
        upstream @ identity::Upstream::Auth0 { insecure_http, .. } => {
            let issuer = upstream.issuer().unwrap_or_default();
            if *insecure_http {
                tracing::warn!(
                    %issuer,
                    "ORGDESK_AUTH0_ALLOW_HTTP=loopback: talking to the tenant over PLAIN HTTP. \
                     Sign-in and Management API traffic is unencrypted; use this only with a local tenant for testing."
                );
            }
            Ok((issuer, None))
        }
        identity::Upstream::Local { bind } => {
            let handle = crate::emulator::start(crate::emulator::EmulatorConfig {
                bind: *bind,
                data_path: Some(config.data_dir.join("local-tenant.json")),
                app_url: config.public_url.clone(),
                control_api: config.local_tenant_control_api,
                clock: config.clock.clone(),
                ..Default::default()
            })
            .await?;
            tracing::info!(issuer = %handle.issuer(), "embedded local Auth0-compatible tenant is listening");
            Ok((handle.issuer(), Some(handle)))
        }
    }
}

/// Opens the store, binds `config.bind` (port 0 picks a free port) and serves in the background.
pub async fn start(mut config: Config) -> Result<Running, StartError> {
    let bundle = http::assets::load(&config.site_root);
    let pkg_js = config
        .site_root
        .join("pkg")
        .join(format!("{}.js", bundle.output_name));
    if !pkg_js.exists() {
        return Err(StartError::SiteMissing(pkg_js.display().to_string()));
    }
    let pool = store::connect(&config.database_url).await?;
    let sessions = store::sessions::HashedIds(store::sessions::DbStore::new(
        pool.clone(),
        config.clock.clone(),
    ));
    tokio::spawn(delete_expired_sessions(
        sessions.clone(),
        pool.clone(),
        config.clock.clone(),
        config.deleted_org_audit,
    ));

    let listener = TcpListener::bind(config.bind)
        .await
        .map_err(|source| StartError::Bind {
            addr: config.bind,
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| StartError::Bind {
        addr: config.bind,
        source,
    })?;
    if !config.public_url_explicit {
        config.public_url = format!("http://{addr}");
    }

    let (issuer, local_tenant) = identity_provider(&config).await?;
    let mgmt = auth0::ManagementClient::new(auth0::ClientConfig {
        issuer: issuer.clone(),
        client_id: config.identity.mgmt_client_id.clone(),
        client_secret: config.identity.mgmt_client_secret.clone(),
        timeout: config.upstream_timeout,
        retry: auth0::RetryPolicy::default(),
    })?
    .with_budget(config.auth0_budget, auth0::client::DEFAULT_MAX_QUEUE)
    .with_clock(config.clock.clone());
    let (oidc, onboarding_oidc) = sign_in_clients(&config, &issuer).await?;
    let automation = match config.identity.api_audience.as_deref() {
        Some(audience) => Some(Arc::new(
            automation::token::Verifier::new(&issuer, audience).map_err(StartError::Automation)?,
        )),
        None => None,
    };

    let leptos_options = LeptosOptions::builder()
        .output_name(bundle.output_name.clone())
        .site_root(config.site_root.display().to_string())
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .build();
    let state = AppState::new(state::Shared {
        leptos_options,
        db: pool,
        config: Arc::new(config),
        issuer,
        mgmt: Arc::new(mgmt),
        oidc: Arc::new(oidc),
        onboarding_oidc,
        catalog: Arc::new(catalog::Catalog::default()),
        cache: Arc::new(cache::ReadCache::default()),
        limiter: Arc::new(limits::Limiter::default()),
        assets: Arc::new(bundle),
        automation,
    });
    let app = http::router(state.clone(), sessions);
    tokio::spawn(recovery_passes(state.clone()));
    if let Some(every) = state.config.usage_pass {
        tokio::spawn(usage_passes(state.clone(), every));
    }
    if let Some(every) = state.config.webhook_pass {
        tokio::spawn(webhook_passes(state.clone(), every));
    }

    let (stop, stopped) = oneshot::channel::<()>();
    let connections = state.config.connections.clone();
    let proxies = state.config.limits.trusted_proxies.clone();
    let task = tokio::spawn(listener::serve(
        listener,
        app,
        connections,
        proxies,
        async move {
            let _ = stopped.await;
        },
    ));
    Ok(Running {
        addr,
        base_url: format!("http://{addr}"),
        state,
        local_tenant,
        stop,
        task,
    })
}

/// The sign-in application's client and, when customers may create organizations, the sign-up
/// application's. Each is discovered on its own (one request): they differ in id, secret and
/// callback, and each keeps its own refetched keys.
async fn sign_in_clients(
    config: &Config,
    issuer: &str,
) -> Result<(auth::oidc::Oidc, Option<Arc<auth::oidc::Oidc>>), StartError> {
    let oidc = auth::oidc::Oidc::discover(
        issuer,
        &config.identity.login_client_id,
        config.identity.login_client_secret.clone(),
        &format!("{}/auth/callback", config.public_url),
        config.clock.clone(),
    )
    .await?;
    let onboarding = match &config.identity.onboarding {
        Some(client) if config.onboarding.enabled => Some(Arc::new(
            auth::oidc::Oidc::discover(
                issuer,
                &client.client_id,
                client.client_secret.clone(),
                &format!("{}/onboarding/callback", config.public_url),
                config.clock.clone(),
            )
            .await?,
        )),
        _ => None,
    };
    Ok((oidc, onboarding))
}

/// Every five minutes: expired sessions and unfinished sign-ins leave the store (a failed pass is
/// retried at the next).
async fn delete_expired_sessions(
    store: store::sessions::HashedIds<store::sessions::DbStore>,
    db: store::Db,
    clock: Arc<dyn crate::clock::Clock>,
    deleted_org_audit: Duration,
) {
    let mut every = tokio::time::interval(Duration::from_secs(300));
    loop {
        every.tick().await;
        if let Err(err) = store.delete_expired().await {
            tracing::warn!(error = %err, "could not delete expired sessions");
        }
        if let Err(err) = auth::attempts::delete_expired(&db, clock.as_ref()).await {
            tracing::warn!(error = %err, "could not delete unfinished sign-ins");
        }
        let cutoff = (clock.now() - deleted_org_audit)
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        if let Err(err) = store::audit::purge_deleted(&db, &cutoff).await {
            tracing::warn!(error = %err, "could not delete old logs of deleted organizations");
        }
    }
}

/// Runs until Ctrl-C or SIGTERM.
pub async fn run(config: Config) -> Result<(), StartError> {
    let public_url = config.public_url.clone();
    let running = start(config).await?;
    tracing::info!(addr = %running.addr, %public_url, "orgdesk is listening");
    shutdown_signal().await;
    tracing::info!("shutting down");
    running.shutdown().await;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}

/// Every minute: the tenant's new log entries counted as bots' use, expired bots' access revoked and
/// the access reviews started where the organizations' policies say so (each one replica at a time);
/// first, the vendor's organization token quotas put on the tenant (until that succeeds once).
async fn usage_passes(state: AppState, period: Duration) {
    let mut every = tokio::time::interval(period);
    let mut quotas_set = state.config.identity.org_quotas.is_empty();
    loop {
        every.tick().await;
        let ctx = state.ctx(None);
        if !quotas_set {
            match service::org_quotas::apply(&ctx).await {
                Ok(_) => quotas_set = true,
                Err(err) => {
                    tracing::warn!(error = %err, "could not set the organizations' token quotas");
                }
            }
        }
        if let Err(err) = service::usage::ingest(&ctx).await {
            tracing::warn!(error = %err, "could not read the tenant's logs for bots' use");
        }
        if let Err(err) = service::credential_expiry::revoke_expired(&ctx).await {
            tracing::warn!(error = %err, "could not revoke expired bots' access");
        }
        if let Err(err) = service::access_reviews::start_due(&ctx).await {
            tracing::warn!(error = %err, "could not start the policies' access reviews");
        }
    }
}

/// Webhooks: new audit events queued for each active endpoint, and what is due sent, one replica
/// at a time (a delivery is sent once).
async fn webhook_passes(state: AppState, period: Duration) {
    let mut every = tokio::time::interval(period);
    loop {
        every.tick().await;
        let ctx = state.ctx(None);
        let reach = state.config.webhook_reach;
        let pass = service::one_replica(&ctx, "webhooks", Duration::from_secs(120), || async {
            service::webhooks::queue_new(&ctx).await?;
            service::webhooks::deliver_due(&ctx, reach).await
        });
        if let Err(err) = pass.await {
            tracing::warn!(error = %err, "could not send webhooks");
        }
    }
}

/// The recovery pass: at start and then every half minute, settles operations left open past the
/// grace period (a killed process, a lost answer, a compensation that failed). Claims in the store keep
/// replicas sharing it from settling the same operation twice.
async fn recovery_passes(state: AppState) {
    let grace = state.config.recovery_grace;
    let mut every = tokio::time::interval(Duration::from_secs(30));
    loop {
        every.tick().await;
        match service::journal::recover(&state.db, state.config.clock.as_ref(), &state.mgmt, grace)
            .await
        {
            Ok(0) => {}
            Ok(n) => tracing::warn!(settled = n, "recovery pass settled interrupted operations"),
            Err(err) => tracing::error!(error = %err, "recovery pass could not read the journal"),
        }
        let day_ago = state.config.clock.now_ms() - automation::idempotency::KEPT_MS;
        if let Err(err) = store::api_idempotency::prune(&state.db, day_ago).await {
            tracing::warn!(error = %err, "cannot forget old idempotency keys");
        }
        let month_ago = state.config.clock.now_ms() - 30 * 86_400_000;
        if let Err(err) = store::webhooks::prune(&state.db, month_ago).await {
            tracing::warn!(error = %err, "cannot forget old webhook deliveries");
        }
    }
}
