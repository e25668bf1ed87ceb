//! The local tenant's fine-grained M2M token quotas, its `sapi` log entries and its checks of
//! requests against Auth0's OpenAPI document, as a caller meets them over HTTP.

use orgdesk::clock::ManualClock;
use reqwest::Method;
use serde_json::{json, Value};

use crate::tenant::{start, start_at, TenantApi, ACME, API};

/// A client-credentials exchange: status, the two quota headers, body.
async fn exchange(
    tenant: &TenantApi,
    client_id: &str,
    secret: &str,
    org: Option<&str>,
) -> (u16, Option<String>, Option<String>, Value) {
    let mut form = vec![
        ("grant_type", "client_credentials"),
        ("client_id", client_id),
        ("client_secret", secret),
        ("audience", API),
    ];
    form.extend(org.map(|o| ("organization", o)));
    let answer = tenant
        .http
        .post(tenant.url("/oauth/token"))
        .form(&form)
        .send()
        .await
        .unwrap();
    let header = |name: &str| {
        answer
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
    };
    let (client, org) = (
        header("auth0-client-quota-limit"),
        header("auth0-organization-quota-limit"),
    );
    let status = answer.status().as_u16();
    (
        status,
        client,
        org,
        answer.json().await.unwrap_or(Value::Null),
    )
}

#[tokio::test]
async fn a_client_quota_is_reported_enforced_and_renewed_at_the_next_utc_hour() {
    // Ten minutes past a whole hour.
    let clock = ManualClock::at_secs(1_800_000_000 / 3600 * 3600 + 600);
    let tenant = start_at(clock.clone()).await;
    let admin = tenant.admin_token().await;
    let bot = tenant.bot("allow", false).await;
    let path = format!("clients/{}", bot.client_id);
    let (s, body) = tenant
        .mgmt_as(
            &admin,
            Method::PATCH,
            &path,
            Some(json!({"token_quota": {"client_credentials": {"per_hour": 0}}})),
        )
        .await;
    assert_eq!(s, 400, "a quota of 0 is outside Auth0's schema: {body}");
    let quota = json!({"token_quota": {"client_credentials": {"enforce": true, "per_hour": 2}}});
    let (s, body) = tenant
        .mgmt_as(&admin, Method::PATCH, &path, Some(quota))
        .await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(body["token_quota"]["client_credentials"]["per_hour"], 2);

    for left in [1, 0] {
        let (s, client, org, _) = exchange(&tenant, &bot.client_id, &bot.secret, None).await;
        assert_eq!(s, 200);
        assert_eq!(client.unwrap(), format!("b=per_hour;q=2;r={left};t=3000"));
        assert_eq!(org, None, "no organization, no organization quota");
    }
    let (s, client, _, body) = exchange(&tenant, &bot.client_id, &bot.secret, None).await;
    assert_eq!(s, 429, "{body}");
    assert_eq!(body["error"], "too_many_requests");
    assert_eq!(client.unwrap(), "b=per_hour;q=2;r=0;t=3000");

    clock.advance_secs(3000);
    let (s, client, _, _) = exchange(&tenant, &bot.client_id, &bot.secret, None).await;
    assert_eq!(s, 200, "a new hour, a new bucket");
    assert_eq!(client.unwrap(), "b=per_hour;q=2;r=1;t=3600");
}

#[tokio::test]
async fn the_tenants_default_organization_quota_stops_one_organizations_tokens() {
    let tenant = start().await;
    let admin = tenant.admin_token().await;
    let defaults = json!({"default_token_quota": {
        "organizations": {"client_credentials": {"enforce": true, "per_day": 1}}}});
    let (s, body) = tenant
        .mgmt_as(&admin, Method::PATCH, "tenants/settings", Some(defaults))
        .await;
    assert_eq!(s, 200, "{body}");
    let bot = tenant.bot("require", false).await;
    let (s, body) = tenant
        .mgmt_as(
            &admin,
            Method::POST,
            &format!("organizations/{ACME}/client-grants"),
            Some(json!({"grant_id": bot.grant_id})),
        )
        .await;
    assert_eq!(s, 201, "{body}");
    let (s, client, org, body) = exchange(&tenant, &bot.client_id, &bot.secret, Some(ACME)).await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(client, None, "no client quota is set");
    assert!(org.unwrap().starts_with("b=per_day;q=1;r=0;t="));
    let (s, _, _, body) = exchange(&tenant, &bot.client_id, &bot.secret, Some(ACME)).await;
    assert_eq!(s, 429);
    assert_eq!(
        body["error_description"],
        "Organization token quota exceeded"
    );
}

#[tokio::test]
async fn changes_are_logged_as_sapi_with_secrets_masked() {
    let tenant = start().await;
    let admin = tenant.admin_token().await;
    let (s, made) = tenant
        .mgmt_as(
            &admin,
            Method::POST,
            "clients",
            Some(json!({"name": "logged bot", "app_type": "non_interactive"})),
        )
        .await;
    assert_eq!(s, 201);
    let secret = made["client_secret"].as_str().unwrap().to_string();
    let (s, _) = tenant
        .mgmt_as(
            &admin,
            Method::GET,
            &format!("clients/{}", made["client_id"].as_str().unwrap()),
            None,
        )
        .await;
    assert_eq!(s, 200);
    let (s, logs) = tenant
        .mgmt_as(&admin, Method::GET, "logs?q=type:sapi", None)
        .await;
    assert_eq!(s, 200, "{logs}");
    let newest = &logs[0];
    assert_eq!(
        newest["description"], "Create a client",
        "reads are not logged"
    );
    assert_eq!(newest["details"]["request"]["method"], "post");
    assert_eq!(newest["details"]["request"]["path"], "/api/v2/clients");
    assert_eq!(newest["details"]["response"]["statusCode"], 201);
    assert_eq!(
        newest["details"]["response"]["body"]["client_secret"],
        "*****"
    );
    assert!(
        !logs.to_string().contains(&secret),
        "no secret reaches the logs"
    );
}

#[tokio::test]
async fn requests_are_checked_against_auth0s_document_after_authentication() {
    let tenant = start().await;
    let admin = tenant.admin_token().await;
    let bad = json!({"name": "x", "web_origins": null});
    let (s, body) = tenant
        .mgmt_as(&admin, Method::POST, "clients", Some(bad.clone()))
        .await;
    assert_eq!(s, 400);
    assert_eq!(
        body["message"],
        "Payload validation error: 'Expected type array but found type null' on property web_origins."
    );
    let (s, _) = tenant
        .mgmt_as("not-a-token", Method::POST, "clients", Some(bad))
        .await;
    assert_eq!(s, 401, "who is asking comes before what is asked");
    let (s, body) = tenant
        .mgmt_as(&admin, Method::GET, "organizations?per_page=many", None)
        .await;
    assert_eq!(s, 400);
    assert_eq!(body["errorCode"], "invalid_query_string");
    let long = "o".repeat(51);
    let (s, body) = tenant
        .mgmt_as(
            &admin,
            Method::DELETE,
            &format!("organizations/{long}"),
            None,
        )
        .await;
    assert_eq!(s, 400);
    assert_eq!(body["errorCode"], "invalid_uri");
}
