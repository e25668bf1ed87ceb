//! Operating the local tenant: discovery and keys, rate limits, fault injection, persistence.

use std::time::{Duration, Instant};

use orgdesk::emulator::ratelimit::Plan;
use orgdesk::emulator::EmulatorConfig;
use reqwest::Method;
use serde_json::json;

use crate::tenant::{start, start_with, TenantApi, ACME};

#[tokio::test]
async fn discovery_and_jwks_look_like_auth0() {
    let tenant = start().await;
    let doc: serde_json::Value = tenant.get_json("/.well-known/openid-configuration").await;
    let issuer = tenant.handle.issuer();
    assert!(issuer.ends_with('/'));
    assert_eq!(doc["issuer"], issuer.as_str());
    assert_eq!(doc["token_endpoint"], format!("{issuer}oauth/token"));
    assert_eq!(doc["jwks_uri"], format!("{issuer}.well-known/jwks.json"));
    assert_eq!(doc["end_session_endpoint"], format!("{issuer}oidc/logout"));
    let jwks: serde_json::Value = tenant.get_json("/.well-known/jwks.json").await;
    let keys = jwks["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 2, "current and next");
    for key in keys {
        assert_eq!(
            (key["kty"].clone(), key["alg"].clone(), key["use"].clone()),
            (json!("RSA"), json!("RS256"), json!("sig"))
        );
        assert!(key["kid"].as_str().is_some_and(|k| !k.is_empty()));
    }
}

#[tokio::test]
async fn key_rotation_keeps_earlier_tokens_valid_and_signs_with_the_next_key() {
    let tenant = start().await;
    let before = tenant.mgmt_token.clone();
    let jwks: serde_json::Value = tenant.get_json("/.well-known/jwks.json").await;
    let next_kid = jwks["keys"][1]["kid"].as_str().unwrap().to_string();
    assert_eq!(rotate_keys(&tenant).await, 204);
    let (s, _) = tenant.mgmt_as(&before, Method::GET, "roles", None).await;
    assert_eq!(s, 200, "a token signed before the rotation still verifies");
    let after = tenant
        .mgmt_token_for(crate::tenant::MGMT_CLIENT, crate::tenant::MGMT_SECRET)
        .await;
    let header: serde_json::Value = {
        use base64::Engine;
        let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(after.split('.').next().unwrap())
            .unwrap();
        serde_json::from_slice(&raw).unwrap()
    };
    assert_eq!(header["kid"], next_kid.as_str());
    let jwks: serde_json::Value = tenant.get_json("/.well-known/jwks.json").await;
    assert_eq!(
        jwks["keys"].as_array().unwrap().len(),
        3,
        "previous, current, next"
    );
}

#[tokio::test]
async fn rate_limits_send_headers_and_auth0s_429() {
    let tenant = start_with(EmulatorConfig {
        plan: Plan::Free,
        control_api: true,
        ..EmulatorConfig::default()
    })
    .await;
    let mut statuses = Vec::new();
    let mut last_headers = None;
    for _ in 0..4 {
        let response = tenant
            .http
            .get(tenant.url("/api/v2/roles"))
            .bearer_auth(&tenant.mgmt_token)
            .send()
            .await
            .unwrap();
        statuses.push(response.status().as_u16());
        for name in [
            "x-ratelimit-limit",
            "x-ratelimit-remaining",
            "x-ratelimit-reset",
        ] {
            assert!(response.headers().contains_key(name), "{name}");
        }
        if response.status() == 429 {
            let reset: i64 = response.headers()["x-ratelimit-reset"]
                .to_str()
                .unwrap()
                .parse()
                .unwrap();
            let now = time::OffsetDateTime::now_utc().unix_timestamp();
            assert!(
                (now..=now + 2).contains(&reset),
                "reset {reset} vs now {now}"
            );
            last_headers = Some(response.json::<serde_json::Value>().await.unwrap());
        }
    }
    assert_eq!(&statuses[..2], [200, 200], "free plan: a burst of two");
    assert!(statuses[2..].contains(&429));
    assert_eq!(
        last_headers.unwrap(),
        json!({"statusCode": 429, "error": "Too Many Requests", "message": "Global limit has been reached", "errorCode": "too_many_requests"})
    );
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let (s, _) = tenant.get("roles").await;
    assert_eq!(s, 200, "refilled after a second");
}

#[tokio::test]
async fn faults_fail_the_next_calls_then_stop() {
    let tenant = start().await;
    let add = |rule: serde_json::Value| {
        tenant
            .http
            .post(tenant.url("/__emulator/faults"))
            .json(&rule)
            .send()
    };
    assert_eq!(add(json!({"route": "GET /api/v2/organizations/*", "count": 2, "kind": "status", "status": 503})).await.unwrap().status(), 204);
    let (s1, _) = tenant.get(&format!("organizations/{ACME}")).await;
    let (s2, _) = tenant.get(&format!("organizations/{ACME}")).await;
    let (s3, _) = tenant.get(&format!("organizations/{ACME}")).await;
    assert_eq!([s1.as_u16(), s2.as_u16(), s3.as_u16()], [503, 503, 200]);

    add(json!({"route": "POST /api/v2/clients", "kind": "reset"}))
        .await
        .unwrap();
    let reset = tenant
        .http
        .post(tenant.url("/api/v2/clients"))
        .bearer_auth(&tenant.mgmt_token)
        .json(&json!({"name": "x"}))
        .send()
        .await;
    let failed = match reset {
        Err(_) => true,
        Ok(r) => r.bytes().await.is_err(),
    };
    assert!(failed, "the connection breaks");

    add(json!({"route": "GET /api/v2/roles", "kind": "timeout", "hold_ms": 5000}))
        .await
        .unwrap();
    let slow = tenant
        .http
        .get(tenant.url("/api/v2/roles"))
        .bearer_auth(&tenant.mgmt_token)
        .timeout(Duration::from_millis(300))
        .send()
        .await;
    assert!(slow.unwrap_err().is_timeout());

    tenant
        .http
        .put(tenant.url("/__emulator/latency"))
        .json(&json!({"min_ms": 150, "max_ms": 150}))
        .send()
        .await
        .unwrap();
    let started = Instant::now();
    let (s, _) = tenant.get("roles").await;
    assert_eq!(s, 200);
    assert!(started.elapsed() >= Duration::from_millis(150));
    tenant
        .http
        .delete(tenant.url("/__emulator/faults"))
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn the_control_api_is_absent_unless_enabled() {
    let tenant = start_with(EmulatorConfig::default()).await;
    assert_eq!(rotate_keys(&tenant).await, 404);
}

#[tokio::test]
async fn with_a_data_path_everything_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tenant.json");
    let config = || EmulatorConfig {
        data_path: Some(path.clone()),
        ..EmulatorConfig::default()
    };
    let mut tenant = start_with(config()).await;
    tenant.mgmt_token = tenant.admin_token().await;
    let (s, org) = tenant
        .mgmt(
            Method::POST,
            "organizations",
            Some(json!({"name": "survivor"})),
        )
        .await;
    assert_eq!(s, 201);
    let bot = tenant.bot("require", true).await;
    let old_token = tenant.mgmt_token.clone();
    tenant.handle.shutdown().await;

    let again = start_with(config()).await;
    let (s, found) = again.get("organizations/name/survivor").await;
    assert_eq!((s.as_u16(), found["id"].clone()), (200, org["id"].clone()));
    let (s, _) = again.get(&format!("clients/{}", bot.client_id)).await;
    assert_eq!(s, 200);
    let (s, _) = again.mgmt_as(&old_token, Method::GET, "roles", None).await;
    // The port changed, so the old token's audience no longer names this tenant; the keys are the same.
    assert_eq!(s, 401);
    let (s, body) = again
        .client_token(&bot.client_id, &bot.secret, crate::tenant::API, Some(ACME))
        .await;
    assert_eq!(s, 200, "the bot's secret and grant survived: {body}");
}

async fn rotate_keys(tenant: &TenantApi) -> reqwest::StatusCode {
    let rotate = tenant.http.post(tenant.url("/__emulator/rotate-keys"));
    rotate.send().await.unwrap().status()
}
