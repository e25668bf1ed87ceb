//! Access reviews: a snapshot of every bot (owner, APIs, scopes, last token) and every admin, each
//! kept or removed by a reviewer — removing takes the access away at Auth0 — stored, exported as CSV,
//! shown to support staff; started by an admin or every N days by the policy, flagged past the
//! deadline. Never across organizations.

use orgdesk::clock::ManualClock;
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{spawn_app_config, TestApp};
use crate::tenant::TenantApi;

const ACME: &str = "org_acmeTravel000001";
const GLOBEX: &str = "org_globexTours00001";
const INITECH: &str = "org_initechTrips0001";
const SUPPORT: &str = "org_travel0Support01";

async fn app(clock: &ManualClock) -> TestApp {
    let clock = clock.clone();
    spawn_app_config(move |c| {
        c.clock = std::sync::Arc::new(clock);
        c.session_idle_timeout = std::time::Duration::from_secs(90 * 86_400);
        c.session_absolute_timeout = std::time::Duration::from_secs(90 * 86_400);
    })
    .await
}

async fn tenant(app: &TestApp) -> TenantApi {
    let mut t = TenantApi::attach(&app.running.local_tenant.as_ref().unwrap().base_url).await;
    t.mgmt_token = t.admin_token().await;
    t
}

async fn page(app: &TestApp, who: &reqwest::Client, org: &str, id: Option<&str>) -> (u16, Value) {
    let mut args = json!({"org_id": org});
    if let Some(id) = id {
        args["id"] = json!(id);
    }
    app.call(who, "reviews/page", args).await
}

fn decide(review: &str, item: &Value, keep: bool, note: &str) -> Value {
    json!({"org_id": ACME, "review_id": review, "kind": item["kind"], "subject_id": item["subject_id"],
        "keep": keep, "note": note})
}

fn item<'a>(page: &'a Value, label: &str) -> &'a Value {
    page["shown"][1]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == label)
        .unwrap_or_else(|| panic!("no item {label} in {page}"))
}

async fn start_due(app: &TestApp) -> usize {
    orgdesk::server::service::access_reviews::start_due(&app.running.state.ctx(None))
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn every_bot_and_admin_is_kept_or_removed_and_removing_takes_the_access_away() {
    let clock = ManualClock::stopped_now();
    let app = app(&clock).await;
    let t = tenant(&app).await;
    let alice = app.sign_in("alice@acme.example", ACME).await;
    let carol = app.sign_in("carol@consult.example", ACME).await;
    let payroll = app.register_bot(&alice, ACME, "Payroll sync").await;
    let old = app.register_bot(&alice, ACME, "Old export").await;
    let old_id = old["client_id"].as_str().unwrap().to_string();

    for days in [0, 91] {
        let (status, body) = app
            .call(
                &alice,
                "reviews/start",
                json!({"org_id": ACME, "days": days}),
            )
            .await;
        assert_eq!(status, 400, "{days} days: {body}");
    }
    let (status, id) = app
        .call(&alice, "reviews/start", json!({"org_id": ACME, "days": 14}))
        .await;
    assert_eq!(status, 200, "{id}");
    let id = id.as_str().unwrap().to_string();
    let (status, body) = app
        .call(&carol, "reviews/start", json!({"org_id": ACME, "days": 14}))
        .await;
    assert_eq!(status, 409, "one open review at a time: {body}");

    let (status, p) = page(&app, &alice, ACME, None).await;
    assert_eq!(status, 200, "{p}");
    assert_eq!(p["shown"][0]["id"], id.as_str());
    assert_eq!(p["shown"][0]["state"], "open");
    assert_eq!(p["shown"][0]["items"], 4, "two bots and two admins: {p}");
    let bot = item(&p, "Payroll sync");
    assert_eq!(bot["owner"], "alice@acme.example");
    assert_eq!(bot["subject_id"], payroll["client_id"]);
    assert_eq!(
        bot["access"],
        json!(["https://api.travel0.example/: read:bookings"])
    );
    assert!(bot["last_used"].is_null(), "no token seen yet");
    let me = item(&p, "alice@acme.example");
    assert_eq!(me["mine"], true);
    assert!(
        p["shown"][1]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["label"] != "bob@acme.example"),
        "members without the admin role are not reviewed"
    );

    // Alice's own admin role is Carol's to review.
    let (status, body) = app
        .call(&alice, "reviews/decide", decide(&id, me, true, ""))
        .await;
    assert_eq!(status, 409, "{body}");
    let (status, body) = app
        .call(
            &alice,
            "reviews/decide",
            decide(&id, bot, true, "runs payroll nightly"),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, _) = app
        .call(&carol, "reviews/decide", decide(&id, bot, false, ""))
        .await;
    assert_eq!(status, 409, "decided once");

    // Removing a bot takes all its API access away at Auth0; the bot stays registered.
    let old_item = item(&p, "Old export").clone();
    let (status, body) = app
        .call(
            &carol,
            "reviews/decide",
            decide(&id, &old_item, false, "unused"),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (_, grants) = t
        .mgmt(
            Method::GET,
            &format!("client-grants?client_id={old_id}"),
            None,
        )
        .await;
    assert_eq!(grants, json!([]), "no grant left");
    let (status, _) = t
        .mgmt(Method::GET, &format!("clients/{old_id}"), None)
        .await;
    assert_eq!(status, 200, "the bot is still registered");

    // Carol keeps Alice; Alice removes Carol's admin role, at Auth0.
    let (status, body) = app
        .call(&carol, "reviews/decide", decide(&id, me, true, ""))
        .await;
    assert_eq!(status, 200, "{body}");
    let carol_item = item(&p, "carol@consult.example").clone();
    let (status, body) = app
        .call(
            &alice,
            "reviews/decide",
            decide(&id, &carol_item, false, "consultant left"),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let carol_id = carol_item["subject_id"].as_str().unwrap();
    let (_, roles) = t
        .mgmt(
            Method::GET,
            &format!("organizations/{ACME}/members/{carol_id}/roles"),
            None,
        )
        .await;
    assert!(
        roles
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["name"] != "admin"),
        "{roles}"
    );

    let (_, p) = page(&app, &alice, ACME, Some(&id)).await;
    assert_eq!(p["shown"][0]["state"], "done", "{p}");
    assert_eq!(p["shown"][0]["removed"], 2);
    assert_eq!(item(&p, "Payroll sync")["decision"], "keep");
    assert_eq!(item(&p, "Payroll sync")["note"], "runs payroll nightly");
    assert_eq!(item(&p, "Old export")["decider"], "carol@consult.example");
    let (status, _) = app
        .call(&alice, "reviews/decide", decide(&id, bot, false, ""))
        .await;
    assert_eq!(status, 409, "a finished review takes no decision");

    // The CSV: every item with its decision, for the organization only.
    let r = alice
        .get(app.url(&format!("/orgs/{ACME}/reviews/{id}.csv")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment; filename=\"orgdesk-access-review-org_acmeTravel000001-"));
    let csv = r.text().await.unwrap();
    assert!(csv.starts_with("\"organization\",\"review\""), "{csv}");
    assert_eq!(csv.lines().count(), 5, "{csv}");
    assert!(
        csv.contains("\"Old export\"") && csv.contains("\"remove\"") && csv.contains("\"unused\"")
    );

    // Support staff see it, with its items in the report's CSV.
    let sam = app.sign_in("sam@travel0.example", SUPPORT).await;
    let (status, list) = app.read(&sam, "support/reports/access-reviews", &[]).await;
    assert_eq!(status, 200, "{list}");
    assert!(list
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["org_id"] == ACME && r["state"] == "done"));
    let r = sam
        .get(app.url("/support/reports/access-reviews.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("\"consultant left\""));

    // Everything is in the audit log, and a new review may start.
    let (_, log) = app
        .read(
            &alice,
            "audit/list",
            &[
                ("org_id", ACME),
                ("action", "review"),
                ("actor", ""),
                ("since", ""),
                ("until", ""),
            ],
        )
        .await;
    let actions: Vec<&str> = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions.iter().filter(|a| **a == "review.decide").count(),
        4,
        "{log}"
    );
    assert!(actions.contains(&"review.start"));
    let (status, _) = app
        .call(&alice, "reviews/start", json!({"org_id": ACME, "days": 7}))
        .await;
    assert_eq!(status, 200);
}

#[tokio::test(flavor = "multi_thread")]
async fn another_organization_reaches_no_review_and_bad_input_changes_nothing() {
    let clock = ManualClock::stopped_now();
    let app = app(&clock).await;
    let alice = app.sign_in("alice@acme.example", ACME).await;
    let grace = app.sign_in("grace@globex.example", GLOBEX).await;
    app.register_bot(&alice, ACME, "Acme bot").await;
    let (_, id) = app
        .call(&alice, "reviews/start", json!({"org_id": ACME, "days": 14}))
        .await;
    let id = id.as_str().unwrap().to_string();
    let (_, p) = page(&app, &alice, ACME, None).await;
    let bot = item(&p, "Acme bot").clone();

    // Grace, an admin of Globex: Acme's review by its id, through her own organization or Acme's.
    let (status, _) = page(&app, &grace, GLOBEX, Some(&id)).await;
    assert_eq!(status, 404);
    let (status, _) = page(&app, &grace, ACME, Some(&id)).await;
    assert_eq!(status, 404);
    let mut other = decide(&id, &bot, false, "");
    other["org_id"] = json!(GLOBEX);
    let (status, _) = app.call(&grace, "reviews/decide", other).await;
    assert_eq!(status, 404);
    let (status, _) = app
        .call(&grace, "reviews/decide", decide(&id, &bot, false, ""))
        .await;
    assert_eq!(status, 404);
    for path in [
        format!("/orgs/{ACME}/reviews/{id}.csv"),
        format!("/orgs/{GLOBEX}/reviews/{id}.csv"),
    ] {
        let r = grace.get(app.url(&path)).send().await.unwrap();
        assert_eq!(r.status(), 404, "{path}");
    }
    let (status, _) = app
        .call(
            &alice,
            "reviews/start",
            json!({"org_id": GLOBEX, "days": 14}),
        )
        .await;
    assert_eq!(status, 404, "Alice starts no review of Globex");
    let (status, _) = app
        .read(&alice, "support/reports/access-reviews", &[])
        .await;
    assert_eq!(status, 403, "an admin is not support staff");
    let stranger = app.browser();
    let r = stranger
        .get(app.url(&format!("/orgs/{ACME}/reviews/{id}.csv")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);

    // Bad input: a clear 400, nothing decided.
    let mut bad = decide(&id, &bot, true, &"x".repeat(501));
    let (status, _) = app.call(&alice, "reviews/decide", bad.clone()).await;
    assert_eq!(status, 400);
    bad["note"] = json!("");
    bad["kind"] = json!("robot");
    let (status, _) = app.call(&alice, "reviews/decide", bad.clone()).await;
    assert_eq!(status, 400);
    bad["kind"] = json!("bot");
    bad["subject_id"] = json!("not-in-the-review");
    let (status, _) = app.call(&alice, "reviews/decide", bad).await;
    assert_eq!(status, 404);
    let (_, p) = page(&app, &alice, ACME, None).await;
    assert_eq!(p["shown"][0]["undecided"], p["shown"][0]["items"], "{p}");
    let (status, _) = app
        .call(
            &alice,
            "organization/policy",
            json!({"org_id": ACME, "max_age_days": 0, "warn_days": 0, "review_every_days": 731, "revoke_at_expiry": false}),
        )
        .await;
    assert_eq!(status, 400);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_policy_starts_a_review_every_n_days_and_an_undecided_one_is_overdue() {
    let clock = ManualClock::stopped_now();
    let app = app(&clock).await;
    let alice = app.sign_in("alice@acme.example", ACME).await;
    app.register_bot(&alice, ACME, "Nightly").await;
    let (status, body) = app
        .call(
            &alice,
            "organization/policy",
            json!({"org_id": ACME, "max_age_days": 0, "warn_days": 0, "review_every_days": 30, "revoke_at_expiry": false}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (_, read) = app
        .read(&alice, "organization/policy-get", &[("org_id", ACME)])
        .await;
    assert_eq!(read["review_every_days"], 30, "{read}");

    assert_eq!(
        start_due(&app).await,
        1,
        "Acme's first review; no other organization has a policy"
    );
    assert_eq!(start_due(&app).await, 0, "one open review at a time");
    let (_, p) = page(&app, &alice, ACME, None).await;
    assert_eq!(p["every_days"], 30);
    assert_eq!(p["shown"][0]["started_by"], "the credential policy");
    assert_eq!(p["shown"][0]["state"], "open");
    let id = p["shown"][0]["id"].as_str().unwrap().to_string();

    // Due in 14 days: past that, undecided, it is overdue — on the overview and for support.
    clock.advance_secs(15 * 86_400);
    let (_, p) = page(&app, &alice, ACME, None).await;
    assert_eq!(p["shown"][0]["state"], "overdue", "{p}");
    let alice = app.sign_in("alice@acme.example", ACME).await;
    let html = app.page_html(&alice, &format!("/orgs/{ACME}")).await;
    assert!(
        html.contains("data-testid=\"review-attention\" data-state=\"overdue\""),
        "{html}"
    );
    let sam = app.sign_in("sam@travel0.example", SUPPORT).await;
    let (_, list) = app.read(&sam, "support/reports/access-reviews", &[]).await;
    assert_eq!(list[0]["state"], "overdue", "{list}");

    // Decided late, it is done; 30 days after it started the policy starts the next.
    let carol = app.sign_in("carol@consult.example", ACME).await;
    for (label, by) in [
        ("Nightly", &alice),
        ("alice@acme.example", &carol),
        ("carol@consult.example", &alice),
    ] {
        let it = item(&p, label);
        let (status, body) = app
            .call(by, "reviews/decide", decide(&id, it, true, ""))
            .await;
        assert_eq!(status, 200, "{label}: {body}");
    }
    assert_eq!(start_due(&app).await, 0, "not 30 days yet");
    clock.advance_secs(15 * 86_400);
    assert_eq!(start_due(&app).await, 1);
    let (_, p) = page(&app, &alice, ACME, None).await;
    assert_eq!(p["reviews"].as_array().unwrap().len(), 2);
    assert_eq!(p["reviews"][1]["state"], "done");
    let ivan = app.sign_in("ivan@initech.example", INITECH).await;
    let (_, p) = page(&app, &ivan, INITECH, None).await;
    assert_eq!(p["reviews"], json!([]), "no policy, no review");
    assert!(p["shown"].is_null());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_removal_auth0_refuses_is_not_recorded_and_can_be_tried_again() {
    let clock = ManualClock::stopped_now();
    let app = app(&clock).await;
    let t = tenant(&app).await;
    let alice = app.sign_in("alice@acme.example", ACME).await;
    let bot = app.register_bot(&alice, ACME, "Flaky").await;
    let client_id = bot["client_id"].as_str().unwrap().to_string();
    let (_, id) = app
        .call(&alice, "reviews/start", json!({"org_id": ACME, "days": 14}))
        .await;
    let id = id.as_str().unwrap().to_string();
    let (_, p) = page(&app, &alice, ACME, None).await;
    let it = item(&p, "Flaky").clone();

    let rule = json!({"route": "DELETE /api/v2/client-grants/*", "kind": "status", "status": 500, "count": 20});
    let r = t
        .http
        .post(t.url("/__emulator/faults"))
        .json(&rule)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let (status, body) = app
        .call(&alice, "reviews/decide", decide(&id, &it, false, ""))
        .await;
    t.http
        .delete(t.url("/__emulator/faults"))
        .send()
        .await
        .unwrap();
    assert!(status >= 500, "{status} {body}");
    let (_, p) = page(&app, &alice, ACME, None).await;
    assert!(
        item(&p, "Flaky")["decision"].is_null(),
        "not recorded as removed: {p}"
    );

    let (status, body) = app
        .call(&alice, "reviews/decide", decide(&id, &it, false, ""))
        .await;
    assert_eq!(status, 200, "{body}");
    let (_, grants) = t
        .mgmt(
            Method::GET,
            &format!("client-grants?client_id={client_id}"),
            None,
        )
        .await;
    assert_eq!(grants, json!([]));
}
