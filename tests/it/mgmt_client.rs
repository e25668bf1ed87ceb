//! orgdesk's Management API client: edge cases against wiremock, whole calls against the local tenant.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use orgdesk::server::auth0::{ApiError, ClientConfig, ManagementClient, RetryPolicy};
use reqwest::Method;
use serde_json::{json, Value};
use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::tenant::{start, ACME, API, MGMT_CLIENT, MGMT_SECRET};

fn client(issuer: &str, timeout_ms: u64) -> ManagementClient {
    ManagementClient::new(ClientConfig {
        issuer: issuer.to_string(),
        client_id: MGMT_CLIENT.into(),
        client_secret: MGMT_SECRET.to_string().into(),
        timeout: Duration::from_millis(timeout_ms),
        retry: RetryPolicy {
            max_retries: 3,
            base_backoff: Duration::from_millis(10),
            max_wait: Duration::from_secs(3),
        },
    })
    .unwrap()
}

async fn mock_auth0() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(body_string_contains("grant_type=client_credentials"))
        .and(body_string_contains("client_secret="))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"access_token": "tok-1", "token_type": "Bearer", "expires_in": 86400}),
        ))
        .mount(&server)
        .await;
    server
}

fn issuer(server: &MockServer) -> String {
    format!("{}/", server.uri())
}

#[tokio::test]
async fn the_token_is_fetched_once_and_sent_as_bearer() {
    let server = mock_auth0().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/roles"))
        .and(header("authorization", "Bearer tok-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .expect(3)
        .mount(&server)
        .await;
    let c = client(&issuer(&server), 2000);
    for _ in 0..3 {
        let roles: Vec<Value> = c.get("roles", &[]).await.unwrap();
        assert!(roles.is_empty());
    }
    assert_eq!(c.token_fetches.load(Ordering::Relaxed), 1);
}

#[tokio::test]
async fn a_rejected_token_is_replaced_once() {
    let server = mock_auth0().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/roles"))
        .respond_with(ResponseTemplate::new(401).set_body_json(
            json!({"statusCode": 401, "error": "Unauthorized", "message": "Invalid token."}),
        ))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v2/roles"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&server)
        .await;
    let c = client(&issuer(&server), 2000);
    let _: Vec<Value> = c.get("roles", &[]).await.unwrap();
    assert_eq!(c.token_fetches.load(Ordering::Relaxed), 2);

    // Always 401: one refresh, then a credentials error (no loop).
    let server = mock_auth0().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/roles"))
        .respond_with(
            ResponseTemplate::new(401).set_body_json(json!({"message": "Invalid token."})),
        )
        .expect(2)
        .mount(&server)
        .await;
    let c = client(&issuer(&server), 2000);
    assert!(matches!(
        c.get::<Value>("roles", &[]).await,
        Err(ApiError::Credentials(_))
    ));
}

#[tokio::test]
async fn rate_limits_wait_for_the_reset_then_succeed() {
    let server = mock_auth0().await;
    let reset = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 2; // whole seconds: a wait between one and two seconds
    Mock::given(method("POST"))
        .and(path("/api/v2/clients"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("x-ratelimit-reset", reset.to_string().as_str())
                .set_body_json(json!({"statusCode": 429, "error": "Too Many Requests", "message": "Global limit has been reached", "errorCode": "too_many_requests"})),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v2/clients"))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(json!({"client_id": "c1", "name": "n", "client_secret": "s"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&issuer(&server), 2000);
    let started = Instant::now();
    let created = c
        .send(Method::POST, "clients", &[], Some(&json!({"name": "n"})))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(created["client_id"], "c1");
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_secs(1) && waited < Duration::from_secs(3),
        "waited {waited:?}"
    );

    // A reset further away than the client may wait: a rate-limited error for the user, at once.
    let far = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 60;
    let server = mock_auth0().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/roles"))
        .respond_with(
            ResponseTemplate::new(429).insert_header("x-ratelimit-reset", far.to_string().as_str()),
        )
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&issuer(&server), 2000);
    assert!(matches!(
        c.get::<Value>("roles", &[]).await,
        Err(ApiError::RateLimited { .. })
    ));
}

#[tokio::test]
async fn server_errors_are_retried_only_for_idempotent_calls() {
    let server = mock_auth0().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/roles"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v2/roles"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v2/clients"))
        .respond_with(ResponseTemplate::new(500))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&issuer(&server), 2000);
    assert!(
        c.get::<Vec<Value>>("roles", &[]).await.is_ok(),
        "GET retried past two 503s"
    );
    let err = c
        .send(Method::POST, "clients", &[], Some(&json!({"name": "n"})))
        .await
        .unwrap_err();
    assert_eq!(err, ApiError::Upstream { status: 500 });
    assert!(err.is_retryable());
}

#[tokio::test]
async fn timeouts_redirects_and_malformed_bodies_are_errors() {
    let server = mock_auth0().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/roles"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_millis(800)))
        .expect(4)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v2/users/x"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", "/api/v2/elsewhere"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v2/elsewhere"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v2/logs"))
        .respond_with(ResponseTemplate::new(200).set_body_string("<html>"))
        .mount(&server)
        .await;
    let c = client(&issuer(&server), 150);
    assert_eq!(
        c.get::<Value>("roles", &[]).await.unwrap_err(),
        ApiError::Timeout
    );
    assert!(
        matches!(
            c.get::<Value>("users/x", &[]).await,
            Err(ApiError::Refused { status: 302, .. })
        ),
        "redirects are not followed"
    );
    assert!(matches!(
        c.get::<Value>("logs", &[]).await,
        Err(ApiError::Decode(_))
    ));
}

#[tokio::test]
async fn typed_calls_work_against_the_local_tenant() {
    let tenant = start().await;
    let c = client(&tenant.handle.issuer(), 5000);
    let created = c
        .create_client(&orgdesk::server::auth0::clients::NewClient::bot(
            "bot",
            None,
            ACME,
            std::collections::BTreeMap::from([("orgdesk_org", ACME)]),
        ))
        .await
        .unwrap();
    assert_eq!(created.client.client_metadata["orgdesk_org"], ACME);
    let id = created.client.client_id.clone();
    let grant = c
        .create_grant(&id, API, &["read:bookings".to_string()])
        .await
        .unwrap();
    assert_eq!(grant.organization_usage.as_deref(), Some("require"));
    assert_eq!(grant.allow_any_organization, Some(false));
    c.associate(ACME, &grant.id).await.unwrap();
    c.associate(ACME, &grant.id).await.unwrap(); // an existing association is success: retries are safe
    assert_eq!(
        c.org_grants(ACME, std::slice::from_ref(&grant.id))
            .await
            .unwrap(),
        vec![grant.clone()]
    );
    assert_eq!(c.grants_of(&id).await.unwrap().len(), 1);
    c.dissociate(ACME, &grant.id).await.unwrap();
    assert!(c
        .org_grants(ACME, std::slice::from_ref(&grant.id))
        .await
        .unwrap()
        .is_empty());
    c.delete_grant(&grant.id).await.unwrap();
    c.delete_client(&id).await.unwrap();
    c.delete_client(&id).await.unwrap();
    assert_eq!(c.get_client(&id).await.unwrap_err(), ApiError::NotFound);

    // Members read to the end through the checkpoint quirk (an empty page ends it).
    let members: Vec<Value> = c
        .list_checkpoint(&format!("organizations/{ACME}/members"), "members", &[])
        .await
        .unwrap();
    assert_eq!(members.len(), 3);
    let alice = members
        .iter()
        .find(|m| m["email"] == "alice@acme.example")
        .unwrap()["user_id"]
        .as_str()
        .unwrap()
        .to_string();
    let roles = c.member_roles(ACME, &alice).await.unwrap();
    assert_eq!(
        roles.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(),
        ["admin"]
    );
    // One token for all of it.
    assert_eq!(c.token_fetches.load(Ordering::Relaxed), 1);
}
