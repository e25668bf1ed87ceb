//! Four-eyes approval: the vendor marks `write:bookings` sensitive; an admin asking for it files a
//! request that another admin approves (the grant made with the approver's permit and recent
//! sign-in) or rejects with a reason — never the requester, never another organization, never past
//! its deadline; an organization with one admin follows the vendor's fallback.

use orgdesk::clock::ManualClock;
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{spawn_app_config, TestApp};
use crate::tenant::TenantApi;

const ACME: &str = "org_acmeTravel000001";
const INITECH: &str = "org_initechTrips0001";
const API: &str = "https://api.travel0.example/";

async fn app(clock: &ManualClock, fallback: &str) -> TestApp {
    let clock = clock.clone();
    let fallback = fallback.to_string();
    spawn_app_config(move |c| {
        c.clock = std::sync::Arc::new(clock);
        // Days pass on the manual clock; new sessions are started within them.
        c.session_idle_timeout = std::time::Duration::from_secs(30 * 86_400);
        c.session_absolute_timeout = std::time::Duration::from_secs(30 * 86_400);
        c.identity.approvals.sensitive = vec!["write:bookings".into()];
        c.identity.approvals.fallback = match fallback.as_str() {
            "wait" => orgdesk::server::identity::ApprovalFallback::Wait,
            _ => orgdesk::server::identity::ApprovalFallback::Allow,
        };
    })
    .await
}

async fn tenant(app: &TestApp) -> TenantApi {
    let mut t = TenantApi::attach(&app.running.local_tenant.as_ref().unwrap().base_url).await;
    t.mgmt_token = t.admin_token().await;
    t
}

/// The scopes the bot's grant for the API holds at Auth0.
async fn granted(t: &TenantApi, client_id: &str) -> Vec<String> {
    let (_, grants) = t
        .mgmt(
            Method::GET,
            &format!("client-grants?client_id={client_id}"),
            None,
        )
        .await;
    let mut scopes: Vec<String> = grants[0]["scope"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect();
    scopes.sort();
    scopes
}

fn scopes(org: &str, client_id: &str, list: &[&str]) -> Value {
    json!({"org_id": org, "client_id": client_id, "audience": API, "scopes": list})
}

async fn requests(app: &TestApp, who: &reqwest::Client, org: &str) -> Vec<Value> {
    let (status, list) = app.read(who, "approvals/list", &[("org_id", org)]).await;
    assert_eq!(status, 200, "{list}");
    list.as_array().cloned().unwrap()
}

fn decide(org: &str, id: &Value, approve: bool, reason: &str) -> Value {
    json!({"org_id": org, "id": id, "approve": approve, "reason": reason})
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sensitive_scope_waits_for_another_admin_who_approves_or_rejects_it() {
    let clock = ManualClock::stopped_now();
    let app = app(&clock, "allow").await;
    let t = tenant(&app).await;
    let alice = app.sign_in("alice@acme.example", ACME).await;
    let bot = app.register_bot(&alice, ACME, "Bookings writer").await;
    let id = bot["client_id"].as_str().unwrap().to_string();

    // Not at registration: the bot is registered without it first.
    let (status, answer) = app
        .call(
            &alice,
            "bots/register",
            json!({"org_id": ACME, "name": "Direct", "description": "", "audience": API,
            "scopes": ["write:bookings"], "idempotency_key": uuid::Uuid::new_v4().to_string()}),
        )
        .await;
    assert_eq!(status, 400, "{answer}");
    assert!(answer["message"].as_str().unwrap().contains("approval"));

    // Asked for: it waits; nothing changes at Auth0.
    let (status, answer) = app
        .call(
            &alice,
            "bots/scopes",
            scopes(ACME, &id, &["read:bookings", "write:bookings"]),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["Pending"]["sensitive"], json!(["write:bookings"]));
    assert_eq!(granted(&t, &id).await, ["read:bookings"]);
    let (status, _) = app
        .call(
            &alice,
            "bots/scopes",
            scopes(ACME, &id, &["read:bookings", "write:bookings"]),
        )
        .await;
    assert_eq!(status, 409, "one request at a time for a bot's API");
    let list = requests(&app, &alice, ACME).await;
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["state"], "pending");
    assert_eq!(list[0]["mine"], true);
    let request = list[0]["id"].clone();

    // Not by the requester; not from another organization.
    let (status, answer) = app
        .call(&alice, "approvals/decide", decide(ACME, &request, true, ""))
        .await;
    assert_eq!(status, 409, "{answer}");
    let grace = app
        .sign_in("grace@globex.example", "org_globexTours00001")
        .await;
    let (status, _) = app
        .call(
            &grace,
            "approvals/decide",
            decide("org_globexTours00001", &request, true, ""),
        )
        .await;
    assert_eq!(status, 404);
    let (status, _) = app
        .call(&grace, "approvals/decide", decide(ACME, &request, true, ""))
        .await;
    assert_eq!(status, 404);
    assert_eq!(granted(&t, &id).await, ["read:bookings"]);

    // Carol, another admin: a rejection needs a reason, and the requester sees it.
    let carol = app.sign_in("carol@consult.example", ACME).await;
    let (status, _) = app
        .call(
            &carol,
            "approvals/decide",
            decide(ACME, &request, false, " "),
        )
        .await;
    assert_eq!(status, 400);
    let (status, _) = app
        .call(
            &carol,
            "approvals/decide",
            decide(ACME, &request, false, "Use the reporting bot"),
        )
        .await;
    assert_eq!(status, 200);
    let list = requests(&app, &alice, ACME).await;
    assert_eq!(list[0]["state"], "rejected");
    assert_eq!(list[0]["reason"], "Use the reporting bot");
    assert_eq!(list[0]["decider"], "carol@consult.example");
    assert_eq!(granted(&t, &id).await, ["read:bookings"]);
    let (status, _) = app
        .call(&carol, "approvals/decide", decide(ACME, &request, true, ""))
        .await;
    assert_eq!(status, 409, "decided once");

    // Asked again and approved: granted with Carol's permit.
    let (status, _) = app
        .call(
            &alice,
            "bots/scopes",
            scopes(ACME, &id, &["read:bookings", "write:bookings"]),
        )
        .await;
    assert_eq!(status, 200);
    let request = requests(&app, &alice, ACME)
        .await
        .into_iter()
        .find(|r| r["state"] == "pending")
        .unwrap()["id"]
        .clone();
    // The approver's own sign-in must be recent: granting access is sensitive.
    clock.advance_secs(11 * 60);
    let (status, answer) = app
        .call(&carol, "approvals/decide", decide(ACME, &request, true, ""))
        .await;
    assert_eq!(status, 401, "{answer}");
    let pending = requests(&app, &alice, ACME).await;
    assert!(pending
        .iter()
        .any(|r| r["id"] == request && r["state"] == "pending"));
    let carol = app.sign_in("carol@consult.example", ACME).await;
    let (status, answer) = app
        .call(
            &carol,
            "approvals/decide",
            decide(ACME, &request, true, "Needed for bookings sync"),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(granted(&t, &id).await, ["read:bookings", "write:bookings"]);
    let decided = requests(&app, &alice, ACME).await;
    assert!(decided
        .iter()
        .any(|r| r["id"] == request && r["state"] == "approved"));
    // Taking it away again needs nobody's approval.
    let (status, answer) = app
        .call(&alice, "bots/scopes", scopes(ACME, &id, &["read:bookings"]))
        .await;
    assert_eq!(status, 200);
    assert_eq!(answer, "Done");

    let filters = [
        ("org_id", ACME),
        ("action", ""),
        ("actor", ""),
        ("since", ""),
        ("until", ""),
    ];
    let (_, log) = app.read(&alice, "audit/list", &filters).await;
    let text = log.to_string();
    for action in ["approval.request", "approval.decide"] {
        assert!(text.contains(action), "{action} in {text}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_request_expires_and_a_lone_admin_follows_the_vendors_fallback() {
    let clock = ManualClock::stopped_now();
    let app = app(&clock, "allow").await;
    let alice = app.sign_in("alice@acme.example", ACME).await;
    let bot = app.register_bot(&alice, ACME, "Slow approval").await;
    let id = bot["client_id"].as_str().unwrap().to_string();
    let both = scopes(ACME, &id, &["read:bookings", "write:bookings"]);
    let (status, _) = app.call(&alice, "bots/scopes", both).await;
    assert_eq!(status, 200);
    let request = requests(&app, &alice, ACME).await[0]["id"].clone();
    clock.advance_secs(7 * 86_400 + 60);
    let t = tenant(&app).await;
    let carol = app.sign_in("carol@consult.example", ACME).await;
    let (status, answer) = app
        .call(&carol, "approvals/decide", decide(ACME, &request, true, ""))
        .await;
    assert_eq!(status, 409, "{answer}");
    assert!(answer["message"].as_str().unwrap().contains("expired"));
    assert_eq!(requests(&app, &carol, ACME).await[0]["state"], "expired");
    assert_eq!(granted(&t, &id).await, ["read:bookings"]);

    // Initech has one admin: with `allow`, granted at once and said so.
    let ivan = app.sign_in("ivan@initech.example", INITECH).await;
    let lone = app.register_bot(&ivan, INITECH, "Lone").await;
    let lone_id = lone["client_id"].as_str().unwrap().to_string();
    let (status, answer) = app
        .call(
            &ivan,
            "bots/scopes",
            scopes(INITECH, &lone_id, &["read:bookings", "write:bookings"]),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["DoneAlone"]["sensitive"], json!(["write:bookings"]));
    assert_eq!(
        granted(&t, &lone_id).await,
        ["read:bookings", "write:bookings"]
    );
    let filters = [
        ("org_id", INITECH),
        ("action", "approval.alone"),
        ("actor", ""),
        ("since", ""),
        ("until", ""),
    ];
    let (_, log) = app.read(&ivan, "audit/list", &filters).await;
    assert_eq!(log["entries"].as_array().unwrap().len(), 1, "{log}");
}

#[tokio::test(flavor = "multi_thread")]
async fn with_the_wait_fallback_a_lone_admins_request_waits() {
    let clock = ManualClock::stopped_now();
    let app = app(&clock, "wait").await;
    let t = tenant(&app).await;
    let ivan = app.sign_in("ivan@initech.example", INITECH).await;
    let lone = app.register_bot(&ivan, INITECH, "Waiting").await;
    let id = lone["client_id"].as_str().unwrap().to_string();
    let (status, answer) = app
        .call(
            &ivan,
            "bots/scopes",
            scopes(INITECH, &id, &["read:bookings", "write:bookings"]),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    assert!(answer.get("Pending").is_some(), "{answer}");
    assert_eq!(granted(&t, &id).await, ["read:bookings"]);
    let request = requests(&app, &ivan, INITECH).await[0]["id"].clone();
    let (status, _) = app
        .call(
            &ivan,
            "approvals/decide",
            decide(INITECH, &request, true, ""),
        )
        .await;
    assert_eq!(status, 409, "still not the requester's to decide");
    // Vendor support sees it waiting, in the console's report and its CSV.
    let sam = app
        .sign_in("sam@travel0.example", "org_travel0Support01")
        .await;
    let (status, report) = app
        .call(&sam, "support/reports/access-requests", json!({}))
        .await;
    assert_eq!(status, 200, "{report}");
    assert!(report
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["id"] == request && r["org_id"] == INITECH));
    let csv = app
        .page_html(&sam, "/support/reports/access-requests.csv")
        .await;
    assert!(
        csv.contains(INITECH) && csv.contains("write:bookings"),
        "{csv}"
    );
}
