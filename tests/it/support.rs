//! The vendor support console: who gets it, what it shows, the reports (open grants, grants per API,
//! idle bots, drift), CSV exports, that support can change nothing, and that viewing is audited.

use reqwest::Method;
use serde_json::json;

use crate::helpers::spawn_app;
use crate::members::{tenant_admin, user_id, BILLING};
use crate::tenant::{ACME, API, GLOBEX};

const SUPPORT_ORG: &str = "org_travel0Support01";

#[tokio::test]
async fn support_staff_read_everything_change_nothing_and_are_audited() {
    let app = spawn_app().await;
    let tenant = tenant_admin(&app).await;
    let alice = app.sign_in("alice@acme.example", ACME).await;
    let booker = app.register_bot(&alice, ACME, "booker").await;
    let idle = app.register_bot(&alice, ACME, "idle one").await;
    // booker gets a token; "idle one" never does.
    let (s, _) = tenant
        .client_token(
            booker["client_id"].as_str().unwrap(),
            booker["client_secret"].as_str().unwrap(),
            API,
            Some(ACME),
        )
        .await;
    assert_eq!(s, 200);
    // Someone widens booker's grant outside orgdesk, and opens another client to any organization.
    let (_, grants) = tenant
        .get(&format!(
            "client-grants?client_id={}",
            booker["client_id"].as_str().unwrap()
        ))
        .await;
    let grant_id = grants[0]["id"].as_str().unwrap().to_string();
    let (s, _) = tenant
        .mgmt(
            Method::PATCH,
            &format!("client-grants/{grant_id}"),
            Some(json!({"scope": ["read:bookings", "write:bookings"]})),
        )
        .await;
    assert_eq!(s, 200);
    let open = tenant.bot("allow", true).await;

    let sam = app.browser();
    let done = app
        .sign_in_with(&sam, "sam@travel0.example", Some(SUPPORT_ORG))
        .await;
    assert_eq!(done.status(), 303);
    assert_eq!(done.headers()["location"], "/support");
    let (s, me) = app.read(&sam, "me", &[]).await;
    assert_eq!((s, me["role"].as_str()), (200, Some("support")));

    let (s, orgs) = app.read(&sam, "support/orgs", &[("q", "acme")]).await;
    assert_eq!(s, 200, "{orgs}");
    assert_eq!(orgs.as_array().unwrap().len(), 1);
    assert_eq!(orgs[0]["id"], ACME);
    let (_, all) = app.read(&sam, "support/orgs", &[("q", "")]).await;
    assert!(all.as_array().unwrap().len() >= 4);

    let (s, d) = app.read(&sam, "support/org", &[("org_id", ACME)]).await;
    assert_eq!(s, 200, "{d}");
    assert!(d["next_members"].is_null(), "three members fit one page");
    assert_eq!(d["bots"].as_array().unwrap().len(), 2);
    assert!(d["grants"]
        .as_array()
        .unwrap()
        .iter()
        .any(|g| g["client_id"] == booker["client_id"] && g["owner_org"] == ACME));
    assert!(d["members"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["email"] == "alice@acme.example" && !m["roles"].as_array().unwrap().is_empty()));
    assert!(d["events"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["action"] == "bot.register"));
    let (s, _) = app
        .read(&sam, "support/org", &[("org_id", "org_doesNotExist0001")])
        .await;
    assert_eq!(s, 404);
    // A bad page link is refused before any read reaches Auth0.
    let before = app.mgmt_calls();
    let (s, bad) = app
        .read(
            &sam,
            "support/org",
            &[("org_id", ACME), ("from", "not a cursor!")],
        )
        .await;
    assert_eq!(s, 400, "{bad}");
    assert_eq!(app.mgmt_calls(), before);

    let (_, open_grants) = app.read(&sam, "support/reports/open-grants", &[]).await;
    assert!(open_grants
        .as_array()
        .unwrap()
        .iter()
        .any(|g| g["client_id"] == open.client_id.as_str() && g["allow_any_organization"] == true));
    assert!(open_grants
        .as_array()
        .unwrap()
        .iter()
        .all(|g| g["allow_any_organization"] == true));
    let (_, per_api) = app.read(&sam, "support/reports/grants-per-api", &[]).await;
    let line = per_api
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["audience"] == API)
        .unwrap()
        .clone();
    assert!(
        line["require"].as_u64().unwrap() >= 2 && line["open_to_any_org"].as_u64().unwrap() >= 1,
        "{line}"
    );
    let (_, idle_bots) = app
        .read(&sam, "support/reports/idle-bots", &[("days", "30")])
        .await;
    let idle_ids: Vec<&str> = idle_bots
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["client_id"].as_str().unwrap())
        .collect();
    assert_eq!(idle_ids, [idle["client_id"].as_str().unwrap()]);
    let (s, _) = app
        .read(&sam, "support/reports/idle-bots", &[("days", "0")])
        .await;
    assert_eq!(s, 400);
    let (_, drift) = app.read(&sam, "support/reports/drift", &[]).await;
    let problems: Vec<&str> = drift
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["problem"].as_str().unwrap())
        .collect();
    assert_eq!(problems.len(), 1, "{drift}");
    assert!(
        problems[0].contains("scopes") && problems[0].contains("write:bookings"),
        "{problems:?}"
    );

    let csv = sam
        .get(app.url("/support/reports/drift.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 200);
    let body = csv.text().await.unwrap();
    assert!(body.starts_with("\"bot\",\"client_id\",\"organization\",\"problem\""));
    assert!(body.contains("booker"));
    let csv = sam
        .get(app.url(&format!("/support/orgs/{ACME}/audit.csv")))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 200);
    assert!(csv.text().await.unwrap().contains("bot.register"));
    let nope = sam
        .get(app.url("/support/reports/secrets.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(nope.status(), 404);

    // Support cannot change anything, in any organization (enforced on the server).
    let bob = user_id(&app, "bob@acme.example");
    let attempts = [
        (
            "members/role",
            json!({"org_id": ACME, "user_id": bob, "role_id": BILLING, "on": true}),
        ),
        ("members/remove", json!({"org_id": ACME, "user_id": bob})),
        (
            "invitations/create",
            json!({"org_id": ACME, "email": "x@acme.example", "roles": [BILLING], "days": 7}),
        ),
        (
            "bots/delete",
            json!({"org_id": ACME, "client_id": booker["client_id"]}),
        ),
        (
            "bots/register",
            json!({"org_id": ACME, "name": "sneaky", "description": "", "audience": API, "scopes": ["read:bookings"], "idempotency_key": "k1"}),
        ),
        (
            "members/role",
            json!({"org_id": SUPPORT_ORG, "user_id": bob, "role_id": BILLING, "on": true}),
        ),
    ];
    for (endpoint, body) in attempts {
        let (s, answer) = app.call(&sam, endpoint, body).await;
        assert!(s == 403 || s == 404, "{endpoint}: {s} {answer}");
    }
    let (_, bots) = app.read(&alice, "bots/list", &[("org_id", ACME)]).await;
    assert_eq!(bots.as_array().unwrap().len(), 2);

    // Admins do not get the console.
    let (s, _) = app.read(&alice, "support/orgs", &[("q", "")]).await;
    assert_eq!(s, 403);
    let (s, _) = app.read(&alice, "support/reports/drift", &[]).await;
    assert_eq!(s, 403);
    let csv = alice
        .get(app.url("/support/reports/drift.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 403);

    // What support looked at is in the audit log: Acme's views in Acme's log, reports tenant-wide.
    let db = &app.running.state.db;
    let sam_id = user_id(&app, "sam@travel0.example");
    let in_acme: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE org_id = ? AND action = 'support.view' AND actor_id = ?")
        .bind(ACME)
        .bind(&sam_id)
        .fetch_one(db)
        .await
        .unwrap();
    assert_eq!(in_acme, 2, "the dossier and the CSV export");
    let tenant_wide: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_events WHERE org_id IS NULL AND action = 'support.view'",
    )
    .fetch_one(db)
    .await
    .unwrap();
    assert_eq!(
        tenant_wide, 7,
        "two searches, four reports, one report export"
    );
    let (_, log) = app
        .read(
            &alice,
            "audit/list",
            &[
                ("org_id", ACME),
                ("action", "support"),
                ("actor", ""),
                ("since", ""),
                ("until", ""),
            ],
        )
        .await;
    assert_eq!(log["entries"].as_array().unwrap().len(), 2);
    let _ = GLOBEX;
}

#[tokio::test]
async fn support_staff_whose_role_is_taken_away_lose_the_console() {
    let app = spawn_app().await;
    let tenant = tenant_admin(&app).await;
    let sam = app.browser();
    let done = app
        .sign_in_with(&sam, "sam@travel0.example", Some(SUPPORT_ORG))
        .await;
    assert_eq!(done.status(), 303);
    let (s, _) = app.read(&sam, "support/orgs", &[("q", "acme")]).await;
    assert_eq!(s, 200);
    let before = app.mgmt_calls();
    let (s, _) = app.read(&sam, "support/orgs", &[("q", "acme")]).await;
    assert_eq!(s, 200);
    assert_eq!(
        app.mgmt_calls(),
        before,
        "role and organizations read moments ago"
    );

    let sam_id = user_id(&app, "sam@travel0.example").replace('|', "%7C");
    let (_, roles) = tenant
        .get(&format!(
            "organizations/{SUPPORT_ORG}/members/{sam_id}/roles"
        ))
        .await;
    let role = roles[0]["id"].as_str().unwrap().to_string();
    let (s, _) = tenant
        .mgmt(
            Method::DELETE,
            &format!("organizations/{SUPPORT_ORG}/members/{sam_id}/roles"),
            Some(json!({ "roles": [role] })),
        )
        .await;
    assert_eq!(s, 204);
    // The role read lives 30 s; this stands in for its end.
    orgdesk::server::cache::bump(
        &app.running.state.db,
        &[&orgdesk::server::cache::roles_scope(SUPPORT_ORG)],
    )
    .await;
    let (s, err) = app.read(&sam, "support/orgs", &[("q", "acme")]).await;
    assert_eq!(s, 403, "{err}");
}

#[tokio::test]
async fn every_report_the_console_links_to_downloads_as_csv() {
    use orgdesk::model::support::ReportKind;
    let app = spawn_app().await;
    let alice = app.sign_in("alice@acme.example", ACME).await;
    let bot = app.register_bot(&alice, ACME, "Published bot").await;
    let (s, _) = app
        .call(
            &alice,
            "apps/publish",
            json!({"org_id": ACME, "client_id": bot["client_id"], "description": "Books trips for agencies",
                "audience": API, "scopes": ["read:bookings"]}),
        )
        .await;
    assert_eq!(s, 200);
    let sam = app.browser();
    let done = app
        .sign_in_with(&sam, "sam@travel0.example", Some(SUPPORT_ORG))
        .await;
    assert_eq!(done.status(), 303);
    for kind in ReportKind::ALL {
        let href = kind.csv_href(30);
        let page = app
            .page_html(&sam, &format!("/support?report={}", kind.slug()))
            .await;
        assert!(
            page.contains(&href.replace('&', "&amp;")) || page.contains(&href),
            "the {} page links to {href}",
            kind.slug()
        );
        let csv = sam.get(app.url(&href)).send().await.unwrap();
        assert_eq!(csv.status(), 200, "{href}");
        assert!(csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv"));
        let body = csv.text().await.unwrap();
        assert!(body.lines().count() >= 1, "{href}: a header row at least");
        if kind == ReportKind::Apps {
            assert!(
                body.contains("Published bot") && body.contains("Acme Travel"),
                "{body}"
            );
        }
    }
}
