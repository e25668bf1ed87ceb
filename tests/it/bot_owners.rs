//! Credential policy and bot owners: an organization's maximum credential age and its warning (time
//! passes on the manual clock), a rotation resetting the age, owners recorded at registration and
//! assigned among members, a bot flagged when its owner leaves; another organization's admin
//! changes neither.

use orgdesk::clock::ManualClock;
use serde_json::{json, Value};

use crate::helpers::{spawn_app_config, TestApp};

const ACME: &str = "org_acmeTravel000001";

async fn app(clock: &ManualClock) -> TestApp {
    let clock = clock.clone();
    spawn_app_config(move |c| {
        c.clock = std::sync::Arc::new(clock);
        c.session_idle_timeout = std::time::Duration::from_secs(400 * 86_400);
        c.session_absolute_timeout = std::time::Duration::from_secs(400 * 86_400);
    })
    .await
}

async fn health(app: &TestApp, who: &reqwest::Client, client_id: &str) -> Value {
    let (status, list) = app.read(who, "bots/list", &[("org_id", ACME)]).await;
    assert_eq!(status, 200, "{list}");
    list.as_array()
        .unwrap()
        .iter()
        .find(|b| b["client_id"] == client_id)
        .unwrap()["health"]
        .clone()
}

/// The member directory filled (the first search starts its pass), so a departure can be seen.
async fn directory(app: &TestApp, who: &reqwest::Client) {
    let (s, _) = app
        .read(who, "members/search", &[("org_id", ACME), ("q", "bob")])
        .await;
    assert_eq!(s, 200);
    for _ in 0..100 {
        let status = orgdesk::server::store::member_mirror::status(
            &app.running.state.db,
            ACME,
            app.running.state.config.clock.now_ms(),
        )
        .await
        .unwrap();
        if status.completed_at.is_some() && !status.running {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the directory pass did not finish");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_credential_ages_against_the_policy_and_a_rotation_renews_it() {
    let clock = ManualClock::stopped_now();
    let app = app(&clock).await;
    let alice = app.sign_in("alice@acme.example", ACME).await;
    let bot = app.register_bot(&alice, ACME, "Aging").await;
    let id = bot["client_id"].as_str().unwrap().to_string();
    let h = health(&app, &alice, &id).await;
    assert_eq!(h["owner"], "alice@acme.example");
    assert_eq!(h["credential"], "ok");

    let policy = |max: u32, warn: u32| json!({"org_id": ACME, "max_age_days": max, "warn_days": warn, "review_every_days": 0, "revoke_at_expiry": false});
    let (status, _) = app
        .call(&alice, "organization/policy", policy(90, 90))
        .await;
    assert_eq!(status, 400, "the warning comes before the maximum");
    let (status, _) = app
        .call(&alice, "organization/policy", policy(5000, 1))
        .await;
    assert_eq!(status, 400);
    let grace = app
        .sign_in("grace@globex.example", "org_globexTours00001")
        .await;
    let (status, _) = app.call(&grace, "organization/policy", policy(1, 0)).await;
    assert_eq!(status, 404, "another organization's policy");
    let (status, _) = app
        .call(&alice, "organization/policy", policy(90, 14))
        .await;
    assert_eq!(status, 200);
    let (_, read) = app
        .read(&alice, "organization/policy-get", &[("org_id", ACME)])
        .await;
    assert_eq!(
        read,
        json!({"max_age_days": 90, "warn_days": 14, "review_every_days": 0, "revoke_at_expiry": false})
    );

    clock.advance_secs(80 * 86_400);
    assert_eq!(health(&app, &alice, &id).await["credential"], "due");
    clock.advance_secs(11 * 86_400);
    let h = health(&app, &alice, &id).await;
    assert_eq!(h["credential"], "overdue", "{h}");
    assert_eq!(h["age_days"], 91);
    let page = app.page_html(&alice, &format!("/orgs/{ACME}")).await;
    assert!(
        page.contains("Needs attention") && page.contains("past the 90-day policy"),
        "{page}"
    );

    // Vendor support sees it in the console's report.
    let sam = app
        .sign_in("sam@travel0.example", "org_travel0Support01")
        .await;
    let (status, report) = app
        .call(&sam, "support/reports/credential-policy", json!({}))
        .await;
    assert_eq!(status, 200, "{report}");
    assert!(
        report
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["client_id"] == id && l["health"]["credential"] == "overdue"),
        "{report}"
    );
    let csv = app
        .page_html(&sam, "/support/reports/credential-policy.csv")
        .await;
    assert!(csv.contains(&id) && csv.contains("overdue"), "{csv}");

    // A rotation (after signing in again: it makes a credential) renews it.
    let alice = app.sign_in("alice@acme.example", ACME).await;
    let (status, answer) = app
        .call(
            &alice,
            "bots/rotate",
            json!({"org_id": ACME, "client_id": id}),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    let h = health(&app, &alice, &id).await;
    assert_eq!(h["credential"], "ok");
    assert_eq!(h["age_days"], 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_owner_is_assigned_among_members_and_a_departure_flags_the_bot() {
    let clock = ManualClock::stopped_now();
    let app = app(&clock).await;
    let alice = app.sign_in("alice@acme.example", ACME).await;
    directory(&app, &alice).await;
    let bot = app.register_bot(&alice, ACME, "Owned").await;
    let id = bot["client_id"].as_str().unwrap().to_string();
    let owner = |email: &str| json!({"org_id": ACME, "client_id": id, "email": email});

    let (status, answer) = app
        .call(&alice, "bots/owner", owner("stranger@nowhere.example"))
        .await;
    assert_eq!(status, 400, "{answer}");
    let (status, answer) = app
        .call(&alice, "bots/owner", owner("heidi@globex.example"))
        .await;
    assert_eq!(status, 400, "a member of another organization: {answer}");
    let grace = app
        .sign_in("grace@globex.example", "org_globexTours00001")
        .await;
    let (status, _) = app
        .call(&grace, "bots/owner", json!({"org_id": "org_globexTours00001", "client_id": id, "email": "grace@globex.example"}))
        .await;
    assert_eq!(status, 404, "another organization's bot");
    let (status, answer) = app
        .call(&alice, "bots/owner", owner("Bob@Acme.example"))
        .await;
    assert_eq!(status, 200, "{answer}");
    let h = health(&app, &alice, &id).await;
    assert_eq!(h["owner"], "bob@acme.example");
    assert_eq!(h["owner_gone"], false);

    // Bob is removed from the organization: the bot needs a new owner, on the list and the overview.
    let (_, members) = app
        .read(&alice, "members/search", &[("org_id", ACME), ("q", "bob")])
        .await;
    let bob = members.to_string();
    let bob_id = bob
        .split("\"user_id\":\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let (status, answer) = app
        .call(
            &alice,
            "members/remove",
            json!({"org_id": ACME, "user_id": bob_id}),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    let h = health(&app, &alice, &id).await;
    assert_eq!(h["owner_gone"], true, "{h}");
    let list = app.page_html(&alice, &format!("/orgs/{ACME}/bots")).await;
    assert!(list.contains("its owner left the organization"), "{list}");

    let filters = [
        ("org_id", ACME),
        ("action", "bot.owner"),
        ("actor", ""),
        ("since", ""),
        ("until", ""),
    ];
    let (_, log) = app.read(&alice, "audit/list", &filters).await;
    assert_eq!(log["entries"].as_array().unwrap().len(), 1, "{log}");
}
