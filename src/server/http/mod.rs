//! The axum router: probes, the Leptos app and its server functions, static files, and the layers around
//! them (request id, tracing, sessions).

pub mod assets;
pub mod csrf;
pub mod exports;
pub mod forms;
pub mod headers;
pub mod health;
pub mod metrics;
pub mod page_status;
pub mod rate_limit;
pub mod refusal;
pub mod web;

use std::sync::LazyLock;
use std::time::Duration;

use axum::http::{HeaderName, Request, StatusCode};
use axum::routing::{get, post};
use axum::Router;
use leptos::prelude::provide_context;
use leptos_axum::{
    file_and_error_handler_with_context, generate_route_list, AxumRouteListing, LeptosRoutes,
};
use tower::ServiceBuilder;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{
    MakeRequestUuid, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::trace::TraceLayer;
use tower_http::CompressionLevel;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

use super::auth::routes as auth_routes;
use super::onboarding;
use super::state::AppState;
use super::store::sessions::{DbStore, HashedIds};
use crate::app::{shell, App};

pub const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// The session cookie's name: `__Host-` when served over https, so no sibling domain can set it.
pub fn session_cookie_name(https: bool) -> &'static str {
    if https {
        "__Host-orgdesk"
    } else {
        "orgdesk"
    }
}

/// The app's routes, listed once per process. Listing renders the app with every resource held back,
/// and Leptos holds back process-wide (leptos#4773): a page another server of this process rendered
/// meanwhile never finished. Only the first server of a process lists them, before any page exists.
static ROUTES: LazyLock<Vec<AxumRouteListing>> = LazyLock::new(|| generate_route_list(App));

pub fn router(state: AppState, sessions: HashedIds<DbStore>) -> Router {
    let config = &state.config;
    let idle = time::Duration::seconds(config.session_idle_timeout.as_secs() as i64);
    let session_layer = SessionManagerLayer::new(sessions)
        .with_name(session_cookie_name(config.is_https()))
        .with_secure(config.is_https())
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(idle));

    let routes = ROUTES.clone();
    let context = {
        let state = state.clone();
        move || page_context(&state)
    };
    let app_shell = {
        let options = state.leptos_options.clone();
        move || shell(options.clone())
    };

    let desk = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/login", get(auth_routes::login))
        .route("/auth/callback", get(auth_routes::callback))
        .route("/auth/step-up", get(crate::server::auth::step_up::start))
        .route("/logout", post(auth_routes::logout))
        .route("/onboarding/start", get(onboarding::routes::start))
        .route("/onboarding/callback", get(onboarding::routes::callback))
        .route("/onboarding/create", post(onboarding::routes::create))
        .route("/forms/{*endpoint}", post(self::forms::submit))
        .route("/orgs/{org}/audit.csv", get(exports::org_audit))
        .route("/orgs/{org}/reviews/{file}", get(exports::org_review))
        .route(
            "/support/orgs/{org}/audit.csv",
            get(exports::support_org_audit),
        )
        .route("/support/reports/{file}", get(exports::support_report))
        .route("/metrics", get(metrics::serve))
        .route(
            "/developers/api",
            get(crate::server::automation::reference::serve),
        )
        .nest_service("/pkg", self::assets::service(&config.site_root))
        .leptos_routes_with_context(&state, routes, context.clone(), app_shell)
        .fallback(file_and_error_handler_with_context::<AppState, _>(
            context, shell,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            page_status::guard,
        ))
        .layer(axum::middleware::from_fn(
            |request: Request<axum::body::Body>, next: axum::middleware::Next| {
                super::auth0::pacer::request_scope(next.run(request))
            },
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            csrf::guard,
        ))
        .layer(session_layer)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            rate_limit::limit,
        ));
    // The automation API has no session, CSRF or page layers: a bearer token is its only door, and
    // each caller has its own rate limit (`automation::caller`).
    Router::new()
        .nest(
            crate::server::automation::PREFIX,
            crate::server::automation::router(),
        )
        .merge(desk)
        .layer(RequestBodyLimitLayer::new(MAX_BODY))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            headers::secure,
        ))
        // Outside every refusal above, so a 403, 413 or 429 is counted under its route too.
        .layer(axum::middleware::from_fn(metrics::track))
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(REQUEST_ID_HEADER, MakeRequestUuid))
                .layer(TraceLayer::new_for_http().make_span_with(request_span))
                .layer(PropagateRequestIdLayer::new(REQUEST_ID_HEADER))
                // Pages, server-call answers and CSV files, br or gzip as the browser asks; a page
                // keeps streaming (the encoder flushes whenever the page waits). The bundle comes
                // precompressed. Level 4, not the codecs' default: brotli's is 11, meant for files
                // compressed once, and costs milliseconds of CPU per page for a few per cent fewer bytes.
                .layer(
                    CompressionLayer::new()
                        .quality(CompressionLevel::Precise(DYNAMIC_COMPRESSION_LEVEL)),
                )
                // Inside compression: it also reads refusals back, uncompressed, to name them.
                .layer(axum::middleware::from_fn(deadline)),
        )
        .with_state(state)
}

/// What every page's render is given.
pub fn page_context(state: &AppState) {
    provide_context(state.clone());
    provide_context(self::web::ConfirmedViewer::default());
    provide_context(super::cache::PageVersions::default());
}

/// Spans carry the method, the path (never the query: it can hold authorization codes) and the request id.
fn request_span<B>(request: &Request<B>) -> tracing::Span {
    let request_id = request
        .extensions()
        .get::<RequestId>()
        .and_then(|id| id.header_value().to_str().ok())
        .unwrap_or("-");
    tracing::info_span!(
        "request",
        method = %request.method(),
        path = %request.uri().path(),
        request_id = %request_id,
    )
}

/// The largest request body orgdesk reads: its forms are small (a description is 140 characters).
pub const MAX_BODY: usize = 64 * 1024;

/// br and gzip level for what is compressed as it is sent (pages, answers, CSV files).
const DYNAMIC_COMPRESSION_LEVEL: i32 = 4;

/// How long one request may take before orgdesk answers 408 on its behalf.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// How long a server call may take: a change may first wait its turn for Auth0's rate limit (the
/// budget admits none that it expects to wait longer than 40 s), then make its calls.
pub const CALL_TIMEOUT: Duration = Duration::from_secs(60);

async fn deadline(
    request: Request<axum::body::Body>,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let path = request.uri().path();
    let automation = path.starts_with(crate::server::automation::PREFIX)
        && path[crate::server::automation::PREFIX.len()..].starts_with('/');
    let api = path.starts_with("/api/") && !automation;
    let call = (api && request.method() == axum::http::Method::POST) || automation;
    let limit = if call { CALL_TIMEOUT } else { REQUEST_TIMEOUT };
    // A reference-counted copy (no new string) on every request; only a refusal is read back.
    let request_id = request.headers().get(REQUEST_ID_HEADER).cloned();
    let response = match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => StatusCode::REQUEST_TIMEOUT.into_response(),
    };
    if automation {
        return crate::server::automation::problem::bare(request_id, response);
    }
    self::refusal::named(api, request_id, response).await
}
