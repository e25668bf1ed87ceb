//! `GET /metrics` and the middleware that counts every request (`server::metrics` holds the
//! counters). Only loopback (or addresses in `ORGDESK_METRICS_ALLOW`) may read them.

use std::net::SocketAddr;
use std::time::Instant;

use axum::extract::{ConnectInfo, MatchedPath, State};
use axum::http::{header, Request, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::server::metrics::METRICS;
use crate::server::state::AppState;

/// Counts every request under its route template (unmatched paths count as `other`).
pub async fn track(request: Request<axum::body::Body>, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| {
            if request.uri().path().starts_with("/pkg/") {
                "/pkg/*".into()
            } else {
                "other".into()
            }
        });
    let method = request.method().to_string();
    let started = Instant::now();
    let response = next.run(request).await;
    METRICS.request(
        &route,
        &method,
        response.status().as_u16(),
        started.elapsed(),
    );
    response
}

/// `GET /metrics`: with `ORGDESK_METRICS_TOKEN`, for whoever presents it (from an allowed address);
/// without, for loopback and `ORGDESK_METRICS_ALLOW`. The address is the client's as the rate limits
/// see it, so a reverse proxy on loopback listed in `ORGDESK_TRUSTED_PROXIES` does not make every
/// client it forwards a loopback one.
pub async fn serve(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: axum::http::HeaderMap,
) -> Response {
    let config = &state.config;
    let ip = crate::server::limits::client_ip(peer.ip(), &headers, &config.limits.trusted_proxies);
    let listed = config.metrics_allow.iter().any(|c| c.contains(ip));
    let allowed = match &config.metrics_token {
        Some(token) => {
            use secrecy::ExposeSecret;
            let given = headers
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "))
                .unwrap_or_default();
            let token_ok = super::csrf::token_matches(token.expose_secret(), given);
            token_ok && (config.metrics_allow.is_empty() || listed || ip.is_loopback())
        }
        None => ip.is_loopback() || listed,
    };
    if !allowed {
        return StatusCode::NOT_FOUND.into_response();
    }
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        METRICS.render(),
    )
        .into_response()
}
