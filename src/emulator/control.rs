//! The test-only control API, namespaced under `/__emulator/` and mounted only when enabled: latency,
//! fault rules, key rotation, the rate-limit plan, and the hostile identity provider's modes.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::Deserialize;

use super::faults::{FaultRule, Latency};
use super::hostile::Mode;
use super::ratelimit::Plan;
use super::Emulator;

pub fn routes() -> Router<Arc<Emulator>> {
    Router::new()
        .route("/__emulator/latency", put(set_latency))
        .route("/__emulator/faults", post(add_fault).delete(clear))
        .route("/__emulator/rotate-keys", post(rotate_keys))
        .route("/__emulator/plan", put(set_plan))
        .route(
            "/__emulator/hostile",
            put(arm_hostile).delete(disarm_hostile),
        )
        .route("/__emulator/issued-tokens", get(issued_tokens))
        .route("/__emulator/jwks-served", get(jwks_served))
        .route(
            "/__emulator/jwks",
            get(super::authn::discovery::redirected_jwks),
        )
}

async fn jwks_served(State(e): State<Arc<Emulator>>) -> Json<u64> {
    Json(e.hostile.jwks_served())
}

async fn set_latency(State(e): State<Arc<Emulator>>, Json(latency): Json<Latency>) -> StatusCode {
    e.faults.set_latency(latency);
    StatusCode::NO_CONTENT
}

async fn add_fault(State(e): State<Arc<Emulator>>, Json(rule): Json<FaultRule>) -> StatusCode {
    e.faults.add(rule);
    StatusCode::NO_CONTENT
}

async fn clear(State(e): State<Arc<Emulator>>) -> StatusCode {
    e.faults.clear();
    StatusCode::NO_CONTENT
}

async fn rotate_keys(State(e): State<Arc<Emulator>>) -> StatusCode {
    let emulator = e.clone();
    match tokio::task::spawn_blocking(move || emulator.rotate_keys()).await {
        Ok(Ok(())) => StatusCode::NO_CONTENT,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

#[derive(Deserialize)]
struct PlanBody {
    plan: Plan,
}

async fn set_plan(State(e): State<Arc<Emulator>>, Json(body): Json<PlanBody>) -> StatusCode {
    e.limiter.set_plan(body.plan);
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
struct HostileBody {
    mode: Mode,
}

async fn arm_hostile(State(e): State<Arc<Emulator>>, Json(body): Json<HostileBody>) -> StatusCode {
    e.hostile.arm(Some(body.mode));
    StatusCode::NO_CONTENT
}

async fn disarm_hostile(State(e): State<Arc<Emulator>>) -> StatusCode {
    e.hostile.arm(None);
    StatusCode::NO_CONTENT
}

async fn issued_tokens(State(e): State<Arc<Emulator>>) -> Json<Vec<String>> {
    Json(e.hostile.issued_tokens())
}
