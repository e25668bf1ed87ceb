//! A hostile identity provider: the local tenant breaks each sign-in in one way (OpenID Foundation
//! RP conformance, Basic and Config profiles, plus Auth0's organization claim). Every broken sign-in
//! is refused and leaves no signed-in session; the cases the profile lets an RP accept are accepted.

use super::helpers::{spawn_app, TestApp};
use super::tenant::get_json;

async fn arm(app: &TestApp, mode: &str) {
    let status = app
        .client
        .put(app.tenant_url("/__emulator/hostile"))
        .json(&serde_json::json!({ "mode": mode }))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, 204, "arming {mode}");
}

/// Stored sessions that hold a signed-in user (the store keeps each session's data as JSON).
async fn signed_in_sessions(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM user_sessions WHERE data LIKE '%signed_in_at%'")
        .fetch_one(&app.running.state.db)
        .await
        .unwrap()
}

async fn who(app: &TestApp, browser: &reqwest::Client) -> serde_json::Value {
    let (status, me) = app.read(browser, "me", &[]).await;
    assert_eq!(status, 200, "{me}");
    me
}

/// Signs Alice in to Acme with `mode` armed and checks that nothing was signed in.
async fn refused(mode: &str) {
    let app = spawn_app().await;
    let before = signed_in_sessions(&app).await;
    arm(&app, mode).await;
    let browser = app.browser();
    let done = app.alice_signs_in(&browser).await;
    let status = done.status();
    let page = done.text().await.unwrap();
    assert_eq!(status, 401, "{mode}: {page}");
    assert!(page.contains("could not be verified"), "{mode}: {page}");
    assert!(who(&app, &browser).await.is_null(), "{mode}: no session");
    assert_eq!(
        signed_in_sessions(&app).await,
        before,
        "{mode}: no session stored"
    );
}

/// Signs Alice in with `mode` armed and checks that the sign-in was accepted.
async fn accepted(mode: &str) {
    let app = spawn_app().await;
    arm(&app, mode).await;
    let browser = app.browser();
    let done = app.alice_signs_in(&browser).await;
    let status = done.status();
    assert_eq!(status, 303, "{mode}: {}", done.text().await.unwrap());
    assert_eq!(
        who(&app, &browser).await["email"],
        "alice@acme.example",
        "{mode}"
    );
}

#[tokio::test]
async fn a_bad_signature_is_refused() {
    refused("bad_signature").await;
}

#[tokio::test]
async fn a_foreign_key_under_a_known_kid_is_refused() {
    refused("foreign_key").await;
}

#[tokio::test]
async fn alg_none_is_refused() {
    refused("alg_none").await;
}

#[tokio::test]
async fn hs256_signed_with_the_client_secret_is_refused() {
    refused("hs256_client_secret").await;
}

#[tokio::test]
async fn a_wrong_issuer_is_refused() {
    refused("wrong_issuer").await;
}

#[tokio::test]
async fn a_wrong_audience_is_refused() {
    refused("wrong_audience").await;
}

#[tokio::test]
async fn a_wrong_azp_is_refused() {
    refused("wrong_azp").await;
}

#[tokio::test]
async fn a_missing_exp_is_refused() {
    refused("missing_exp").await;
}

#[tokio::test]
async fn an_expired_token_is_refused() {
    refused("expired").await;
}

#[tokio::test]
async fn iat_far_in_the_past_is_refused() {
    refused("iat_past").await;
}

#[tokio::test]
async fn iat_in_the_future_is_refused() {
    refused("iat_future").await;
}

#[tokio::test]
async fn a_missing_nonce_is_refused() {
    refused("missing_nonce").await;
}

#[tokio::test]
async fn a_wrong_nonce_is_refused() {
    refused("wrong_nonce").await;
}

#[tokio::test]
async fn a_replayed_nonce_is_refused() {
    let app = spawn_app().await;
    // An honest sign-in first: its nonce is the one the tenant will replay.
    let first = app.browser();
    let done = app.alice_signs_in(&first).await;
    assert_eq!(done.status(), 303);
    let before = signed_in_sessions(&app).await;
    assert_eq!(before, 1);
    arm(&app, "replayed_nonce").await;
    let second = app.browser();
    let done = app.alice_signs_in(&second).await;
    assert_eq!(done.status(), 401);
    assert!(who(&app, &second).await.is_null());
    assert_eq!(signed_in_sessions(&app).await, before);
}

#[tokio::test]
async fn a_missing_org_id_is_refused() {
    refused("missing_org_id").await;
}

#[tokio::test]
async fn another_organizations_org_id_is_refused() {
    refused("other_org_id").await;
}

#[tokio::test]
async fn keys_rotated_right_before_signing_are_accepted_after_a_jwks_refetch() {
    // rp-key-rotation-op-sign-key: the new key is fetched from the JWKS and the sign-in succeeds.
    accepted("rotated_keys").await;
}

#[tokio::test]
async fn no_kid_with_a_single_published_key_is_accepted() {
    // rp-id_token-kid-absent-single-jwks: the one key is the key.
    accepted("no_kid_one_key").await;
}

#[tokio::test]
async fn no_kid_with_several_published_keys_is_refused() {
    // rp-id_token-kid-absent-multiple-jwks lets an RP refuse: without a kid the key is ambiguous.
    refused("no_kid_two_keys").await;
}

#[tokio::test]
async fn a_userinfo_sub_that_differs_is_refused() {
    refused("userinfo_sub_differs").await;
}

#[tokio::test]
async fn a_missing_iss_is_refused() {
    refused("missing_iss").await;
}

#[tokio::test]
async fn the_issuer_without_its_trailing_slash_is_refused() {
    // Issuer comparison is exact (OpenID Connect Core §3.1.3.7): `http://host` is not `http://host/`.
    refused("issuer_without_slash").await;
}

#[tokio::test]
async fn a_missing_aud_is_refused() {
    refused("missing_aud").await;
}

#[tokio::test]
async fn an_extra_untrusted_audience_is_refused() {
    refused("extra_audience").await;
}

#[tokio::test]
async fn hs256_keyed_with_the_public_key_is_refused() {
    refused("hs256_public_key").await;
}

#[tokio::test]
async fn ps256_is_refused() {
    // The key is right, the algorithm is not the one Auth0 signs ID tokens with.
    refused("ps256").await;
}

#[tokio::test]
async fn es256_is_refused() {
    refused("es256").await;
}

#[tokio::test]
async fn a_missing_iat_is_refused() {
    refused("missing_iat").await;
}

#[tokio::test]
async fn exp_ten_years_ahead_is_refused() {
    refused("exp_far_future").await;
}

async fn jwks_served(app: &TestApp) -> u64 {
    let served = get_json(&app.client, app.tenant_url("/__emulator/jwks-served")).await;
    served.as_u64().unwrap()
}

#[tokio::test]
async fn a_flood_of_unknown_kids_refetches_the_keys_at_most_once_per_window() {
    let app = spawn_app().await;
    let before = jwks_served(&app).await;
    arm(&app, "random_kid").await;
    for _ in 0..15 {
        let browser = app.browser();
        let done = app.alice_signs_in(&browser).await;
        assert_eq!(done.status(), 401);
        assert!(who(&app, &browser).await.is_null());
    }
    let refetches = jwks_served(&app).await - before;
    assert!(
        refetches <= 1,
        "15 unknown kids, {refetches} JWKS fetches: no amplification"
    );
    assert_eq!(signed_in_sessions(&app).await, 0);
}

#[tokio::test]
async fn keys_behind_a_redirect_are_not_followed() {
    // The token is signed with a key only the redirected-to JWKS has: following the redirect
    // would accept it.
    refused("jwks_redirect").await;
}

#[tokio::test]
async fn discovery_naming_another_issuer_stops_orgdesk_from_starting() {
    let tenant = crate::tenant::start().await;
    let status = tenant
        .http
        .put(tenant.url("/__emulator/hostile"))
        .json(&serde_json::json!({ "mode": "discovery_issuer_mismatch" }))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, 204);
    let dir = tempfile::tempdir().unwrap();
    let mut config = crate::helpers::test_config(&dir, &[]);
    config.local_tenant_issuer = Some(tenant.handle.issuer());
    let started = orgdesk::server::start(config).await;
    let Err(err) = started else {
        panic!("orgdesk started against a provider whose discovery names another issuer");
    };
    assert!(
        matches!(err, orgdesk::server::StartError::SignIn(_)),
        "{err}"
    );
}
