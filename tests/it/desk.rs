//! The admin desk end to end in-process: sign-in rules, the bot lifecycle checked upstream at the
//! tenant, double submits, cross-organization attempts, a revoked admin, and failures mid-registration.

use serde_json::{json, Value};

use crate::helpers::{spawn_app, TestApp};
use crate::tenant::{claims, TenantApi, ACME, API, GLOBEX};

/// The same embedded tenant, driven with Management API calls as a vendor operator would.
async fn tenant_admin(app: &TestApp) -> TenantApi {
    TenantApi::attach(&app.running.local_tenant.as_ref().unwrap().base_url).await
}

fn key() -> String {
    uuid::Uuid::new_v4().to_string()
}

async fn register(app: &TestApp, browser: &reqwest::Client, org: &str, name: &str) -> (u16, Value) {
    app.call(
        browser,
        "bots/register",
        json!({"org_id": org, "name": name, "description": "books trips", "audience": API, "scopes": ["read:bookings"], "idempotency_key": key()}),
    )
    .await
}

async fn token_for(tenant: &TenantApi, client_id: &str, secret: &str, org: &str) -> (u16, Value) {
    let (s, body) = tenant.client_token(client_id, secret, API, Some(org)).await;
    (s.as_u16(), body)
}

#[tokio::test]
async fn admins_get_the_desk_and_members_do_not() {
    let app = spawn_app().await;
    let alice = app.browser();
    let done = app.alice_signs_in(&alice).await;
    assert_eq!(done.status(), 303);
    assert_eq!(done.headers()["location"], format!("/orgs/{ACME}"));
    let (s, me) = app.read(&alice, "me", &[]).await;
    assert_eq!(s, 200);
    assert_eq!(me["org_id"], ACME);
    assert_eq!(me["role"], "admin");

    let bob = app.browser();
    let refused = app.sign_in_with(&bob, "bob@acme.example", Some(ACME)).await;
    assert_eq!(refused.status(), 403);
    let (_, me) = app.read(&bob, "me", &[]).await;
    assert!(me.is_null(), "no session for a member");
    let denied: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_events WHERE action = 'session.sign_in' AND result = 'denied'",
    )
    .fetch_one(&app.running.state.db)
    .await
    .unwrap();
    assert_eq!(denied, 1);

    // Signing out deletes the session and ends the tenant session too.
    let (_, me) = app.read(&alice, "me", &[]).await;
    let out = alice
        .post(app.url("/logout"))
        .header("origin", &app.running.base_url)
        .form(&[("csrf", me["csrf"].as_str().unwrap())])
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 303);
    assert!(out.headers()["location"]
        .to_str()
        .unwrap()
        .contains("/v2/logout?client_id="));
    let (_, me) = app.read(&alice, "me", &[]).await;
    assert!(me.is_null());
}

#[tokio::test]
async fn a_user_in_two_organizations_signs_in_to_the_one_they_pick() {
    let app = spawn_app().await;
    let carol = app.sign_in("carol@consult.example", GLOBEX).await;
    let (_, me) = app.read(&carol, "me", &[]).await;
    assert_eq!(me["org_id"], GLOBEX);
    // The session rotated at sign-in: the pre-login cookie value is not the signed-in one.
    let (s, _) = app.read(&carol, "desk", &[("org_id", ACME)]).await;
    assert_eq!(
        s, 404,
        "signed in to Globex, Acme's desk does not exist for this session"
    );
}

#[tokio::test]
async fn registering_a_bot_creates_a_require_grant_for_this_organization_only() {
    let app = spawn_app().await;
    let tenant = tenant_admin(&app).await;
    let alice = app.sign_in("alice@acme.example", ACME).await;
    let (s, created) = register(&app, &alice, ACME, "Booking bot").await;
    assert_eq!(s, 200, "{created}");
    let client_id = created["client_id"].as_str().unwrap().to_string();
    let secret = created["client_secret"].as_str().unwrap().to_string();

    // Upstream, exactly as the issue says.
    let (_, client) = tenant.get(&format!("clients/{client_id}")).await;
    assert_eq!(client["app_type"], "non_interactive");
    assert_eq!(client["grant_types"], json!(["client_credentials"]));
    assert_eq!(client["token_endpoint_auth_method"], "client_secret_post");
    assert_eq!(client["client_metadata"]["orgdesk_org"], ACME);
    assert_eq!(
        client["default_organization"],
        json!({"organization_id": ACME, "flows": ["client_credentials"]})
    );
    let (_, grants) = tenant
        .get(&format!("client-grants?client_id={client_id}"))
        .await;
    assert_eq!(grants[0]["organization_usage"], "require");
    assert_eq!(grants[0]["allow_any_organization"], false);
    assert_eq!(grants[0]["scope"], json!(["read:bookings"]));

    // The bot gets tokens for Acme, and only for Acme.
    let (s, body) = token_for(&tenant, &client_id, &secret, ACME).await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(
        claims(body["access_token"].as_str().unwrap())["org_id"],
        ACME
    );
    let (s, body) = token_for(&tenant, &client_id, &secret, GLOBEX).await;
    assert_eq!(s, 403, "{body}");

    // Listed; the secret is nowhere in orgdesk's store.
    let (_, list) = app.read(&alice, "bots/list", &[("org_id", ACME)]).await;
    assert_eq!(list[0]["client_id"], client_id.as_str());
    assert_eq!(
        list[0]["access"],
        json!([{"audience": API, "scopes": ["read:bookings"]}])
    );
    let dump: Vec<String> =
        sqlx::query_scalar("SELECT COALESCE(detail, '') || COALESCE(target, '') FROM audit_events")
            .fetch_all(&app.running.state.db)
            .await
            .unwrap();
    assert!(
        !dump.iter().any(|row| row.contains(&secret)),
        "the secret is never stored"
    );
    let sessions: Vec<String> = sqlx::query_scalar("SELECT data FROM user_sessions")
        .fetch_all(&app.running.state.db)
        .await
        .unwrap();
    assert!(!sessions.is_empty(), "the signed-in session is stored");
    assert!(!sessions.iter().any(|d| d.contains(&secret)));
}

#[tokio::test]
async fn a_double_submit_registers_one_bot() {
    let app = spawn_app().await;
    let alice = app.sign_in("alice@acme.example", ACME).await;
    let body = json!({"org_id": ACME, "name": "Twice", "description": "", "audience": API, "scopes": ["read:trips"], "idempotency_key": key()});
    let (first, second) = tokio::join!(
        app.call(&alice, "bots/register", body.clone()),
        app.call(&alice, "bots/register", body.clone())
    );
    let statuses = [first.0, second.0];
    assert!(
        statuses.contains(&200) && statuses.contains(&409),
        "{statuses:?}"
    );
    let (_, list) = app.read(&alice, "bots/list", &[("org_id", ACME)]).await;
    assert_eq!(list.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn bad_input_is_refused_clearly_and_changes_nothing() {
    let app = spawn_app().await;
    let alice = app.sign_in("alice@acme.example", ACME).await;
    for (field, value) in [
        ("name", json!("")),
        ("name", json!("<script>")),
        ("scopes", json!([])),
        ("scopes", json!(["admin:pricing"])),
        ("audience", json!("https://evil.example/")),
    ] {
        let mut body = json!({"org_id": ACME, "name": "ok", "description": "", "audience": API, "scopes": ["read:bookings"], "idempotency_key": key()});
        body[field] = value.clone();
        let (s, err) = app.call(&alice, "bots/register", body).await;
        assert_eq!(s, 400, "{field}={value}: {err}");
        assert_eq!(err["kind"], "Invalid");
        assert!(!err["message"].as_str().unwrap().is_empty());
    }
    let (_, list) = app.read(&alice, "bots/list", &[("org_id", ACME)]).await;
    assert!(list.as_array().unwrap().is_empty());
}

#[tokio::test]
async fn another_organizations_bot_and_orgdesks_own_clients_are_not_found() {
    let app = spawn_app().await;
    let tenant = tenant_admin(&app).await;
    let alice = app.sign_in("alice@acme.example", ACME).await;
    let (_, created) = register(&app, &alice, ACME, "Acme bot").await;
    let victim = created["client_id"].as_str().unwrap().to_string();
    let grace = app.sign_in("grace@globex.example", GLOBEX).await;
    let targets = [
        victim.as_str(),
        crate::tenant::MGMT_CLIENT,
        crate::tenant::LOGIN_CLIENT,
    ];
    for org in [ACME, GLOBEX] {
        for client_id in targets {
            let calls = [
                (
                    "bots/rotate",
                    json!({"org_id": org, "client_id": client_id}),
                ),
                (
                    "bots/rename",
                    json!({"org_id": org, "client_id": client_id, "name": "pwned"}),
                ),
                (
                    "bots/delete",
                    json!({"org_id": org, "client_id": client_id}),
                ),
                (
                    "bots/grant",
                    json!({"org_id": org, "client_id": client_id, "audience": API, "scopes": ["read:trips"]}),
                ),
                (
                    "bots/scopes",
                    json!({"org_id": org, "client_id": client_id, "audience": API, "scopes": ["read:trips"]}),
                ),
                (
                    "bots/revoke",
                    json!({"org_id": org, "client_id": client_id, "audience": API}),
                ),
                (
                    "bots/test-token",
                    json!({"org_id": org, "client_id": client_id, "audience": API, "secret": "x"}),
                ),
            ];
            for (endpoint, body) in calls {
                let (s, err) = app.call(&grace, endpoint, body).await;
                assert_eq!(s, 404, "{endpoint} as Globex on {org}/{client_id}: {err}");
            }
            let (s, _) = app
                .read(
                    &grace,
                    "bots/get",
                    &[("org_id", org), ("client_id", client_id)],
                )
                .await;
            assert_eq!(s, 404);
        }
    }
    // Nothing changed upstream.
    let (_, client) = tenant.get(&format!("clients/{victim}")).await;
    assert_eq!(client["name"], "Acme bot");
    let (s, body) = token_for(
        &tenant,
        &victim,
        created["client_secret"].as_str().unwrap(),
        ACME,
    )
    .await;
    assert_eq!(s, 200, "the victim's secret still works: {body}");
    let (_, list) = app.read(&grace, "bots/list", &[("org_id", GLOBEX)]).await;
    assert!(
        list.as_array().unwrap().is_empty(),
        "Globex sees only its own bots"
    );
}

#[tokio::test]
async fn the_whole_bot_lifecycle_upstream() {
    let app = spawn_app().await;
    let tenant = tenant_admin(&app).await;
    let alice = app.sign_in("alice@acme.example", ACME).await;
    let (_, created) = register(&app, &alice, ACME, "Lifecycle").await;
    let id = created["client_id"].as_str().unwrap().to_string();
    let old_secret = created["client_secret"].as_str().unwrap().to_string();

    let (s, rotated) = app
        .call(
            &alice,
            "bots/rotate",
            json!({"org_id": ACME, "client_id": id}),
        )
        .await;
    assert_eq!(s, 200);
    let new_secret = rotated["client_secret"].as_str().unwrap().to_string();
    assert_ne!(new_secret, old_secret);
    assert_eq!(
        token_for(&tenant, &id, &old_secret, ACME).await.0,
        401,
        "the old secret stops at once"
    );
    assert_eq!(token_for(&tenant, &id, &new_secret, ACME).await.0, 200);

    let (s, check) = app
        .call(
            &alice,
            "bots/test-token",
            json!({"org_id": ACME, "client_id": id, "audience": API, "secret": new_secret}),
        )
        .await;
    assert_eq!(s, 200, "{check}");
    assert_eq!(check["org_id"], ACME);
    assert_eq!(check["scope"], "read:bookings");

    let (s, _) = app.call(&alice, "bots/scopes", json!({"org_id": ACME, "client_id": id, "audience": API, "scopes": ["read:bookings", "write:bookings"]})).await;
    assert_eq!(s, 200);
    let (_, body) = token_for(&tenant, &id, &new_secret, ACME).await;
    assert_eq!(
        claims(body["access_token"].as_str().unwrap())["scope"],
        "read:bookings write:bookings"
    );

    let (s, _) = app
        .call(
            &alice,
            "bots/rename",
            json!({"org_id": ACME, "client_id": id, "name": "Renamed"}),
        )
        .await;
    assert_eq!(s, 200);
    let (_, bot) = app
        .read(&alice, "bots/get", &[("org_id", ACME), ("client_id", &id)])
        .await;
    assert_eq!(bot["name"], "Renamed");

    let (s, _) = app
        .call(
            &alice,
            "bots/revoke",
            json!({"org_id": ACME, "client_id": id, "audience": API}),
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(
        token_for(&tenant, &id, &new_secret, ACME).await.0,
        403,
        "revoked"
    );
    let (s, _) = app
        .call(
            &alice,
            "bots/grant",
            json!({"org_id": ACME, "client_id": id, "audience": API, "scopes": ["read:trips"]}),
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(
        token_for(&tenant, &id, &new_secret, ACME).await.0,
        200,
        "granted again"
    );

    let (s, _) = app
        .call(
            &alice,
            "bots/delete",
            json!({"org_id": ACME, "client_id": id}),
        )
        .await;
    assert_eq!(s, 200);
    let (s, _) = tenant.get(&format!("clients/{id}")).await;
    assert_eq!(s, 404, "gone upstream");
    let (_, grants) = tenant.get(&format!("client-grants?client_id={id}")).await;
    assert!(
        grants.as_array().unwrap().is_empty(),
        "its grants went first"
    );
    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_events WHERE target = ? AND result = 'ok' ORDER BY id",
    )
    .bind(&id)
    .fetch_all(&app.running.state.db)
    .await
    .unwrap();
    assert_eq!(
        actions,
        [
            "bot.register",
            "bot.rotate_secret",
            "bot.test_token",
            "bot.change_scopes",
            "bot.rename",
            "bot.revoke_access",
            "bot.grant_access",
            "bot.delete"
        ]
    );
}

#[tokio::test]
async fn a_revoked_admin_is_locked_out_at_the_next_change() {
    let app = spawn_app().await;
    let tenant = tenant_admin(&app).await;
    let alice = app.sign_in("alice@acme.example", ACME).await;
    let (_, members) = tenant.get(&format!("organizations/{ACME}/members")).await;
    let alice_id = members
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["email"] == "alice@acme.example")
        .unwrap()["user_id"]
        .as_str()
        .unwrap()
        .replace('|', "%7C");
    let (s, _) = tenant
        .mgmt(
            reqwest::Method::DELETE,
            &format!("organizations/{ACME}/members/{alice_id}/roles"),
            Some(json!({"roles": ["rol_orgdeskAdmin0001"]})),
        )
        .await;
    assert_eq!(s, 204);
    let (s, err) = register(&app, &alice, ACME, "Too late").await;
    assert_eq!(s, 403, "{err}");
    let (_, clients) = tenant.get("clients").await;
    assert!(!clients
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["name"] == "Too late"));

    // Views trust the role as read at sign-in for up to 30 s (a change never does): once that read
    // ends — a membership change through orgdesk ends it at once; here a stand-in for the 30 s —
    // the desk is closed to her too.
    let (s, _) = app.read(&alice, "bots/list", &[("org_id", ACME)]).await;
    assert_eq!(s, 200, "within the 30 s");
    orgdesk::server::cache::bump(
        &app.running.state.db,
        &[&orgdesk::server::cache::roles_scope(ACME)],
    )
    .await;
    let (s, err) = app.read(&alice, "bots/list", &[("org_id", ACME)]).await;
    assert_eq!(s, 403, "{err}");
}

#[tokio::test]
async fn a_failure_at_any_registration_step_leaves_no_orphan() {
    let app = spawn_app().await;
    let tenant = tenant_admin(&app).await;
    let alice = app.sign_in("alice@acme.example", ACME).await;
    for (route, status) in [
        ("POST /api/v2/clients", 500),
        ("POST /api/v2/client-grants", 503),
        ("POST /api/v2/organizations/*/client-grants", 500),
    ] {
        let r = tenant
            .http
            .post(app.tenant_url("/__emulator/faults"))
            .json(&json!({"route": route, "kind": "status", "status": status}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 204);
        let name = format!("Orphan test {route}");
        let (s, err) = register(&app, &alice, ACME, &name).await;
        assert_eq!(s, 503, "{route}: {err}");
        assert_eq!(err["kind"], "Unavailable");
        assert!(err["request_id"].is_string());
        let (_, clients) = tenant.get("clients").await;
        assert!(
            !clients
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["name"] == name.as_str()),
            "{route}: orphaned client"
        );
        let (_, grants) = tenant.get("client-grants").await;
        let clients_ids: Vec<&str> = clients
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["client_id"].as_str().unwrap())
            .collect();
        assert!(
            grants
                .as_array()
                .unwrap()
                .iter()
                .all(|g| clients_ids.contains(&g["client_id"].as_str().unwrap())),
            "{route}: orphaned grant"
        );
    }
    let open: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM operations WHERE state NOT IN ('done', 'compensated')",
    )
    .fetch_one(&app.running.state.db)
    .await
    .unwrap();
    assert_eq!(open, 0);
    let failed: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_events WHERE action = 'bot.register' AND result = 'failed'",
    )
    .fetch_one(&app.running.state.db)
    .await
    .unwrap();
    assert_eq!(failed, 3);
}

#[tokio::test]
async fn cross_site_writes_are_refused() {
    let app = spawn_app().await;
    let alice = app.sign_in("alice@acme.example", ACME).await;
    let response = alice
        .post(app.url("/api/bots/register"))
        .header("content-type", "application/json")
        .header("origin", "https://evil.example")
        .body(json!({"org_id": ACME, "name": "x", "description": "", "audience": API, "scopes": ["read:bookings"], "idempotency_key": key()}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    let form = alice
        .post(app.url("/api/bots/register"))
        .header("sec-fetch-site", "cross-site")
        .form(&[("org_id", ACME)])
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), 403);
}

/// Whoever refuses a server call (the framework, a guard, the body limit), the browser code gets the
/// JSON error it reads, saying what to fix and naming the request id to quote.
#[tokio::test]
async fn every_refused_server_call_says_why_and_names_its_request_id() {
    let app = spawn_app().await;
    let alice = app.sign_in("alice@acme.example", ACME).await;
    let post = |body: String, content_type: &'static str, origin: String| {
        alice
            .post(app.url("/api/bots/get"))
            .header("content-type", content_type)
            .header("origin", origin)
            .body(body)
    };
    let home = app.running.base_url.clone();
    let cases = [
        (
            "missing field",
            post(
                json!({"org_id": ACME}).to_string(),
                "application/json",
                home.clone(),
            ),
            400,
            "client_id",
        ),
        (
            "wrong type",
            post(
                json!({"org_id": 42, "client_id": "x"}).to_string(),
                "application/json",
                home.clone(),
            ),
            400,
            "malformed",
        ),
        (
            "too large",
            post("x".repeat(70 * 1024), "application/json", home.clone()),
            413,
            "at most 64 KB",
        ),
        (
            "not JSON",
            post(
                format!("org_id={ACME}"),
                "application/x-www-form-urlencoded",
                home.clone(),
            ),
            415,
            "application/json",
        ),
        (
            "cross-site",
            post(
                json!({"org_id": ACME, "client_id": "x"}).to_string(),
                "application/json",
                "https://evil.example".into(),
            ),
            403,
            "Cross-site",
        ),
        ("GET", alice.get(app.url("/api/bots/get")), 405, "POST"),
    ];
    for (case, request, status, says) in cases {
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), status, "{case}");
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/json"),
            "{case}"
        );
        let err: Value = response.json().await.unwrap();
        assert!(
            err["message"].as_str().unwrap().contains(says),
            "{case}: {err}"
        );
        let quoted = err["request_id"].as_str().unwrap_or_default();
        assert!(uuid::Uuid::parse_str(quoted).is_ok(), "{case}: {err}");
    }
}

/// A page or a form post that a layer refuses with a bare status gets a page that says why, not a
/// blank or plain-text one.
#[tokio::test]
async fn a_page_refused_by_a_layer_still_says_why() {
    let app = spawn_app().await;
    let alice = app.sign_in("alice@acme.example", ACME).await;
    let too_large = alice
        .post(app.url("/forms/bots/register"))
        .header("origin", &app.running.base_url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("org_id={ACME}&name={}", "x".repeat(70 * 1024)))
        .send()
        .await
        .unwrap();
    let get_logout = alice.get(app.url("/logout")).send().await.unwrap();
    for (response, status, says) in [
        (too_large, 413, "at most 64 KB"),
        (get_logout, 405, "does not take that kind of request"),
    ] {
        assert_eq!(response.status(), status);
        assert!(response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html"));
        let page = response.text().await.unwrap();
        assert!(page.contains(says), "{page}");
    }
}

#[tokio::test]
async fn without_a_session_every_desk_call_is_unauthenticated() {
    let app = spawn_app().await;
    let stranger = app.browser();
    let (s, err) = app.call(&stranger, "bots/register", json!({"org_id": ACME, "name": "x", "description": "", "audience": API, "scopes": ["read:bookings"], "idempotency_key": key()})).await;
    assert_eq!((s, err["kind"].clone()), (401, json!("Unauthenticated")));
    let quoted = err["request_id"].as_str().unwrap_or_default();
    assert!(
        uuid::Uuid::parse_str(quoted).is_ok(),
        "a refusal names its request id: {err}"
    );
    let (s, _) = app.read(&stranger, "bots/list", &[("org_id", ACME)]).await;
    assert_eq!(s, 401);
    let (s, me) = app.read(&stranger, "me", &[]).await;
    assert_eq!((s, me), (200, Value::Null));
    let page = stranger
        .get(app.url(&format!("/orgs/{ACME}/bots")))
        .send()
        .await
        .unwrap();
    // A page sends the visitor to sign in, and back here afterwards.
    assert_eq!(page.status(), 303);
    let to = page.headers()["location"].to_str().unwrap();
    assert!(
        to.starts_with("/login?") && to.contains("return_to=%2Forgs%2F"),
        "{to}"
    );
}

#[tokio::test]
async fn the_recovery_pass_undoes_what_a_killed_process_left_behind() {
    let app = spawn_app().await;
    let tenant = tenant_admin(&app).await;
    let db = &app.running.state.db;
    // As if orgdesk died right after Auth0 created the client, before the journal learned its id.
    let op = "op-killed-after-create";
    sqlx::query("INSERT INTO operations (id, idempotency_key, org_id, kind, state, created_at, updated_at) VALUES (?, ?, ?, 'bot.register', 'started', '', '')")
        .bind(op)
        .bind("key-killed-after-create")
        .bind(ACME)
        .execute(db)
        .await
        .unwrap();
    let (s, orphan) = tenant
        .mgmt(
            reqwest::Method::POST,
            "clients",
            Some(json!({"name": "half-made", "app_type": "non_interactive", "client_metadata": {"orgdesk_org": ACME, "orgdesk_op": op}})),
        )
        .await;
    assert_eq!(s, 201);
    let orphan_id = orphan["client_id"].as_str().unwrap().to_string();
    let (s, grant) = tenant
        .mgmt(reqwest::Method::POST, "client-grants", Some(json!({"client_id": orphan_id, "audience": API, "scope": ["read:bookings"], "organization_usage": "require"})))
        .await;
    assert_eq!(s, 201);
    let (s, _) = tenant
        .mgmt(
            reqwest::Method::POST,
            &format!("organizations/{ACME}/client-grants"),
            Some(json!({"grant_id": grant["id"]})),
        )
        .await;
    assert_eq!(s, 201);

    let undone = orgdesk::server::service::journal::recover(
        db,
        app.running.state.config.clock.as_ref(),
        &app.running.state.mgmt,
        std::time::Duration::ZERO,
    )
    .await
    .unwrap();
    assert_eq!(undone, 1);
    let (s, _) = tenant.get(&format!("clients/{orphan_id}")).await;
    assert_eq!(s, 404, "the half-made client is gone");
    let (_, grants) = tenant
        .get(&format!("client-grants?client_id={orphan_id}"))
        .await;
    assert!(grants.as_array().unwrap().is_empty());
    let (_, assoc) = tenant
        .get(&format!("organizations/{ACME}/client-grants"))
        .await;
    assert!(assoc.as_array().unwrap().is_empty(), "and its association");
    let state: String = sqlx::query_scalar("SELECT state FROM operations WHERE id = ?")
        .bind(op)
        .fetch_one(db)
        .await
        .unwrap();
    assert_eq!(state, "compensated");
    assert_eq!(
        orgdesk::server::service::journal::recover(
            db,
            app.running.state.config.clock.as_ref(),
            &app.running.state.mgmt,
            std::time::Duration::ZERO
        )
        .await
        .unwrap(),
        0,
        "runs once"
    );
}

#[tokio::test]
async fn sign_in_survives_signing_key_rotation_by_refetching_the_keys() {
    let app = spawn_app().await;
    let tenant = tenant_admin(&app).await;
    // Two rotations: the key that signs is now one orgdesk has never seen.
    for _ in 0..2 {
        let r = tenant
            .http
            .post(app.tenant_url("/__emulator/rotate-keys"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 204);
    }
    let alice = app.sign_in("alice@acme.example", ACME).await;
    let (_, me) = app.read(&alice, "me", &[]).await;
    assert_eq!(me["org_id"], ACME);
    assert_eq!(
        me["org_name"], "Acme Travel",
        "the display name, read once at sign-in"
    );
}

#[tokio::test]
async fn over_https_the_sign_in_cookie_is_host_prefixed_secure_http_only_and_lax() {
    let dir = tempfile::tempdir().unwrap();
    let config =
        crate::helpers::test_config(&dir, &[("ORGDESK_PUBLIC_URL", "https://desk.example.com")]);
    let running = orgdesk::server::start(config).await.unwrap();
    let response = crate::tenant::http()
        .get(format!("{}/login", running.base_url))
        .send()
        .await
        .unwrap();
    let cookies: Vec<String> = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    // The sign-in under way has its own cookie; no session exists before the callback.
    assert_eq!(cookies.len(), 1, "{cookies:?}");
    let cookie = &cookies[0];
    assert!(cookie.starts_with("__Host-orgdesk_login="), "{cookie}");
    for attribute in ["Secure", "HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(attribute), "{attribute} missing: {cookie}");
    }
    assert!(
        !cookie.contains("Domain="),
        "__Host- cookies carry no Domain"
    );
    let location = response.headers()["location"].to_str().unwrap().to_string();
    assert!(
        location.contains("redirect_uri=https%3A%2F%2Fdesk.example.com%2Fauth%2Fcallback"),
        "{location}"
    );
    running.shutdown().await;
}

#[tokio::test]
async fn a_user_in_two_organizations_can_switch_without_signing_in_again() {
    let app = spawn_app().await;
    let carol = app.sign_in("carol@consult.example", GLOBEX).await;
    // "Switch organization" is /login without an organization: the tenant, which still knows Carol,
    // shows its organization picker straight away.
    let to_tenant = carol.get(app.url("/login")).send().await.unwrap();
    let authorize = to_tenant.headers()["location"]
        .to_str()
        .unwrap()
        .to_string();
    let picker = carol.get(&authorize).send().await.unwrap();
    assert_eq!(picker.status(), 200);
    let page = picker.text().await.unwrap();
    assert!(
        page.contains("Choose an organization"),
        "no password asked again"
    );
    let marker = "name=\"tx\" value=\"";
    let start = page.find(marker).unwrap() + marker.len();
    let tx = page[start..].split('"').next().unwrap().to_string();
    let back = carol
        .post(app.tenant_url("/u/organization"))
        .form(&[("tx", tx.as_str()), ("organization", ACME)])
        .send()
        .await
        .unwrap();
    let callback = back.headers()["location"].to_str().unwrap().to_string();
    let done = carol.get(&callback).send().await.unwrap();
    assert_eq!(done.headers()["location"], format!("/orgs/{ACME}"));
    let (_, me) = app.read(&carol, "me", &[]).await;
    assert_eq!(me["org_id"], ACME);
    let (s, _) = app.read(&carol, "bots/list", &[("org_id", GLOBEX)]).await;
    assert_eq!(s, 404, "the desk follows the organization signed in to");
}
