//! Webhooks as an admin and a receiver meet them: an endpoint registered (public https only, checked
//! again at each delivery), the organization's audit events delivered signed — the receiver here
//! checks the signature itself — retried with backoff, listed with their outcome, and a failing
//! endpoint paused with the admins told in the audit log.

use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};

use base64::Engine;
use orgdesk::clock::ManualClock;
use orgdesk::server::outbound::Reach;
use orgdesk::server::service::webhooks;
use serde_json::{json, Value};

use crate::helpers::{spawn_app_config, TestApp};

const ACME: &str = "org_acmeTravel000001";
const GLOBEX: &str = "org_globexTours00001";

#[derive(Clone, Default)]
struct Receiver {
    got: Arc<Mutex<Vec<(axum::http::HeaderMap, String)>>>,
    answer: Arc<AtomicU16>,
}

async fn receiver() -> (String, Receiver) {
    let r = Receiver::default();
    r.answer.store(200, Ordering::SeqCst);
    let state = r.clone();
    let app = axum::Router::new()
        .route(
            "/hook",
            axum::routing::post(
                |axum::extract::State(s): axum::extract::State<Receiver>,
                 headers: axum::http::HeaderMap,
                 body: String| async move {
                    s.got.lock().unwrap().push((headers, body));
                    axum::http::StatusCode::from_u16(s.answer.load(Ordering::SeqCst)).unwrap()
                },
            ),
        )
        .with_state(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, r)
}

/// What a receiver does with the secret it was shown: HMAC-SHA256 over `id.timestamp.body`.
fn verifies(secret: &str, headers: &axum::http::HeaderMap, body: &str) -> bool {
    let b64 = base64::engine::general_purpose::STANDARD;
    let key = b64.decode(secret.strip_prefix("whsec_").unwrap()).unwrap();
    let id = headers["webhook-id"].to_str().unwrap();
    let ts = headers["webhook-timestamp"].to_str().unwrap();
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &key);
    let expected =
        b64.encode(ring::hmac::sign(&key, format!("{id}.{ts}.{body}").as_bytes()).as_ref());
    headers["webhook-signature"]
        .to_str()
        .unwrap()
        .split(' ')
        .any(|s| s == format!("v1,{expected}"))
}

async fn app(clock: &ManualClock, reach: Reach) -> TestApp {
    let clock = clock.clone();
    spawn_app_config(move |c| {
        c.clock = Arc::new(clock);
        c.webhook_reach = reach;
        c.session_idle_timeout = std::time::Duration::from_secs(30 * 86_400);
        c.session_absolute_timeout = std::time::Duration::from_secs(30 * 86_400);
    })
    .await
}

async fn pass(app: &TestApp, reach: Reach) -> usize {
    let ctx = app.running.state.ctx(None);
    webhooks::queue_new(&ctx).await.unwrap();
    webhooks::deliver_due(&ctx, reach).await.unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn audit_events_reach_the_endpoint_signed_and_a_failing_one_is_retried_then_paused() {
    let clock = ManualClock::stopped_now();
    let app = app(&clock, Reach::LoopbackToo).await;
    let (url, rx) = receiver().await;
    let alice = app.sign_in("alice@acme.example", ACME).await;
    let (status, made) = app
        .call(
            &alice,
            "webhooks/create",
            json!({"org_id": ACME, "url": url, "description": "SIEM"}),
        )
        .await;
    assert_eq!(status, 200, "{made}");
    let secret = made["secret"].as_str().unwrap().to_string();
    let endpoint = made["id"].as_str().unwrap().to_string();

    // A change in Acme is delivered, signed; Globex's events never reach Acme's endpoint.
    app.register_bot(&alice, ACME, "Webhooked").await;
    let grace = app.sign_in("grace@globex.example", GLOBEX).await;
    app.register_bot(&grace, GLOBEX, "Not Acme's").await;
    assert!(pass(&app, Reach::LoopbackToo).await >= 1);
    let got = rx.got.lock().unwrap().clone();
    let bodies: Vec<Value> = got
        .iter()
        .map(|(_, b)| serde_json::from_str(b).unwrap())
        .collect();
    assert!(
        bodies.iter().any(|b| b["type"] == "bot.register"),
        "{bodies:?}"
    );
    assert!(
        bodies.iter().all(|b| b["data"]["organization"] == ACME),
        "{bodies:?}"
    );
    for (headers, body) in &got {
        assert!(verifies(&secret, headers, body), "signature checks out");
        assert!(!verifies(
            "whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            headers,
            body
        ));
        assert_eq!(
            headers["webhook-timestamp"],
            orgdesk::clock::Clock::now_secs(&clock).to_string()
        );
    }
    let sent = got.len();

    // Failing: retried after 30 s, then 2 min …; listed with the endpoint's answer.
    rx.answer.store(500, Ordering::SeqCst);
    app.call(
        &alice,
        "bots/rename",
        json!({"org_id": ACME, "client_id": bot_id(&app, &alice).await, "name": "Renamed"}),
    )
    .await;
    assert_eq!(pass(&app, Reach::LoopbackToo).await, 0);
    assert_eq!(rx.got.lock().unwrap().len(), sent + 1);
    assert_eq!(
        pass(&app, Reach::LoopbackToo).await,
        0,
        "not again before the backoff"
    );
    assert_eq!(rx.got.lock().unwrap().len(), sent + 1);
    let (_, list) = app.read(&alice, "webhooks/list", &[("org_id", ACME)]).await;
    let failing = list[0]["deliveries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["state"] == "pending")
        .unwrap()
        .clone();
    assert_eq!(
        (failing["attempts"].as_u64(), failing["last"].as_str()),
        (Some(1), Some("HTTP 500"))
    );
    clock.advance_secs(31);
    pass(&app, Reach::LoopbackToo).await;
    assert_eq!(
        rx.got.lock().unwrap().len(),
        sent + 2,
        "tried again after 30 s"
    );

    // Five failures in a row pause it (before the delivery is given up); the admins read why in the audit log; nothing more is sent.
    for _ in 0..12 {
        clock.advance_secs(6 * 3600);
        pass(&app, Reach::LoopbackToo).await;
    }
    let (_, list) = app.read(&alice, "webhooks/list", &[("org_id", ACME)]).await;
    assert!(list[0]["paused_at"].is_string(), "{list}");
    let overview = app.page_html(&alice, &format!("/orgs/{ACME}")).await;
    assert!(
        overview.contains("data-testid=\"webhook-attention\""),
        "the overview tells the admins"
    );
    let tried = rx.got.lock().unwrap().len();
    assert_eq!(
        tried - sent,
        webhooks::PAUSE_AFTER as usize,
        "paused at the fifth failure"
    );
    let (_, log) = app
        .read(
            &alice,
            "audit/list",
            &[
                ("org_id", ACME),
                ("action", "webhook"),
                ("actor", ""),
                ("since", ""),
                ("until", ""),
            ],
        )
        .await;
    assert!(log.to_string().contains("webhook.pause"), "{log}");

    // Resumed, what waited goes out once the receiver is back.
    rx.answer.store(204, Ordering::SeqCst);
    let (status, _) = app
        .call(
            &alice,
            "webhooks/resume",
            json!({"org_id": ACME, "endpoint_id": endpoint}),
        )
        .await;
    assert_eq!(status, 200);
    assert!(pass(&app, Reach::LoopbackToo).await >= 1);
    let (_, list) = app.read(&alice, "webhooks/list", &[("org_id", ACME)]).await;
    assert!(list[0]["paused_at"].is_null());
    assert!(list[0]["deliveries"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["state"] == "delivered" && d["attempts"].as_u64() > Some(1)));

    // Another organization's admin cannot touch it.
    let (status, _) = app
        .call(
            &grace,
            "webhooks/delete",
            json!({"org_id": GLOBEX, "endpoint_id": endpoint}),
        )
        .await;
    assert_eq!(status, 404);
    let (status, _) = app
        .call(
            &alice,
            "webhooks/delete",
            json!({"org_id": ACME, "endpoint_id": endpoint}),
        )
        .await;
    assert_eq!(status, 200);
}

async fn bot_id(app: &TestApp, alice: &reqwest::Client) -> String {
    let (_, list) = app.read(alice, "bots/list", &[("org_id", ACME)]).await;
    list.as_array()
        .unwrap()
        .iter()
        .find(|b| b["name"] == "Webhooked")
        .unwrap()["client_id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Outside test mode: https only, and never a private, loopback or link-local address — at
/// registration, and again at delivery (where DNS may since point somewhere else).
#[tokio::test(flavor = "multi_thread")]
async fn endpoints_on_private_addresses_are_refused_at_registration_and_at_delivery() {
    let clock = ManualClock::stopped_now();
    let app = app(&clock, Reach::PublicHttps).await;
    let alice = app.sign_in("alice@acme.example", ACME).await;
    for url in [
        "http://hooks.example.com/in",
        "https://127.0.0.1/hook",
        "https://localhost/hook",
        "https://10.0.0.8/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hook",
        "https://[fe80::1]/hook",
        "https://user:pass@hooks.example.com/",
        "not a url",
    ] {
        let (status, body) = app
            .call(
                &alice,
                "webhooks/create",
                json!({"org_id": ACME, "url": url, "description": ""}),
            )
            .await;
        assert_eq!(status, 400, "{url}: {body}");
    }
    let (_, list) = app.read(&alice, "webhooks/list", &[("org_id", ACME)]).await;
    assert_eq!(list, json!([]));

    // An endpoint accepted in test mode, delivered with the production rules: refused, not sent.
    let test_mode = app_reach_loopback(&app, &alice).await;
    let (url, rx) = test_mode;
    let _ = url;
    app.register_bot(&alice, ACME, "Event").await;
    assert_eq!(pass(&app, Reach::PublicHttps).await, 0);
    assert!(
        rx.got.lock().unwrap().is_empty(),
        "nothing was sent to loopback"
    );
    let (_, list) = app.read(&alice, "webhooks/list", &[("org_id", ACME)]).await;
    let d = &list[0]["deliveries"][0];
    // Plain http to loopback: refused by the production rules before any connection.
    assert!(d["last"].as_str().unwrap().contains("https"), "{d}");
    assert_eq!(d["state"], "pending");
}

/// Registers a loopback receiver through the service with test-mode reach (the app itself runs
/// with the production rules).
async fn app_reach_loopback(app: &TestApp, alice: &reqwest::Client) -> (String, Receiver) {
    let (url, rx) = receiver().await;
    let state = &app.running.state;
    let user = orgdesk::server::auth::SessionUser {
        user_id: crate::helpers::member_id(app, alice, ACME, "alice@acme.example").await,
        name: "Alice".into(),
        email: "alice@acme.example".into(),
        org_id: ACME.into(),
        org_name: None,
        role: orgdesk::server::auth::Role::Admin,
        signed_in_at: 0,
        csrf: String::new(),
        organizations: 1,
        auth_time: 0,
        mfa: false,
    };
    let permit = orgdesk::server::policy::authorize(
        &state.mgmt,
        &state.config.identity.admin_role,
        &user,
        ACME,
        orgdesk::server::policy::Action::ManageOrganization,
        true,
    )
    .await
    .unwrap();
    webhooks::register(&state.ctx(None), &permit, &url, "", Reach::LoopbackToo)
        .await
        .unwrap();
    (url, rx)
}

/// Without JavaScript: the page renders, a plain form post registers an endpoint and answers the
/// Webhooks page with the signing secret, once; the list never shows it again.
#[tokio::test(flavor = "multi_thread")]
async fn the_page_registers_an_endpoint_by_plain_form_and_shows_the_secret_once() {
    let clock = ManualClock::stopped_now();
    let app = app(&clock, Reach::LoopbackToo).await;
    let (url, _rx) = receiver().await;
    let alice = app.sign_in("alice@acme.example", ACME).await;
    let page = app
        .page_html(&alice, &format!("/orgs/{ACME}/webhooks"))
        .await;
    assert!(page.contains("Register an endpoint"), "{page}");
    assert!(page.contains("No endpoints yet."));
    let token = app.form_token(&alice).await;
    let r = app
        .post_form(&alice, "webhooks/create")
        .form(&[
            ("csrf", token.as_str()),
            ("org_id", ACME),
            ("url", url.as_str()),
            ("description", "SIEM"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store");
    let answer = r.text().await.unwrap();
    assert!(answer.contains("Copy the signing secret now"), "{answer}");
    let secret = answer
        .split("data-testid=\"webhook-secret\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .unwrap()
        .to_string();
    assert!(secret.starts_with("whsec_"));
    let again = app
        .page_html(&alice, &format!("/orgs/{ACME}/webhooks"))
        .await;
    assert!(again.contains(&url), "listed");
    assert!(!again.contains(&secret), "the secret is shown once");
    // Another organization's admin gets no such page for Acme.
    let grace = app.sign_in("grace@globex.example", GLOBEX).await;
    let r = grace
        .get(app.url(&format!("/orgs/{ACME}/webhooks")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
}
