//! The outside attack run's findings, each reproduced as the attacker did it and checked closed:
//! widening an app after installs, an open redirect after sign-in, a decoy session cookie, `..` as an
//! id, bad cursors, slow headers, forged log and audit lines, look-alike names, pre-login sessions,
//! attacker-chosen metric labels, CSV separators, audit-log pollution through declines, raw Auth0
//! errors in audit logs, and `/metrics` behind a proxy on the same host.

use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::apps::publish_changing;
use crate::helpers::{spawn_app, spawn_app_with, TestApp};
use crate::members::{tenant_admin, user_id};
use crate::tenant::{TenantApi, ACME, API, GLOBEX, INITECH};

async fn audit(app: &TestApp, org: &str) -> Vec<(String, String, Option<String>, Option<String>)> {
    sqlx::query_as(
        "SELECT action, result, target, detail FROM audit_events WHERE org_id = ? ORDER BY id",
    )
    .bind(org)
    .fetch_all(&app.running.state.db)
    .await
    .unwrap()
}

async fn grant_scopes(tenant: &TenantApi, client_id: &str) -> Value {
    let (_, grants) = tenant
        .get(&format!("client-grants?client_id={client_id}"))
        .await;
    grants[0]["scope"].clone()
}

async fn token_scope(tenant: &TenantApi, client_id: &str, secret: &str, org: &str) -> Value {
    let (s, body) = tenant.client_token(client_id, secret, API, Some(org)).await;
    assert_eq!(s, 200, "{body}");
    crate::tenant::claims(body["access_token"].as_str().unwrap())["scope"].clone()
}

fn message(body: &Value) -> String {
    body["message"].as_str().unwrap_or_default().to_string()
}

// 1. High: unpublish, publish again with more scopes, and installers' tokens carried them.
#[tokio::test]
async fn a_republished_app_cannot_get_more_than_its_installers_approved() {
    let app = spawn_app().await;
    let tenant = tenant_admin(&app).await;
    let alice = app.sign_in("alice@acme.example", ACME).await;
    let grace = app.sign_in("grace@globex.example", GLOBEX).await;
    let bot = app.register_bot(&alice, ACME, "Booking bot").await;
    let client_id = bot["client_id"].as_str().unwrap();
    let secret = bot["client_secret"].as_str().unwrap();

    let (s, published) = publish_changing(
        &app,
        &alice,
        ACME,
        client_id,
        &["read:bookings", "read:trips"],
    )
    .await;
    assert_eq!(s, 200, "{published}");
    let app_id = published["app_id"].as_str().unwrap().to_string();
    let (s, _) = app
        .call(
            &grace,
            "apps/install",
            json!({"org_id": GLOBEX, "app_id": app_id}),
        )
        .await;
    assert_eq!(s, 200);
    let unpublish = || {
        app.call(
            &alice,
            "apps/unpublish",
            json!({"org_id": ACME, "app_id": app_id}),
        )
    };
    assert_eq!(unpublish().await.0, 200);

    // The attack: the same bot, published again with one more scope.
    let (s, refused) = publish_changing(
        &app,
        &alice,
        ACME,
        client_id,
        &["read:bookings", "read:trips", "write:bookings"],
    )
    .await;
    assert_eq!(s, 409, "{refused}");
    assert!(
        message(&refused).contains("1 organization has this app installed")
            && message(&refused).contains("`write:bookings`"),
        "{refused}"
    );
    assert_eq!(
        grant_scopes(&tenant, client_id).await,
        json!(["read:bookings", "read:trips"]),
        "the grant did not widen"
    );
    assert_eq!(
        token_scope(&tenant, client_id, secret, GLOBEX).await,
        "read:bookings read:trips"
    );

    // Narrowing is allowed; the installer is told in its own log.
    let (s, body) = publish_changing(&app, &alice, ACME, client_id, &["read:bookings"]).await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(
        token_scope(&tenant, client_id, secret, GLOBEX).await,
        "read:bookings"
    );
    let globex = audit(&app, GLOBEX).await;
    let narrowed = globex
        .iter()
        .find(|e| e.0 == "app.narrowed")
        .expect("the installer is told");
    assert!(narrowed.3.as_deref().unwrap().contains("read:trips"));

    // And what was narrowed away cannot come back while Globex has it installed.
    assert_eq!(unpublish().await.0, 200);
    let (s, _) = publish_changing(
        &app,
        &alice,
        ACME,
        client_id,
        &["read:bookings", "read:trips"],
    )
    .await;
    assert_eq!(s, 409);
    // Once Globex uninstalls, the publisher is free again: nobody's consent is at stake.
    let (s, _) = app
        .call(
            &grace,
            "apps/uninstall",
            json!({"org_id": GLOBEX, "app_id": app_id}),
        )
        .await;
    assert_eq!(s, 200);
    let (s, body) = publish_changing(
        &app,
        &alice,
        ACME,
        client_id,
        &["read:bookings", "read:trips"],
    )
    .await;
    assert_eq!(s, 200, "{body}");
}

// 2. Medium: `return_to=/%09/evil.example` became `Location: /\t/evil.example`; `%0A` answered 500.
#[tokio::test]
async fn return_to_cannot_leave_orgdesk_or_break_the_redirect() {
    let app = spawn_app().await;
    for hostile in [
        "/%09/evil.example",
        "/%0A/evil.example",
        "/%0D%0ASet-Cookie:%20x=1",
        "//evil.example",
        "/\\evil.example",
        "https://evil.example/",
        "/%E2%80%AE/evil",
        "/ /evil.example",
    ] {
        let browser = app.browser();
        let to_tenant = browser
            .get(app.url(&format!("/login?organization={ACME}&return_to={hostile}")))
            .send()
            .await
            .unwrap();
        let done = app
            .through_tenant_login(&browser, to_tenant, "alice@acme.example", "Travel0-demo!")
            .await;
        assert_eq!(done.status(), 303, "{hostile}");
        let location = done.headers()["location"].to_str().unwrap();
        assert_eq!(location, format!("/orgs/{ACME}"), "{hostile} goes home");
    }
    // A real same-origin path survives, query and all.
    let browser = app.browser();
    let to_tenant = browser
        .get(app.url(&format!(
            "/login?organization={ACME}&return_to=%2Forgs%2F{ACME}%2Faudit%3Faction%3Dbot.register"
        )))
        .send()
        .await
        .unwrap();
    let done = app
        .through_tenant_login(&browser, to_tenant, "alice@acme.example", "Travel0-demo!")
        .await;
    assert_eq!(
        done.headers()["location"].to_str().unwrap(),
        format!("/orgs/{ACME}/audit?action=bot.register")
    );
}

/// The session cookie a sign-in set, as `name=value`.
fn session_cookie(done: &reqwest::Response) -> String {
    done.headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_string())
        .find(|c| c.starts_with("orgdesk="))
        .expect("a session cookie")
}

// 3. Medium: `Cookie: orgdesk=<random>; orgdesk=<real>` split the limiter from the session.
#[tokio::test]
async fn a_decoy_session_cookie_is_refused_and_limits_follow_the_real_session() {
    let app = spawn_app_with(&[("ORGDESK_RATE_LIMIT_WRITES", "4")]).await;
    let browser = app.browser();
    let done = app.alice_signs_in(&browser).await;
    let real = session_cookie(&done);
    let plain = crate::tenant::http();
    let register = |cookie: String| {
        let app = &app;
        let plain = plain.clone();
        async move {
            let body = json!({"org_id": ACME, "name": format!("Decoy {}", uuid::Uuid::new_v4()), "description": "",
                "audience": API, "scopes": ["read:bookings"], "idempotency_key": uuid::Uuid::new_v4().to_string()});
            plain
                .post(app.url("/api/bots/register"))
                .header("cookie", cookie)
                .header("content-type", "application/json")
                .header("origin", &app.running.base_url)
                .body(body.to_string())
                .send()
                .await
                .unwrap()
        }
    };
    let decoyed = register(format!("orgdesk=decoy{}; {real}", uuid::Uuid::new_v4())).await;
    assert_eq!(decoyed.status(), 400);
    let cleared = decoyed.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        cleared.starts_with("orgdesk=;") && cleared.contains("Max-Age=0"),
        "{cleared}"
    );
    assert!(
        decoyed
            .text()
            .await
            .unwrap()
            .contains("two orgdesk session cookies"),
        "a readable refusal"
    );
    let (_, bots) = app.read(&browser, "bots/list", &[("org_id", ACME)]).await;
    assert!(
        bots.as_array().unwrap().is_empty(),
        "nothing was registered"
    );

    // With the one real cookie, the change budget (4 a minute, a burst of 1) applies to it.
    let statuses: Vec<u16> =
        futures_util_join((0..4).map(|_| register(real.clone())).collect::<Vec<_>>())
            .await
            .into_iter()
            .map(|r| r.status().as_u16())
            .collect();
    assert!(statuses.contains(&429), "{statuses:?}");
}

async fn futures_util_join<F: std::future::Future>(futures: Vec<F>) -> Vec<F::Output> {
    let mut out = Vec::new();
    for f in futures {
        out.push(f.await);
    }
    out
}

// 4. Low: `user_id=".."` made `users/../organizations` a request to `GET /organizations`.
#[tokio::test]
async fn dot_segments_never_reach_the_management_api() {
    let app = spawn_app().await;
    let alice = app.sign_in("alice@acme.example", ACME).await;
    let bob = user_id(&app, "bob@acme.example");
    for id in [
        "..",
        ".",
        "%2e%2e",
        "auth0|../../clients",
        "../organizations",
        "",
    ] {
        for (endpoint, body) in [
            (
                "members/role",
                json!({"org_id": ACME, "user_id": id, "role_id": "rol_orgdeskBilling01", "on": true}),
            ),
            ("members/remove", json!({"org_id": ACME, "user_id": id})),
        ] {
            let before = app.mgmt_calls();
            let (s, answer) = app.call(&alice, endpoint, body).await;
            assert_eq!(s, 400, "{endpoint} {id:?}: {answer}");
            // At most the live role check ran; nothing was sent with the id in it.
            assert!(app.mgmt_calls() - before <= 1, "{endpoint} {id:?}");
        }
    }
    // A real member id still works, escaped into its segment.
    let (s, body) = app
        .call(
            &alice,
            "members/role",
            json!({"org_id": ACME, "user_id": bob, "role_id": "rol_orgdeskBilling01", "on": true}),
        )
        .await;
    assert_eq!(s, 200, "{body}");
    // The client's last line: whatever produced such a path, it is not sent.
    let mgmt = &app.running.state.mgmt;
    for path in [
        "users/../organizations",
        "clients/%2E%2E",
        "organizations//members",
    ] {
        let sent = mgmt.send(Method::GET, path, &[], None).await;
        assert_eq!(
            sent.unwrap_err(),
            orgdesk::server::auth0::ApiError::InvalidId,
            "{path}"
        );
    }
}

// 5. Low: `from: "abc"`, `"0"`, `"-1"` were forwarded to Auth0 and its 400 became a 500.
#[tokio::test]
async fn a_bad_members_cursor_is_the_users_400() {
    let app = spawn_app().await;
    let alice = app.sign_in("alice@acme.example", ACME).await;
    // The last one has the shape of a cursor, but Auth0 never issued it.
    for from in [
        "abc",
        "0",
        "-1",
        "not a cursor",
        "bm90LWEtY3Vyc29yLWF0LWFsbA",
    ] {
        let (s, body) = app
            .call(
                &alice,
                "members/list",
                json!({"org_id": ACME, "from": from}),
            )
            .await;
        assert_eq!(s, 400, "{from}: {body}");
        assert!(
            message(&body).contains("page link is not valid"),
            "{from}: {body}"
        );
    }
}

// 6. Low: connections sending a header line every 5 s stayed open past 200 s.
#[tokio::test]
async fn slow_headers_time_out_and_connections_are_capped_per_address() {
    let app = spawn_app_with(&[
        ("ORGDESK_HEADER_TIMEOUT_SECONDS", "2"),
        ("ORGDESK_MAX_CONNECTIONS_PER_ADDRESS", "3"),
    ])
    .await;
    let addr = app.running.addr;
    let mut slow = tokio::net::TcpStream::connect(addr).await.unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let mut closed = false;
    for i in 0..10 {
        tokio::time::sleep(Duration::from_millis(500)).await;
        if slow
            .write_all(format!("X-Slow-{i}: 1\r\n").as_bytes())
            .await
            .is_err()
        {
            closed = true;
            break;
        }
        let mut buf = [0u8; 256];
        if let Ok(Ok(n)) =
            tokio::time::timeout(Duration::from_millis(10), slow.read(&mut buf)).await
        {
            if n == 0 || String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 408") {
                closed = true;
                break;
            }
        }
    }
    assert!(closed, "the trickling connection was closed");
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );

    // Three idle connections from this address are all it gets; the fourth is closed at once.
    let mut idle = Vec::new();
    for _ in 0..3 {
        idle.push(tokio::net::TcpStream::connect(addr).await.unwrap());
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut fourth = tokio::net::TcpStream::connect(addr).await.unwrap();
    let _ = fourth
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await;
    let mut buf = [0u8; 64];
    let n = tokio::time::timeout(Duration::from_secs(2), fourth.read(&mut buf))
        .await
        .expect("closed, not left hanging")
        .unwrap_or(0);
    assert_eq!(n, 0, "the fourth connection gets no answer");
    drop(idle);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(app.get("/healthz").await.status(), 200, "slots free up");
}

// 7. Low: CR/LF in a denied org id reached the audit log raw.
#[tokio::test]
async fn outside_values_reach_the_audit_log_escaped() {
    let app = spawn_app().await;
    let alice = app.sign_in("alice@acme.example", ACME).await;
    let forged = "org_x\r\n2026-12-03T00:00:00Z ok session.sign_in\u{202e}";
    let (s, _) = app.call(&alice, "desk", json!({"org_id": forged})).await;
    assert_eq!(s, 404);
    let events = audit(&app, ACME).await;
    let target = events
        .iter()
        .rev()
        .find(|e| e.0 == "access")
        .and_then(|e| e.2.clone())
        .expect("the denial is recorded");
    assert!(!target.contains(['\r', '\n', '\u{202e}']), "{target:?}");
    assert!(target.contains("\\u{d}\\u{a}"), "{target:?}");
}

// 8. Low: U+202E, zero-width characters and look-alikes reached the support console and CSVs.
#[tokio::test]
async fn names_refuse_invisible_characters_and_look_alikes() {
    let app = spawn_app().await;
    let alice = app.sign_in("alice@acme.example", ACME).await;
    let register = |name: &str| {
        let body = json!({"org_id": ACME, "name": name, "description": "", "audience": API,
            "scopes": ["read:bookings"], "idempotency_key": uuid::Uuid::new_v4().to_string()});
        app.call(&alice, "bots/register", body)
    };
    for bad in [
        "Sync\u{202e}cod.exe",
        "Acme\u{200b}Sync",
        "\u{feff}Sync",
        "A\u{2066}B",
    ] {
        let (s, body) = register(bad).await;
        assert_eq!(s, 400, "{bad:?}: {body}");
    }
    let (s, first) = register("Acme sync").await;
    assert_eq!(s, 200, "{first}");
    // Cyrillic А, "rn" for "m", the same name in capitals, full-width letters: all look the same.
    for spoof in [
        "\u{410}cme sync",
        "Acrne sync",
        "ACME SYNC",
        "Ａｃｍｅ sync",
        "Acme sync",
    ] {
        let (s, body) = register(spoof).await;
        assert_eq!(s, 400, "{spoof}: {body}");
        assert!(message(&body).contains("Acme sync"), "{spoof}: {body}");
    }
    // Full-width signs are folded to ASCII (and `＜` then refused like `<`); NFC is applied.
    let (s, body) = register("Ｂｉｌｌｉｎｇ export").await;
    assert_eq!(s, 200, "{body}");
    let (s, _) = register("＜script＞").await;
    assert_eq!(s, 400);
    let (s, body) = register("Cafe\u{301} bot").await;
    assert_eq!(s, 200, "{body}");
    let (_, list) = app.read(&alice, "bots/list", &[("org_id", ACME)]).await;
    let names = crate::helpers::bot_names_in(&list);
    assert!(names.contains(&"Billing export".to_string()), "{names:?}");
    assert!(names.contains(&"Café bot".to_string()), "{names:?}");
    // Renaming to a look-alike is refused too; renaming a bot to its own name is not.
    let id = first["client_id"].as_str().unwrap();
    let (s, _) = app
        .call(
            &alice,
            "bots/rename",
            json!({"org_id": ACME, "client_id": id, "name": "Billing exp\u{43e}rt"}),
        )
        .await;
    assert_eq!(s, 400);
    let (s, body) = app
        .call(
            &alice,
            "bots/rename",
            json!({"org_id": ACME, "client_id": id, "name": "Acme sync"}),
        )
        .await;
    assert_eq!(s, 200, "{body}");
}

// 9. Low: 600 × `GET /login` stored 600 session rows for 30 minutes.
#[tokio::test]
async fn requests_for_login_alone_cannot_fill_the_store() {
    let app = spawn_app().await;
    let plain = crate::tenant::http();
    for _ in 0..200 {
        let r = plain.get(app.url("/login")).send().await.unwrap();
        assert_eq!(r.status(), 303);
    }
    let db = &app.running.state.db;
    let sessions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM user_sessions")
        .fetch_one(db)
        .await
        .unwrap();
    assert_eq!(sessions, 0, "no session before a sign-in finishes");
    let attempts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM login_attempts")
        .fetch_one(db)
        .await
        .unwrap();
    assert_eq!(attempts, orgdesk::server::auth::attempts::PER_ADDRESS);
    let longest: i64 =
        sqlx::query_scalar("SELECT MAX(expires_at) - MIN(created_at) / 1000 FROM login_attempts")
            .fetch_one(db)
            .await
            .unwrap();
    assert!(longest <= 11 * 60, "short-lived: {longest} s");
    // The newest sign-in still finishes (the oldest ones gave way).
    let browser = app.browser();
    let done = app.alice_signs_in(&browser).await;
    assert_eq!(done.status(), 303);
}

// 10. Low: unknown ids reached the `endpoint` label of orgdesk_upstream_calls_total.
#[tokio::test]
async fn metric_labels_are_bounded_whatever_requests_carry() {
    let app = spawn_app().await;
    let alice = app.sign_in("alice@acme.example", ACME).await;
    let (s, _) = app
        .call(
            &alice,
            "members/remove",
            json!({"org_id": ACME, "user_id": "auth0|metrics-label-injection"}),
        )
        .await;
    assert_eq!(s, 404);
    let brew = reqwest::Method::from_bytes(b"BREW").unwrap();
    let _ = app.client.request(brew, app.url("/")).send().await.unwrap();
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(!metrics.contains("metrics-label-injection"), "{metrics}");
    assert!(!metrics.contains("BREW"));
    assert!(metrics.contains("endpoint=\"users/{id}/organizations\""));
    assert!(metrics.contains("method=\"other\""));
}

// 11. Low: `ok;=1+1` was not quoted, so `;` made it a formula where `;` separates lists.
#[tokio::test]
async fn csv_cells_are_quoted_for_every_separator() {
    let app = spawn_app().await;
    let alice = app.sign_in("alice@acme.example", ACME).await;
    app.register_bot(&alice, ACME, "ok;=1+1").await;
    let csv = app
        .page_html(&alice, &format!("/orgs/{ACME}/audit.csv"))
        .await;
    let line = csv
        .lines()
        .find(|l| l.contains("bot.register"))
        .expect("the registration");
    assert!(line.contains("\"ok;=1+1; "), "{line}");
    for cell in line.split("\",\"") {
        assert!(!cell.trim_matches('"').starts_with('='), "{line}");
    }
}

// 12. Low: any admin could decline any app without limit; `apps/listing` showed unpublished apps.
/// An install decision as the install page sends it.
async fn decide_on(
    app: &TestApp,
    who: &reqwest::Client,
    org: &str,
    what: &str,
    app_id: &str,
) -> (u16, Value) {
    app.call(
        who,
        &format!("apps/{what}"),
        json!({"org_id": org, "app_id": app_id}),
    )
    .await
}

#[tokio::test]
async fn declines_are_recorded_once_and_only_where_they_mean_something() {
    let app = spawn_app().await;
    let alice = app.sign_in("alice@acme.example", ACME).await;
    let grace = app.sign_in("grace@globex.example", GLOBEX).await;
    let ivan = app.sign_in("ivan@initech.example", INITECH).await;
    let bot = app.register_bot(&alice, ACME, "Booking bot").await;
    let (s, published) = publish_changing(
        &app,
        &alice,
        ACME,
        bot["client_id"].as_str().unwrap(),
        &["read:bookings"],
    )
    .await;
    assert_eq!(s, 200, "{published}");
    let app_id = published["app_id"].as_str().unwrap().to_string();
    let app_ref = &app;
    let app_id_ref = &app_id;
    let decide = |who: &'static str, org: &'static str, what: &'static str| {
        let browser = match who {
            "alice" => &alice,
            "grace" => &grace,
            _ => &ivan,
        };
        decide_on(app_ref, browser, org, what, app_id_ref)
    };
    for _ in 0..5 {
        assert_eq!(decide("ivan", INITECH, "decline").await.0, 200);
    }
    let declined = |events: Vec<(String, String, Option<String>, Option<String>)>| {
        events.iter().filter(|e| e.0 == "app.declined").count()
    };
    assert_eq!(declined(audit(&app, ACME).await), 1, "one entry, not five");
    let (_, listing) = app
        .read(&ivan, "apps/listing", &[("app_id", &app_id)])
        .await;
    assert!(listing["declined_at"].is_string(), "{listing}");

    // Approve then decline: the decline contradicts the install and is refused.
    assert_eq!(decide("grace", GLOBEX, "install").await.0, 200);
    let (s, body) = decide("grace", GLOBEX, "decline").await;
    assert_eq!(s, 409, "{body}");
    assert!(message(&body).contains("uninstall"), "{body}");
    let (s, body) = decide("grace", GLOBEX, "install").await;
    assert_eq!(s, 409, "{body}");
    assert!(message(&body).contains("already"), "{body}");
    // The publisher cannot decline its own app.
    assert_eq!(decide("alice", ACME, "decline").await.0, 409);

    // Unpublished: gone for everyone but the publisher and the organizations that have it.
    assert_eq!(decide("alice", ACME, "unpublish").await.0, 200);
    assert_eq!(
        app.read(&ivan, "apps/listing", &[("app_id", &app_id)])
            .await
            .0,
        404
    );
    assert_eq!(decide("ivan", INITECH, "decline").await.0, 404);
    assert_eq!(
        app.read(&grace, "apps/listing", &[("app_id", &app_id)])
            .await
            .0,
        200
    );
    assert_eq!(
        app.read(&alice, "apps/listing", &[("app_id", &app_id)])
            .await
            .0,
        200
    );
}

// 13. Info: `insufficient_scope … create:organization_client_grants` in a customer's audit log.
#[tokio::test]
async fn customers_audit_logs_say_what_happened_not_what_auth0_said() {
    let app = spawn_app().await;
    let alice = app.sign_in("alice@acme.example", ACME).await;
    let rule = json!({"route": "POST /api/v2/organizations/*/client-grants", "kind": "status", "status": 403,
        "message": "Insufficient scope, expected any of: create:organization_client_grants",
        "error_code": "insufficient_scope"});
    let s = app
        .client
        .post(app.tenant_url("/__emulator/faults"))
        .json(&rule)
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(s, 204);
    let body = json!({"org_id": ACME, "name": "Scoped out", "description": "", "audience": API,
        "scopes": ["read:bookings"], "idempotency_key": uuid::Uuid::new_v4().to_string()});
    let (s, answer) = app.call(&alice, "bots/register", body).await;
    assert_eq!(s, 500, "{answer}");
    assert!(!answer.to_string().contains("insufficient"), "{answer}");
    let events = audit(&app, ACME).await;
    let failed = events
        .iter()
        .find(|e| e.0 == "bot.register" && e.1 == "failed")
        .expect("the failure is recorded");
    let detail = failed.3.clone().unwrap_or_default();
    assert!(
        !detail.contains("scope") && !detail.contains("client_grants"),
        "{detail}"
    );
    assert!(detail.contains("server log"), "{detail}");
}

// 14. Info: `/metrics` trusted any loopback peer, so a proxy on the same host made it public.
#[tokio::test]
async fn metrics_behind_a_local_proxy_and_with_a_token() {
    let app = spawn_app_with(&[("ORGDESK_TRUSTED_PROXIES", "127.0.0.1")]).await;
    let forwarded = app
        .client
        .get(app.url("/metrics"))
        .header("x-forwarded-for", "203.0.113.7")
        .send()
        .await
        .unwrap();
    assert_eq!(
        forwarded.status(),
        404,
        "a client the local proxy forwards is not loopback"
    );
    assert_eq!(
        app.get("/metrics").await.status(),
        200,
        "the proxy host itself still is"
    );

    let token = "metrics-token-0123456789abcdef";
    let app = spawn_app_with(&[("ORGDESK_METRICS_TOKEN", token)]).await;
    assert_eq!(
        app.get("/metrics").await.status(),
        404,
        "loopback alone is not enough"
    );
    let with = app
        .client
        .get(app.url("/metrics"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(with.status(), 200);
    let wrong = app
        .client
        .get(app.url("/metrics"))
        .bearer_auth("metrics-token-0123456789abcdeX")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 404);
}
