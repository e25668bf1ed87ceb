//! Customers creating their own organization, through the real redirects: sign up at the tenant
//! through the sign-up application (organizations denied), "Create your organization", signed in to
//! it as its admin, a bot registered. Refusals keep what was typed; the vendor's limits hold; forged
//! and cross-site posts change nothing.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::tenant_login::hidden;
use crate::helpers::{spawn_app_with, TestApp};
use crate::tenant::TenantApi;

const PASSWORD: &str = "Umbrella-demo-1!";

async fn tenant(app: &TestApp) -> TenantApi {
    let mut t = TenantApi::attach(&app.running.local_tenant.as_ref().unwrap().base_url).await;
    t.mgmt_token = t.admin_token().await;
    t
}

/// A new person signs up through orgdesk's sign-up link; answers the callback's response.
async fn sign_up(app: &TestApp, browser: &reqwest::Client, email: &str) -> reqwest::Response {
    let to_tenant = browser
        .get(app.url("/onboarding/start?signup=1"))
        .send()
        .await
        .unwrap();
    let authorize = to_tenant.headers()["location"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(authorize.contains("screen_hint=signup"), "{authorize}");
    assert!(!authorize.contains("organization="), "{authorize}");
    app.through_tenant_login(browser, to_tenant, email, PASSWORD)
        .await
}

async fn create(
    app: &TestApp,
    browser: &reqwest::Client,
    csrf: &str,
    display_name: &str,
    name: &str,
) -> reqwest::Response {
    browser
        .post(app.url("/onboarding/create"))
        .header("origin", &app.running.base_url)
        .form(&[
            ("csrf", csrf),
            ("display_name", display_name),
            ("name", name),
        ])
        .send()
        .await
        .unwrap()
}

async fn organization_named(t: &TenantApi, name: &str) -> Option<Value> {
    let (s, org) = t
        .mgmt(Method::GET, &format!("organizations/name/{name}"), None)
        .await;
    (s == 200).then_some(org)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_person_creates_their_organization_and_runs_it() {
    let app = spawn_app_with(&[]).await;
    let t = tenant(&app).await;
    let landing = app.page_html(&app.browser(), "/").await;
    assert!(
        landing.contains("href=\"/onboarding\""),
        "the landing page offers it"
    );

    let browser = app.browser();
    let welcome = app.page_html(&browser, "/onboarding").await;
    assert!(welcome.contains("/onboarding/start?signup=1"), "{welcome}");
    let back = sign_up(&app, &browser, "ada@umbrella.example").await;
    assert_eq!(back.status(), 303);
    assert_eq!(back.headers()["location"], "/onboarding");
    let page = app.page_html(&browser, "/onboarding").await;
    assert!(page.contains("ada@umbrella.example"), "{page}");
    let csrf = hidden(&page, "csrf");

    // Without the page's token, or from another site: nothing is created.
    let forged = create(&app, &browser, "forged", "Umbrella Tours", "").await;
    assert_eq!(forged.status(), 403);
    let cross = browser
        .post(app.url("/onboarding/create"))
        .header("origin", "https://evil.example")
        .form(&[("csrf", csrf.as_str()), ("display_name", "Umbrella Tours")])
        .send()
        .await
        .unwrap();
    assert_eq!(cross.status(), 403);
    assert!(organization_named(&t, "umbrella-tours").await.is_none());

    // A name Auth0 would refuse: back to the page with what was typed and why.
    let bad = create(&app, &browser, &csrf, "Umbrella Tours", "Umbrella Tours").await;
    assert_eq!(bad.headers()["location"], "/onboarding");
    let page = app.page_html(&browser, "/onboarding").await;
    assert!(page.contains("Use lowercase letters, digits"), "{page}");
    assert!(
        page.contains("value=\"Umbrella Tours\""),
        "typed values kept: {page}"
    );
    assert!(page.contains("aria-invalid=\"true\""));
    let again = app.page_html(&browser, "/onboarding").await;
    assert!(
        !again.contains("Use lowercase letters, digits"),
        "told once"
    );

    let made = create(&app, &browser, &csrf, "Umbrella Tours", "").await;
    assert_eq!(made.status(), 303);
    let login = made.headers()["location"].to_str().unwrap().to_string();
    let org = organization_named(&t, "umbrella-tours")
        .await
        .expect("made");
    let org_id = org["id"].as_str().unwrap().to_string();
    assert_eq!(login, format!("/login?organization={org_id}"));
    assert_eq!(org["display_name"], "Umbrella Tours");
    let (_, connections) = t
        .mgmt(
            Method::GET,
            &format!("organizations/{org_id}/enabled_connections"),
            None,
        )
        .await;
    assert_eq!(
        connections[0]["connection_id"],
        orgdesk::server::identity::demo::DATABASE_CONNECTION,
        "{connections}"
    );

    // Signed in to it (the tenant remembers the person: no second password) and its admin.
    let to_tenant = browser.get(app.url(&login)).send().await.unwrap();
    assert_eq!(to_tenant.status(), 303);
    let authorize = to_tenant.headers()["location"]
        .to_str()
        .unwrap()
        .to_string();
    let at_tenant = browser.get(&authorize).send().await.unwrap();
    assert_eq!(at_tenant.status(), 302, "no second sign-in at the tenant");
    let callback = at_tenant.headers()["location"]
        .to_str()
        .unwrap()
        .to_string();
    let signed_in = browser.get(&callback).send().await.unwrap();
    assert_eq!(
        signed_in.status(),
        303,
        "{}",
        signed_in.text().await.unwrap_or_default()
    );
    assert_eq!(
        signed_in.headers()["location"].to_str().unwrap(),
        format!("/orgs/{org_id}")
    );
    let desk = app.page_html(&browser, &format!("/orgs/{org_id}")).await;
    assert!(desk.contains("Umbrella Tours"), "{desk}");

    let (status, bot) = app
        .call(
            &browser,
            "bots/register",
            json!({"org_id": org_id, "name": "Umbrella sync", "description": "", "audience": orgdesk::server::identity::demo::API, "scopes": ["read:trips"], "idempotency_key": uuid::Uuid::new_v4().to_string()}),
        )
        .await;
    assert_eq!(status, 200, "{bot}");

    // Their organization is listed on the onboarding page; the audit log has the creation.
    let page = app.page_html(&browser, "/onboarding").await;
    assert!(
        page.contains(&format!("/login?organization={org_id}")),
        "{page}"
    );
    let filters = [
        ("org_id", org_id.as_str()),
        ("action", ""),
        ("actor", ""),
        ("since", ""),
        ("until", ""),
    ];
    let (_, log) = app.read(&browser, "audit/list", &filters).await;
    assert!(log.to_string().contains("organization.create"), "{log}");
}

#[tokio::test(flavor = "multi_thread")]
async fn taken_names_and_the_per_person_limit_are_refused_with_reasons() {
    let app = spawn_app_with(&[("ORGDESK_ONBOARDING_PER_PERSON", "1")]).await;
    let t = tenant(&app).await;
    let ada = app.browser();
    sign_up(&app, &ada, "ada@umbrella.example").await;
    let csrf = hidden(&app.page_html(&ada, "/onboarding").await, "csrf");
    let made = create(&app, &ada, &csrf, "Umbrella Tours", "umbrella").await;
    assert_eq!(made.status(), 303);
    assert!(made.headers()["location"]
        .to_str()
        .unwrap()
        .starts_with("/login?organization=org_"));

    let second = create(&app, &ada, &csrf, "Umbrella Two", "").await;
    assert_eq!(second.headers()["location"], "/onboarding");
    let page = app.page_html(&ada, "/onboarding").await;
    assert!(page.contains("the most one person may create"), "{page}");
    assert!(organization_named(&t, "umbrella-two").await.is_none());
    assert!(
        page.contains("data-testid=\"onboarding-limit\""),
        "no form at the limit: {page}"
    );

    let bo = app.browser();
    sign_up(&app, &bo, "bo@other.example").await;
    let csrf = hidden(&app.page_html(&bo, "/onboarding").await, "csrf");
    create(&app, &bo, &csrf, "Umbrella", "umbrella").await;
    let page = app.page_html(&bo, "/onboarding").await;
    assert!(
        page.contains("The name umbrella is taken. Free names: umbrella-2"),
        "{page}"
    );
    assert!(page.contains("value=\"umbrella\""));
    // Ada's organization is untouched; Bo belongs to none.
    let ada_org = organization_named(&t, "umbrella").await.unwrap();
    let (_, members) = t
        .mgmt(
            Method::GET,
            &format!("organizations/{}/members", ada_org["id"].as_str().unwrap()),
            None,
        )
        .await;
    assert_eq!(members.as_array().map(Vec::len), Some(1), "{members}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_vendor_can_turn_it_off_or_allow_only_some_domains() {
    let off = spawn_app_with(&[("ORGDESK_ONBOARDING", "off")]).await;
    let browser = off.browser();
    assert_eq!(
        browser
            .get(off.url("/onboarding/start"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    assert!(!off
        .page_html(&browser, "/")
        .await
        .contains("href=\"/onboarding\""));
    assert!(off
        .page_html(&browser, "/onboarding")
        .await
        .contains("data-testid=\"onboarding-off\""));

    // An allowlist wants a verified address there: a fresh sign-up is not verified yet.
    let app = spawn_app_with(&[("ORGDESK_ONBOARDING_EMAIL_DOMAINS", "umbrella.example")]).await;
    let browser = app.browser();
    let refused = sign_up(&app, &browser, "ada@umbrella.example").await;
    assert_eq!(refused.status(), 403);
    assert!(refused
        .text()
        .await
        .unwrap()
        .contains("verified email address at umbrella.example"));
    let page = app.page_html(&browser, "/onboarding").await;
    assert!(page.contains("Create an account"), "not signed in: {page}");
}
