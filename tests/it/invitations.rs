//! Invitations (validity clamped, duplicates, resend, revoke, acceptance through the tenant's login)
//! and the organization's audit log (filters, pages, CSV), with cross-organization attempts.

use serde_json::{json, Value};

use crate::helpers::spawn_app;
use crate::helpers::TestApp;
use crate::members::{roles_at_tenant, tenant_admin, user_id, BILLING, MEMBER, SUPPORT};
use crate::tenant::{ACME, GLOBEX};

async fn invite(
    app: &TestApp,
    b: &reqwest::Client,
    org: &str,
    email: &str,
    roles: &[&str],
    days: u32,
) -> (u16, Value) {
    app.call(
        b,
        "invitations/create",
        json!({"org_id": org, "email": email, "roles": roles, "days": days}),
    )
    .await
}

fn days_between(inv: &Value) -> i64 {
    let fmt = &time::format_description::well_known::Rfc3339;
    let c = time::OffsetDateTime::parse(inv["created_at"].as_str().unwrap(), fmt).unwrap();
    let e = time::OffsetDateTime::parse(inv["expires_at"].as_str().unwrap(), fmt).unwrap();
    (e - c).whole_days()
}

async fn pending(app: &TestApp, b: &reqwest::Client, org: &str) -> Vec<Value> {
    let (s, body) = app.read(b, "invitations/list", &[("org_id", org)]).await;
    assert_eq!(s, 200, "{body}");
    body["list"].as_array().unwrap().clone()
}

/// Follows an invitation link as a new person: orgdesk's /login → the tenant's sign-up → callback.
async fn accept(app: &TestApp, url: &str, email: &str) -> reqwest::Response {
    let path = url
        .strip_prefix(&app.running.base_url)
        .expect("the link points at orgdesk");
    let browser = app.browser();
    let to_tenant = browser.get(app.url(path)).send().await.unwrap();
    let authorize = to_tenant.headers()["location"].to_str().unwrap_or_default();
    assert!(authorize.contains("invitation="), "{authorize}");
    let done = app
        .through_tenant_login(&browser, to_tenant, email, "a-new-password-1")
        .await;
    // An invitee who is not an admin lands on /joined, a page of the site under a clean address.
    match done.headers().get("location").and_then(|l| l.to_str().ok()) {
        Some("/joined") => browser.get(app.url("/joined")).send().await.unwrap(),
        _ => done,
    }
}

#[tokio::test]
async fn invite_resend_revoke_and_accept() {
    let app = spawn_app().await;
    let tenant = tenant_admin(&app).await;
    let alice = app.sign_in("alice@acme.example", ACME).await;

    // Validity beyond Auth0's 30-day maximum is clamped; roles come with their names.
    let (s, inv) = invite(
        &app,
        &alice,
        ACME,
        " Dana@Acme.Example ",
        &[MEMBER, BILLING],
        90,
    )
    .await;
    assert_eq!(s, 200, "{inv}");
    assert_eq!(inv["email"], "dana@acme.example");
    assert_eq!(days_between(&inv), 30);
    assert_eq!(inv["roles"].as_array().unwrap().len(), 2);
    assert!(inv["url"].as_str().unwrap().contains("invitation="));
    let list = pending(&app, &alice, ACME).await;
    assert_eq!(list.len(), 1);
    assert!(!list[0]["expired"].as_bool().unwrap());

    // A second invitation to the same address is refused: resend instead.
    let (s, _) = invite(&app, &alice, ACME, "dana@acme.example", &[MEMBER], 7).await;
    assert_eq!(s, 409);
    // Bad input changes nothing.
    for (email, roles) in [
        ("not-an-email", vec![MEMBER]),
        ("erin@acme.example", vec![]),
        ("erin@acme.example", vec![SUPPORT]),
    ] {
        let (s, body) = invite(&app, &alice, ACME, email, &roles, 7).await;
        assert_eq!(s, 400, "{email} {roles:?}: {body}");
    }
    assert_eq!(pending(&app, &alice, ACME).await.len(), 1);

    // Resend: a new invitation, same roles, fresh expiry; the old one is gone.
    let old_id = inv["id"].as_str().unwrap().to_string();
    let (s, again) = app
        .call(
            &alice,
            "invitations/resend",
            json!({"org_id": ACME, "id": old_id}),
        )
        .await;
    assert_eq!(s, 200, "{again}");
    assert_ne!(again["id"], inv["id"]);
    assert_eq!(again["roles"], inv["roles"]);
    assert_eq!(days_between(&again), 30);
    let list = pending(&app, &alice, ACME).await;
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["id"], again["id"]);

    // Globex's admin can neither see, resend nor revoke Acme's invitation.
    let grace = app.sign_in("grace@globex.example", GLOBEX).await;
    let new_id = again["id"].as_str().unwrap();
    for endpoint in ["invitations/revoke", "invitations/resend"] {
        let (s, _) = app
            .call(&grace, endpoint, json!({"org_id": GLOBEX, "id": new_id}))
            .await;
        assert_eq!(s, 404, "{endpoint}");
        let (s, _) = app
            .call(&grace, endpoint, json!({"org_id": ACME, "id": new_id}))
            .await;
        assert_eq!(s, 404, "{endpoint}");
    }
    let (s, _) = app
        .read(&grace, "invitations/list", &[("org_id", ACME)])
        .await;
    assert_eq!(s, 404);
    let (s, _) = invite(&app, &grace, ACME, "mallory@globex.example", &[MEMBER], 7).await;
    assert_eq!(s, 404);
    assert_eq!(pending(&app, &alice, ACME).await.len(), 1);

    // The invitee accepts through the tenant's login and is a member with the invited roles.
    let joined = accept(&app, again["url"].as_str().unwrap(), "dana@acme.example").await;
    assert_eq!(joined.status(), 200);
    assert!(joined
        .text()
        .await
        .unwrap()
        .contains("You have joined Acme Travel"));
    let dana = user_id(&app, "dana@acme.example");
    let mut ids = roles_at_tenant(&tenant, ACME, &dana).await;
    ids.sort();
    assert_eq!(ids, [BILLING, MEMBER]);
    // The acceptance came back through orgdesk's sign-in: the cached list ended with it.
    assert!(
        pending(&app, &alice, ACME).await.is_empty(),
        "an accepted invitation is used up"
    );

    // Revoke.
    let (_, inv) = invite(&app, &alice, ACME, "erin@acme.example", &[MEMBER], 0).await;
    assert_eq!(days_between(&inv), 7, "0 means Auth0's default");
    let revoke = json!({"org_id": ACME, "id": inv["id"]});
    let revoked = || app.call(&alice, "invitations/revoke", revoke.clone());
    assert_eq!(revoked().await.0, 200);
    assert!(pending(&app, &alice, ACME).await.is_empty());
    assert_eq!(revoked().await.0, 404, "a second revoke finds nothing");

    let actions: Vec<String> = sqlx::query_scalar("SELECT action FROM audit_events WHERE org_id = ? AND action LIKE 'invitation.%' AND result = 'ok' ORDER BY id")
        .bind(ACME)
        .fetch_all(&app.running.state.db)
        .await
        .unwrap();
    assert_eq!(
        actions,
        [
            "invitation.create",
            "invitation.resend",
            "invitation.create",
            "invitation.revoke"
        ]
    );
}

#[tokio::test]
async fn the_audit_log_filters_pages_and_exports_only_the_callers_organization() {
    let app = spawn_app().await;
    let alice = app.sign_in("alice@acme.example", ACME).await;
    let grace = app.sign_in("grace@globex.example", GLOBEX).await;
    let bob = user_id(&app, "bob@acme.example");
    for _ in 0..30 {
        app.call(
            &alice,
            "members/role",
            json!({"org_id": ACME, "user_id": bob, "role_id": BILLING, "on": true}),
        )
        .await;
        app.call(
            &alice,
            "members/role",
            json!({"org_id": ACME, "user_id": bob, "role_id": BILLING, "on": false}),
        )
        .await;
    }
    let (_, _) = invite(&app, &grace, GLOBEX, "zed@globex.example", &[MEMBER], 7).await;

    let read = |form: Vec<(&'static str, String)>| {
        let app = &app;
        let alice = &alice;
        async move {
            let mut f = vec![("org_id", ACME.to_string())];
            f.extend(form);
            let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.read(alice, "audit/list", &f).await
        }
    };
    let blank = || {
        vec![
            ("action", String::new()),
            ("actor", String::new()),
            ("since", String::new()),
            ("until", String::new()),
        ]
    };
    let (s, first) = read(blank()).await;
    assert_eq!(s, 200, "{first}");
    let entries = first["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 50);
    assert!(
        entries
            .iter()
            .all(|e| !e.to_string().contains("zed@globex")),
        "only Acme's events"
    );
    let before = first["next_before"].as_i64().unwrap();
    let mut f = blank();
    f.push(("before", before.to_string()));
    let (_, second) = read(f).await;
    let older = second["entries"].as_array().unwrap();
    assert!(!older.is_empty());
    assert!(older.iter().all(|e| e["id"].as_i64().unwrap() < before));

    let mut f = blank();
    f[0].1 = "member".into();
    let (_, members) = read(f).await;
    assert!(members["entries"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["action"].as_str().unwrap().starts_with("member.")));
    let mut f = blank();
    f[0].1 = "session".into();
    f[1].1 = "ALICE@".into();
    let (_, sessions) = read(f).await;
    let list = sessions["entries"].as_array().unwrap();
    assert_eq!(list.len(), 1, "{sessions}");
    assert_eq!(list[0]["action"], "session.sign_in");
    let mut f = blank();
    f[3].1 = "2001-01-01".into();
    let (_, none) = read(f).await;
    assert!(none["entries"].as_array().unwrap().is_empty());
    let mut f = blank();
    f[2].1 = "last week".into();
    let (s, _) = read(f).await;
    assert_eq!(s, 400);

    // Another organization's log, through the page's server function: not found.
    let (s, _) = app
        .read(
            &grace,
            "audit/list",
            &[
                ("org_id", ACME),
                ("action", ""),
                ("actor", ""),
                ("since", ""),
                ("until", ""),
            ],
        )
        .await;
    assert_eq!(s, 404);

    // CSV: every matching record, with a header; only for the organization's admins.
    let csv = alice
        .get(app.url(&format!("/orgs/{ACME}/audit.csv?action=member")))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 200);
    assert!(csv.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    assert!(csv.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("attachment"));
    let body = csv.text().await.unwrap();
    let lines: Vec<&str> = body.lines().collect();
    assert!(lines[0].starts_with("\"time\",\"organization\",\"actor\""));
    assert_eq!(lines.len(), 61, "60 role changes and the header");
    let other = alice
        .get(app.url(&format!("/orgs/{GLOBEX}/audit.csv")))
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 404);
    let nobody = app
        .browser()
        .get(app.url(&format!("/orgs/{ACME}/audit.csv")))
        .send()
        .await
        .unwrap();
    assert_eq!(nobody.status(), 401);
}
