//! Step-up: a sensitive change made long after sign-in waits while the admin signs in again at the
//! tenant (`prompt=login`, `max_age=0`), then goes on exactly as it was sent; a second factor when
//! the vendor asks for one (checked in `amr`); someone else's sign-in changes nothing. Time passes
//! on the process's one manual clock.

use orgdesk::clock::ManualClock;
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{spawn_app_config, tenant_login::hidden, TestApp};
use crate::tenant::TenantApi;

const ACME: &str = "org_acmeTravel000001";
const API: &str = "https://api.travel0.example/";
const PASSWORD: &str = "Travel0-demo!";

async fn app_with(clock: &ManualClock, mfa: bool) -> TestApp {
    let clock = clock.clone();
    spawn_app_config(move |c| {
        c.clock = std::sync::Arc::new(clock);
        c.step_up.mfa = mfa;
    })
    .await
}

async fn tenant(app: &TestApp) -> TenantApi {
    let mut t = TenantApi::attach(&app.running.local_tenant.as_ref().unwrap().base_url).await;
    t.mgmt_token = t.admin_token().await;
    t
}

async fn secret_of(t: &TenantApi, client_id: &str) -> String {
    let (_, client) = t
        .mgmt(Method::GET, &format!("clients/{client_id}"), None)
        .await;
    client["client_secret"].as_str().unwrap().to_string()
}

/// From `/auth/step-up` through the tenant's login page: answers the tenant's reply to the password
/// (a redirect to the callback, or its second-factor page).
async fn sign_in_again(app: &TestApp, browser: &reqwest::Client, email: &str) -> reqwest::Response {
    let to_tenant = browser.get(app.url("/auth/step-up")).send().await.unwrap();
    assert_eq!(to_tenant.status(), 303);
    let authorize = to_tenant.headers()["location"]
        .to_str()
        .unwrap()
        .to_string();
    let query: Vec<(String, String)> = url::Url::parse(&authorize)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect();
    let has = |k: &str, v: &str| query.iter().any(|(qk, qv)| qk == k && qv == v);
    assert!(has("prompt", "login") && has("max_age", "0"), "{authorize}");
    assert!(has("organization", ACME) && has("login_hint", "alice@acme.example"));
    crate::helpers::tenant_login::submit_login(
        browser,
        &app.tenant_url(""),
        &authorize,
        email,
        PASSWORD,
    )
    .await
}

async fn back_to_orgdesk(
    browser: &reqwest::Client,
    tenant_reply: reqwest::Response,
) -> reqwest::Response {
    assert_eq!(
        tenant_reply.status(),
        302,
        "the tenant sends the browser back"
    );
    let callback = tenant_reply.headers()["location"]
        .to_str()
        .unwrap()
        .to_string();
    browser.get(&callback).send().await.unwrap()
}

async fn audit_actions(app: &TestApp, browser: &reqwest::Client, action: &str) -> Vec<Value> {
    let filters = [
        ("org_id", ACME),
        ("action", action),
        ("actor", ""),
        ("since", ""),
        ("until", ""),
    ];
    let (_, log) = app.read(browser, "audit/list", &filters).await;
    log["entries"].as_array().cloned().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sensitive_change_long_after_sign_in_waits_for_a_new_one_then_goes_on_as_sent() {
    let clock = ManualClock::stopped_now();
    let app = app_with(&clock, false).await;
    let t = tenant(&app).await;
    let alice = app.sign_in("alice@acme.example", ACME).await;
    // Just signed in: a secret is made without asking again.
    let bot = app.register_bot(&alice, ACME, "Nightly sync").await;
    let client_id = bot["client_id"].as_str().unwrap().to_string();
    let first = secret_of(&t, &client_id).await;

    clock.advance_secs(11 * 60);
    let (status, answer) = app
        .call(
            &alice,
            "bots/rotate",
            json!({"org_id": ACME, "client_id": client_id}),
        )
        .await;
    assert_eq!(status, 401, "{answer}");
    assert_eq!(answer["kind"], "Reauthenticate");
    assert_eq!(secret_of(&t, &client_id).await, first, "nothing rotated");
    // What is not sensitive goes on: a rename, scopes narrowed; widening them asks.
    let (status, _) = app
        .call(
            &alice,
            "bots/rename",
            json!({"org_id": ACME, "client_id": client_id, "name": "Sync"}),
        )
        .await;
    assert_eq!(status, 200);
    let scopes =
        |s: &[&str]| json!({"org_id": ACME, "client_id": client_id, "audience": API, "scopes": s});
    let (status, answer) = app
        .call(
            &alice,
            "bots/scopes",
            scopes(&["read:bookings", "write:bookings"]),
        )
        .await;
    assert_eq!(status, 401, "widening: {answer}");
    let (status, answer) = app.call(&alice, "bots/scopes", scopes(&[])).await;
    assert_ne!(status, 401, "narrowing: {answer}");
    // Making an admin and deleting the organization ask too.
    let (_, bob) = t
        .mgmt(Method::GET, "users-by-email?email=bob%40acme.example", None)
        .await;
    let bob = bob[0]["user_id"].as_str().unwrap().to_string();
    let admin_role = app.running.state.config.identity.admin_role.clone();
    let (status, answer) = app
        .call(
            &alice,
            "members/role",
            json!({"org_id": ACME, "user_id": bob, "role_id": admin_role, "on": true}),
        )
        .await;
    assert_eq!(status, 401, "{answer}");
    let (status, _) = app
        .call(
            &alice,
            "organization/delete",
            json!({"org_id": ACME, "confirm": "acme-travel"}),
        )
        .await;
    assert_eq!(status, 401);
    let (_, org) = t
        .mgmt(Method::GET, &format!("organizations/{ACME}"), None)
        .await;
    assert_eq!(org["id"], ACME, "not deleted");

    // The plain form: held, to the tenant and back, then done as it was sent; the new secret shown
    // once on the page the answer renders.
    let csrf = app.form_token(&alice).await;
    let held = app
        .post_form(&alice, "bots/rotate")
        .header(
            "referer",
            app.url(&format!("/orgs/{ACME}/bots/{client_id}")),
        )
        .form(&[
            ("csrf", csrf.as_str()),
            ("org_id", ACME),
            ("client_id", &client_id),
            ("_confirmed", "1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(held.status(), 303);
    assert_eq!(held.headers()["location"], "/auth/step-up");
    assert_eq!(secret_of(&t, &client_id).await, first, "held, not run");
    let reply = sign_in_again(&app, &alice, "alice@acme.example").await;
    let done = back_to_orgdesk(&alice, reply).await;
    assert_eq!(done.status(), 200);
    let page = done.text().await.unwrap();
    let rotated = secret_of(&t, &client_id).await;
    assert_ne!(rotated, first, "rotated after the step-up");
    assert!(page.contains(&rotated), "the new secret is shown once");
    assert_eq!(
        audit_actions(&app, &alice, "session.step_up").await.len(),
        1
    );

    // Within the window now: the next sensitive change goes straight on.
    let (status, answer) = app
        .call(
            &alice,
            "bots/scopes",
            scopes(&["read:bookings", "write:bookings"]),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_step_up_as_someone_else_or_without_a_held_change_changes_nothing() {
    let clock = ManualClock::stopped_now();
    let app = app_with(&clock, false).await;
    let t = tenant(&app).await;
    let alice = app.sign_in("alice@acme.example", ACME).await;
    let bot = app.register_bot(&alice, ACME, "Reports").await;
    let client_id = bot["client_id"].as_str().unwrap().to_string();
    let first = secret_of(&t, &client_id).await;
    clock.advance_secs(20 * 60);

    let csrf = app.form_token(&alice).await;
    let held = app
        .post_form(&alice, "bots/rotate")
        .form(&[
            ("csrf", csrf.as_str()),
            ("org_id", ACME),
            ("client_id", &client_id),
            ("_confirmed", "1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(held.status(), 303);
    // Carol (another admin of Acme) types her own password at the tenant: refused, nothing runs,
    // Alice is still signed in as before.
    let reply = sign_in_again(&app, &alice, "carol@consult.example").await;
    let refused = back_to_orgdesk(&alice, reply).await;
    assert_eq!(refused.status(), 403);
    assert!(refused.text().await.unwrap().contains("someone else"));
    assert_eq!(secret_of(&t, &client_id).await, first);
    let (_, me) = app.read(&alice, "me", &[]).await;
    assert_eq!(me["email"], "alice@acme.example", "{me}");
    let denied = audit_actions(&app, &alice, "session.step_up").await;
    assert_eq!(denied.len(), 1);
    assert_eq!(denied[0]["result"], "denied", "{denied:?}");

    // The held change went with the refusal: a good step-up now runs nothing, and lands on the desk.
    let reply = sign_in_again(&app, &alice, "alice@acme.example").await;
    let landed = back_to_orgdesk(&alice, reply).await;
    assert_eq!(landed.status(), 303);
    assert_eq!(
        landed.headers()["location"],
        format!("/orgs/{ACME}").as_str()
    );
    assert_eq!(secret_of(&t, &client_id).await, first);

    // Without a session there is no step-up: sign in first.
    let stranger = app.browser();
    let to = stranger.get(app.url("/auth/step-up")).send().await.unwrap();
    assert_eq!(to.headers()["location"], "/login");
    // A cross-site page cannot hold a change for someone: the form token is checked first.
    let forged = app
        .post_form(&alice, "bots/rotate")
        .form(&[
            ("csrf", "forged"),
            ("org_id", ACME),
            ("client_id", &client_id),
            ("_confirmed", "1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
}

#[tokio::test(flavor = "multi_thread")]
async fn with_mfa_the_step_up_asks_for_a_one_time_code_and_checks_amr() {
    let clock = ManualClock::stopped_now();
    let app = app_with(&clock, true).await;
    let t = tenant(&app).await;
    let alice = app.sign_in("alice@acme.example", ACME).await;
    // Signed in with a password only: a secret wants the second factor even now.
    let (status, answer) = app
        .call(
            &alice,
            "bots/register",
            json!({"org_id": ACME, "name": "Payroll", "description": "", "audience": API,
                "scopes": ["read:bookings"], "idempotency_key": uuid::Uuid::new_v4().to_string()}),
        )
        .await;
    assert_eq!(status, 401, "{answer}");

    let csrf = app.form_token(&alice).await;
    let held = app
        .post_form(&alice, "bots/register")
        .header("referer", app.url(&format!("/orgs/{ACME}/bots")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("org_id", ACME),
            ("name", "Payroll"),
            ("description", "Pays people"),
            ("audience", API),
            (&format!("scopes:{API}"), "read:bookings"),
            ("idempotency_key", &uuid::Uuid::new_v4().to_string()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(held.headers()["location"], "/auth/step-up");
    let to_tenant = alice.get(app.url("/auth/step-up")).send().await.unwrap();
    let authorize = to_tenant.headers()["location"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(authorize.contains("acr_values=http%3A%2F%2Fschemas.openid.net%2Fpape%2Fpolicies%2F2007%2F06%2Fmulti-factor"), "{authorize}");
    let enrol = crate::helpers::tenant_login::submit_login(
        &alice,
        &app.tenant_url(""),
        &authorize,
        "alice@acme.example",
        PASSWORD,
    )
    .await;
    assert_eq!(enrol.status(), 200, "the second factor is asked for");
    let page = enrol.text().await.unwrap();
    assert!(
        page.contains("Secure your account"),
        "first time: enrolment"
    );
    let tx = hidden(&page, "tx");
    let secret = page
        .split("data-secret")
        .next()
        .and_then(|before| before.rsplit("value=\"").next())
        .map(|v| v.trim_end_matches(['"', ' ']).to_string())
        .unwrap();
    let now = u64::try_from(clock.now_secs()).unwrap();
    let mfa = |code: String| {
        let (alice, tx) = (alice.clone(), tx.clone());
        let url = app.tenant_url("/u/mfa");
        async move {
            alice
                .post(url)
                .form(&[("tx", tx.as_str()), ("code", code.as_str())])
                .send()
                .await
                .unwrap()
        }
    };
    let wrong = mfa("000000".into()).await;
    assert_eq!(wrong.status(), 401, "a wrong code is refused");
    let code = orgdesk::emulator::authn::mfa::code_at(&secret, now).unwrap();
    let reply = mfa(code).await;
    let done = back_to_orgdesk(&alice, reply).await;
    assert_eq!(done.status(), 200, "registered after the second factor");
    let (_, list) = app.read(&alice, "bots/list", &[("org_id", ACME)]).await;
    assert!(crate::helpers::bot_names_in(&list).contains(&"Payroll".to_string()));
    let (_, user) = t
        .mgmt(
            Method::GET,
            "users-by-email?email=alice%40acme.example",
            None,
        )
        .await;
    assert_eq!(user[0]["multifactor"], json!(["guardian"]), "enrolled");

    // Enrolled: the next step-up asks for the code only (no new key), and a used-up window asks again.
    clock.advance_secs(11 * 60);
    let reply = sign_in_again(&app, &alice, "alice@acme.example").await;
    let page = reply.text().await.unwrap();
    assert!(
        page.contains("Verify your identity") && !page.contains("data-secret"),
        "{page}"
    );
}

use orgdesk::clock::Clock as _;
