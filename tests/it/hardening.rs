//! CSRF, security headers and abuse limits, from the outside: what a hostile page, a flood or an
//! admin who never stops creating things meets.

use serde_json::{json, Value};

use crate::helpers::{spawn_app, spawn_app_with, TestApp};
use crate::tenant::{ACME, API, GLOBEX};

fn key() -> String {
    uuid::Uuid::new_v4().to_string()
}

fn register_body(name: &str) -> Value {
    json!({"org_id": ACME, "name": name, "description": "", "audience": API,
        "scopes": ["read:bookings"], "idempotency_key": key()})
}

async fn bot_names(app: &TestApp, browser: &reqwest::Client) -> Vec<String> {
    let (s, bots) = app.read(browser, "bots/list", &[("org_id", ACME)]).await;
    assert_eq!(s, 200, "{bots}");
    crate::helpers::bot_names_in(&bots)
}

#[tokio::test]
async fn server_calls_take_json_from_this_origin_only() {
    let app = spawn_app().await;
    let alice = app.sign_in("alice@acme.example", ACME).await;
    let post = |content_type: &'static str, extra: Option<(&'static str, String)>| {
        let mut r = alice
            .post(app.url("/api/bots/register"))
            .header("content-type", content_type)
            .body(register_body("Forged").to_string());
        if let Some((k, v)) = extra {
            r = r.header(k, v);
        }
        r.send()
    };
    // Simple content types a cross-site page can send without a preflight: refused even with no
    // Origin at all (a browser that strips it).
    for simple in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
    ] {
        let r = post(simple, None).await.unwrap();
        assert_eq!(r.status(), 415, "{simple}");
        let err: Value = r.json().await.unwrap();
        assert_eq!(
            err["kind"], "Invalid",
            "{simple}: the browser code can read the refusal"
        );
    }
    // A sibling subdomain: same site, another origin.
    let sibling = post(
        "application/json",
        Some(("origin", "http://evil.localhost".into())),
    )
    .await
    .unwrap();
    assert_eq!(sibling.status(), 403);
    let same_site = post(
        "application/json",
        Some(("sec-fetch-site", "same-site".into())),
    )
    .await
    .unwrap();
    assert_eq!(same_site.status(), 403);
    let null_origin = post("application/json", Some(("origin", "null".into())))
        .await
        .unwrap();
    assert_eq!(null_origin.status(), 403);
    assert!(
        bot_names(&app, &alice).await.is_empty(),
        "nothing was created"
    );
    // The same call from orgdesk's own origin works.
    let ok = post(
        "application/json",
        Some(("origin", app.running.base_url.clone())),
    )
    .await
    .unwrap();
    assert_eq!(ok.status(), 200);
    assert_eq!(bot_names(&app, &alice).await, ["Forged"]);
}

#[tokio::test]
async fn no_server_function_answers_a_get() {
    let app = spawn_app().await;
    let alice = app.sign_in("alice@acme.example", ACME).await;
    // Every change, and a few reads for good measure.
    let endpoints = orgdesk::api::CHANGES
        .iter()
        .chain(&["bots/list", "members/list", "me"]);
    for endpoint in endpoints {
        let url = app.url(&format!(
            "/api/{endpoint}?org_id={ACME}&name=ByGet&audience={API}&scopes=read:bookings&idempotency_key={}&email=get@example.com&days=1",
            key()
        ));
        let r = alice.get(url).send().await.unwrap();
        assert!(
            r.status().is_client_error(),
            "{endpoint} answered {} to a GET",
            r.status()
        );
    }
    assert!(bot_names(&app, &alice).await.is_empty());
    let (_, invitations) = app
        .read(&alice, "invitations/list", &[("org_id", ACME)])
        .await;
    assert_eq!(
        invitations["list"].as_array().map(Vec::len),
        Some(0),
        "{invitations}"
    );
}

#[tokio::test]
async fn sign_out_needs_the_sessions_own_token() {
    let app = spawn_app().await;
    let alice = app.sign_in("alice@acme.example", ACME).await;
    let (_, me) = app.read(&alice, "me", &[]).await;
    let token = me["csrf"].as_str().unwrap().to_string();
    assert!(token.len() >= 32);
    for form in [vec![], vec![("csrf", "forged")], vec![("csrf", "")]] {
        let r = alice
            .post(app.url("/logout"))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "{form:?}");
        let (_, still) = app.read(&alice, "me", &[]).await;
        assert_eq!(
            still["email"], "alice@acme.example",
            "{form:?}: still signed in"
        );
    }
    // Another session's token does not work either.
    let carol = app.sign_in("carol@consult.example", ACME).await;
    let (_, carols) = app.read(&carol, "me", &[]).await;
    assert_ne!(carols["csrf"], me["csrf"]);
    let r = alice
        .post(app.url("/logout"))
        .form(&[("csrf", carols["csrf"].as_str().unwrap())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = alice
        .post(app.url("/logout"))
        .form(&[("csrf", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let (_, gone) = app.read(&alice, "me", &[]).await;
    assert!(gone.is_null());
}

fn header<'a>(r: &'a reqwest::Response, name: &str) -> &'a str {
    r.headers()
        .get(name)
        .map(|v| v.to_str().unwrap())
        .unwrap_or("")
}

#[tokio::test]
async fn pages_carry_a_nonce_policy_and_the_security_headers() {
    let app = spawn_app().await;
    let alice = app.sign_in("alice@acme.example", ACME).await;
    let page = alice
        .get(app.url(&format!("/orgs/{ACME}/bots")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let csp = header(&page, "content-security-policy").to_string();
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a nonce in the page's CSP")
        .to_string();
    assert!(nonce.len() >= 16);
    assert!(
        !csp.contains("unsafe-inline") && !csp.contains("'unsafe-eval'"),
        "{csp}"
    );
    assert!(csp.contains("'wasm-unsafe-eval'") && csp.contains("frame-ancestors 'none'"));
    assert_eq!(header(&page, "x-content-type-options"), "nosniff");
    assert_eq!(header(&page, "referrer-policy"), "same-origin");
    assert_eq!(header(&page, "cache-control"), "no-store");
    assert_eq!(
        header(&page, "strict-transport-security"),
        "",
        "not over http"
    );
    let html = page.text().await.unwrap();
    let scripts = html.matches("<script").count();
    assert!(scripts > 0);
    assert_eq!(
        html.matches(&format!("nonce=\"{nonce}\"")).count(),
        scripts,
        "every inline script carries the nonce: {html}"
    );
    // Another response, another nonce.
    let again = alice.get(app.url("/")).send().await.unwrap();
    assert!(!header(&again, "content-security-policy").contains(&nonce));

    // Server calls and files get a policy with no scripts at all; the bundle stays cacheable.
    let api = alice
        .post(app.url("/api/me"))
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert!(header(&api, "content-security-policy").starts_with("default-src 'none'"));
    assert_eq!(header(&api, "cache-control"), "no-store");
    let js = alice.get(app.url("/pkg/orgdesk.js")).send().await.unwrap();
    assert_eq!(js.status(), 200);
    assert_ne!(header(&js, "cache-control"), "no-store");
    assert_eq!(header(&js, "x-content-type-options"), "nosniff");
}

#[tokio::test]
async fn over_https_every_answer_asks_for_strict_transport() {
    let app = spawn_app_with(&[("ORGDESK_PUBLIC_URL", "https://desk.travel0.example")]).await;
    let r = app.get("/healthz").await;
    assert_eq!(
        header(&r, "strict-transport-security"),
        "max-age=63072000; includeSubDomains"
    );
}

#[tokio::test]
async fn an_oversized_body_is_refused_before_it_is_read() {
    let app = spawn_app().await;
    let alice = app.sign_in("alice@acme.example", ACME).await;
    let mut body = register_body("Huge");
    body["description"] = json!("x".repeat(100_000));
    let r = alice
        .post(app.url("/api/bots/register"))
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    assert!(bot_names(&app, &alice).await.is_empty());
}

#[tokio::test]
async fn a_session_going_too_fast_gets_429_with_retry_after() {
    // 40 a minute: a burst of 10.
    let app = spawn_app_with(&[("ORGDESK_RATE_LIMIT_SESSION", "40")]).await;
    let alice = app.sign_in("alice@acme.example", ACME).await;
    let mut statuses = Vec::new();
    for _ in 0..12 {
        statuses.push(app.read(&alice, "me", &[]).await.0);
    }
    assert!(statuses.contains(&429), "{statuses:?}");
    let r = alice
        .post(app.url("/api/me"))
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429);
    let wait: u64 = header(&r, "retry-after").parse().unwrap();
    assert!((1..=2).contains(&wait), "{wait}");
    let err: Value = r.json().await.unwrap();
    assert_eq!(err["kind"], "RateLimited");
    // Pages get a readable page.
    let page = alice.get(app.url("/")).send().await.unwrap();
    assert_eq!(page.status(), 429);
    assert!(page.text().await.unwrap().contains("Too many requests"));
    // Another session is not slowed down.
    let carol = app.sign_in("carol@consult.example", GLOBEX).await;
    assert_eq!(app.read(&carol, "me", &[]).await.0, 200);
}

#[tokio::test]
async fn changes_have_their_own_tighter_budget() {
    // 4 changes a minute: a burst of 1.
    let app = spawn_app_with(&[("ORGDESK_RATE_LIMIT_WRITES", "4")]).await;
    let alice = app.sign_in("alice@acme.example", ACME).await;
    let (s, _) = app
        .call(&alice, "bots/register", register_body("First"))
        .await;
    assert_eq!(s, 200);
    let (s, err) = app
        .call(&alice, "bots/register", register_body("Second"))
        .await;
    assert_eq!(s, 429, "{err}");
    assert_eq!(bot_names(&app, &alice).await, ["First"]);
}

#[tokio::test]
async fn the_client_ip_comes_from_forwarded_for_only_behind_a_trusted_proxy() {
    async fn refused_after_burst(app: &TestApp, forwarded: [&str; 2]) -> bool {
        let client = app.browser();
        // The burst of 5 is spent by the first "client"...
        for _ in 0..5 {
            let r = client
                .get(app.url("/"))
                .header("x-forwarded-for", forwarded[0])
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200);
        }
        // ...and the second is refused only if both count as one address.
        let r = client
            .get(app.url("/"))
            .header("x-forwarded-for", forwarded[1])
            .send()
            .await
            .unwrap();
        r.status() == 429
    }
    let direct = spawn_app_with(&[("ORGDESK_RATE_LIMIT_IP", "20")]).await;
    assert!(
        refused_after_burst(&direct, ["203.0.113.1", "203.0.113.2"]).await,
        "a spoofed header does not buy a fresh budget"
    );
    let proxied = spawn_app_with(&[
        ("ORGDESK_RATE_LIMIT_IP", "20"),
        ("ORGDESK_TRUSTED_PROXIES", "127.0.0.1/32"),
    ])
    .await;
    assert!(
        !refused_after_burst(&proxied, ["203.0.113.1", "203.0.113.2"]).await,
        "behind the proxy each client has its own budget"
    );
}

#[tokio::test]
async fn organizations_have_caps_on_bots_and_pending_invitations() {
    let app = spawn_app_with(&[
        ("ORGDESK_MAX_BOTS", "2"),
        ("ORGDESK_MAX_PENDING_INVITATIONS", "1"),
    ])
    .await;
    let alice = app.sign_in("alice@acme.example", ACME).await;
    for name in ["One", "Two"] {
        assert_eq!(
            app.call(&alice, "bots/register", register_body(name))
                .await
                .0,
            200
        );
    }
    let (s, err) = app
        .call(&alice, "bots/register", register_body("Three"))
        .await;
    assert_eq!(s, 409, "{err}");
    assert!(err["message"].as_str().unwrap().contains("2 bots"), "{err}");
    assert_eq!(bot_names(&app, &alice).await.len(), 2);

    let invite = |email: &str| json!({"org_id": ACME, "email": email, "roles": ["rol_orgdeskMember001"], "days": 7});
    let (s, body) = app
        .call(&alice, "invitations/create", invite("one@example.com"))
        .await;
    assert_eq!(s, 200, "{body}");
    let (s, err) = app
        .call(&alice, "invitations/create", invite("two@example.com"))
        .await;
    assert_eq!(s, 409, "{err}");
    assert!(err["message"]
        .as_str()
        .unwrap()
        .contains("pending invitations"));
    let (_, pending) = app
        .read(&alice, "invitations/list", &[("org_id", ACME)])
        .await;
    assert_eq!(pending["list"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn organizations_have_a_cap_on_installed_apps() {
    let app = spawn_app_with(&[("ORGDESK_MAX_INSTALLS", "1")]).await;
    let alice = app.sign_in("alice@acme.example", ACME).await;
    let grace = app.sign_in("grace@globex.example", GLOBEX).await;
    let mut apps = Vec::new();
    for name in ["Planner", "Expenses"] {
        let bot = app.register_bot(&alice, ACME, name).await;
        let (s, published) = app
            .call(
                &alice,
                "apps/publish",
                json!({"org_id": ACME, "client_id": bot["client_id"], "description": "Books trips", "audience": API, "scopes": ["read:bookings"]}),
            )
            .await;
        assert_eq!(s, 200, "{published}");
        apps.push(published["app_id"].as_str().unwrap().to_string());
    }
    let install = |id: &str| json!({"org_id": GLOBEX, "app_id": id});
    assert_eq!(
        app.call(&grace, "apps/install", install(&apps[0])).await.0,
        200
    );
    let (s, err) = app.call(&grace, "apps/install", install(&apps[1])).await;
    assert_eq!(s, 409, "{err}");
    assert!(err["message"].as_str().unwrap().contains("apps installed"));
    let installed: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM app_installs WHERE org_id = ?")
        .bind(GLOBEX)
        .fetch_one(&app.running.state.db)
        .await
        .unwrap();
    assert_eq!(installed, 1);
}

#[tokio::test]
async fn malformed_server_calls_get_a_clear_400() {
    let app = spawn_app().await;
    let alice = app.sign_in("alice@acme.example", ACME).await;
    for body in [
        "{}".to_string(),
        "not json".to_string(),
        json!({"org_id": ACME, "name": 7}).to_string(),
        json!({"org_id": [ACME]}).to_string(),
    ] {
        let r = alice
            .post(app.url("/api/bots/register"))
            .header("content-type", "application/json")
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "{body}");
        let err: Value = r.json().await.unwrap();
        assert_eq!(err["kind"], "Invalid", "{body}");
    }
    assert!(bot_names(&app, &alice).await.is_empty());
}

#[tokio::test]
async fn metrics_count_requests_and_upstream_calls_by_template_never_by_id() {
    let app = spawn_app().await;
    let alice = app.sign_in("alice@acme.example", ACME).await;
    let page = alice
        .get(app.url(&format!("/orgs/{ACME}/members")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    // The page streams: its upstream read is done once the whole body has arrived.
    let _ = page.text().await.unwrap();
    let r = app.get("/metrics").await;
    assert_eq!(r.status(), 200);
    assert!(header(&r, "content-type").starts_with("text/plain; version=0.0.4"));
    let text = r.text().await.unwrap();
    assert!(
        text.contains(
            "orgdesk_requests_total{route=\"/orgs/{org}/members\",method=\"GET\",status=\"200\"}"
        ),
        "{text}"
    );
    assert!(text.contains(
        "orgdesk_request_duration_seconds_bucket{route=\"/orgs/{org}/members\",le=\"+Inf\"}"
    ));
    assert!(text.contains(
        "orgdesk_upstream_calls_total{method=\"GET\",endpoint=\"organizations/{id}/members\",status=\"200\"}"
    ));
    assert!(text.contains("orgdesk_cache_requests_total{cache=\"role_names\""));
    assert!(text.contains("orgdesk_rate_limit_waits_total"));
    assert!(
        !text.contains(ACME) && !text.contains("auth0|"),
        "no ids in labels"
    );
    let bad = orgdesk::server::config::Config::from_vars(&[(
        "ORGDESK_METRICS_ALLOW".to_string(),
        "10.0.0.0/99".to_string(),
    )]);
    assert_eq!(bad.unwrap_err().variable, "ORGDESK_METRICS_ALLOW");
}
