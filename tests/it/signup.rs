//! Sign-up at the local tenant's login page (`screen_hint=signup`), as Universal Login offers it to
//! an application whose users may create accounts: a new account, signed in at once; an address that
//! has one is told so; a connection with sign-ups disabled refuses.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::tenant_login::hidden;
use crate::setup::empty_tenant;

const CALLBACK: &str = "http://127.0.0.1:9/onboarding/callback";

async fn authorize(tenant: &crate::tenant::Tenant, client_id: &str) -> (reqwest::Client, String) {
    let browser = crate::tenant::http();
    let url = format!(
        "{}/authorize?response_type=code&client_id={client_id}&redirect_uri={CALLBACK}&scope=openid%20email&state=s1&screen_hint=signup",
        tenant.base_url
    );
    let page = browser.get(&url).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("<h1>Sign up</h1>"), "{html}");
    assert!(html.contains("autocomplete=\"new-password\""));
    (browser, hidden(&html, "tx"))
}

async fn submit(
    tenant: &crate::tenant::Tenant,
    browser: &reqwest::Client,
    tx: &str,
    email: &str,
    password: &str,
) -> reqwest::Response {
    browser
        .post(format!("{}/u/login", tenant.base_url))
        .form(&[("tx", tx), ("email", email), ("password", password)])
        .send()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_login_page_signs_new_people_up_when_asked() {
    let (tenant, _) = empty_tenant().await;
    let (s, client) = tenant
        .mgmt(
            Method::POST,
            "clients",
            Some(json!({"name": "onboarding", "app_type": "regular_web", "callbacks": [CALLBACK],
                "grant_types": ["authorization_code"], "token_endpoint_auth_method": "client_secret_post"})),
        )
        .await;
    assert_eq!(s, 201, "{client}");
    let client_id = client["client_id"].as_str().unwrap();

    let (browser, tx) = authorize(&tenant, client_id).await;
    let short = submit(&tenant, &browser, &tx, "ada@umbrella.example", "short").await;
    assert!(short
        .text()
        .await
        .unwrap()
        .contains("at least 8 characters"));
    let done = submit(
        &tenant,
        &browser,
        &tx,
        "Ada@Umbrella.example",
        "Umbrella-demo-1!",
    )
    .await;
    assert_eq!(done.status(), 302, "signed up and sent back");
    let back = done.headers()["location"].to_str().unwrap().to_string();
    assert!(
        back.starts_with(CALLBACK) && back.contains("code="),
        "{back}"
    );
    let (_, users) = tenant
        .mgmt(
            Method::GET,
            "users-by-email?email=ada%40umbrella.example",
            None,
        )
        .await;
    assert_eq!(users.as_array().map(Vec::len), Some(1), "{users}");
    let (_, logs) = tenant.mgmt(Method::GET, "logs?q=type:ss", None).await;
    assert!(
        logs.as_array().unwrap().iter().any(|l| l["type"] == "ss"),
        "{logs}"
    );

    // The same address again: told it exists, no second account.
    let (browser, tx) = authorize(&tenant, client_id).await;
    let again = submit(
        &tenant,
        &browser,
        &tx,
        "ada@umbrella.example",
        "Another-pass-2!",
    )
    .await;
    assert!(
        again.status().is_client_error(),
        "the page again, with the reason"
    );
    assert!(again
        .text()
        .await
        .unwrap()
        .contains("The user already exists."));

    // Sign-ups disabled on the database connection: refused.
    let (_, connections) = tenant
        .mgmt(
            Method::GET,
            "connections?name=Username-Password-Authentication",
            None,
        )
        .await;
    let connection: &Value = &connections[0];
    let mut options = connection["options"].clone();
    options["disable_signup"] = json!(true);
    let (s, body) = tenant
        .mgmt(
            Method::PATCH,
            &format!("connections/{}", connection["id"].as_str().unwrap()),
            Some(json!({"options": options})),
        )
        .await;
    assert_eq!(s, 200, "{body}");
    let (browser, tx) = authorize(&tenant, client_id).await;
    let refused = submit(
        &tenant,
        &browser,
        &tx,
        "bo@umbrella.example",
        "Umbrella-demo-2!",
    )
    .await;
    assert!(refused.text().await.unwrap().contains("not allowed"));
    let (_, users) = tenant
        .mgmt(
            Method::GET,
            "users-by-email?email=bo%40umbrella.example",
            None,
        )
        .await;
    assert_eq!(users, json!([]));
}
