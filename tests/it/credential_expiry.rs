//! Revoking at expiry: where the policy says so, a bot whose credential is past the maximum age
//! loses its API access (audited as the policy's doing); after a rotation an admin gives it back
//! from the bot's page — the way back. Never across organizations; a failed revocation keeps
//! nothing to give back.

use orgdesk::clock::ManualClock;
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{spawn_app_config, TestApp};
use crate::tenant::TenantApi;

const ACME: &str = "org_acmeTravel000001";
const GLOBEX: &str = "org_globexTours00001";
const API: &str = "https://api.travel0.example/";

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

fn policy(max: u32, revoke: bool) -> Value {
    json!({"org_id": ACME, "max_age_days": max, "warn_days": 5, "review_every_days": 0, "revoke_at_expiry": revoke})
}

async fn revoke_expired(app: &TestApp) -> usize {
    orgdesk::server::service::credential_expiry::revoke_expired(&app.running.state.ctx(None))
        .await
        .unwrap()
}

async fn grants(t: &TenantApi, client_id: &str) -> Value {
    t.mgmt(
        Method::GET,
        &format!("client-grants?client_id={client_id}"),
        None,
    )
    .await
    .1
}

async fn bot(app: &TestApp, who: &reqwest::Client, client_id: &str) -> Value {
    let (status, bot) = app
        .read(
            who,
            "bots/get",
            &[("org_id", ACME), ("client_id", client_id)],
        )
        .await;
    assert_eq!(status, 200, "{bot}");
    bot
}

#[tokio::test(flavor = "multi_thread")]
async fn an_expired_bot_loses_its_access_and_gets_it_back_after_a_rotation() {
    let clock = ManualClock::stopped_now();
    let app = app(&clock).await;
    let alice = app.sign_in("alice@acme.example", ACME).await;
    let old = app.register_bot(&alice, ACME, "Old reporter").await;
    let old_id = old["client_id"].as_str().unwrap().to_string();
    let (status, body) = app
        .call(&alice, "organization/policy", policy(0, true))
        .await;
    assert_eq!(status, 400, "revoking needs a maximum age: {body}");
    let (status, body) = app
        .call(&alice, "organization/policy", policy(30, true))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(revoke_expired(&app).await, 0, "nothing is past 30 days yet");

    clock.advance_secs(31 * 86_400);
    // The tenant's tokens expired as the days passed.
    let t = tenant(&app).await;
    let alice = app.sign_in("alice@acme.example", ACME).await;
    let fresh = app.register_bot(&alice, ACME, "Fresh").await;
    let fresh_id = fresh["client_id"].as_str().unwrap().to_string();
    assert_eq!(revoke_expired(&app).await, 1, "the old bot's one grant");
    assert_eq!(grants(&t, &old_id).await, json!([]));
    assert_eq!(
        grants(&t, &fresh_id).await.as_array().unwrap().len(),
        1,
        "a bot within the policy keeps its access"
    );
    assert_eq!(revoke_expired(&app).await, 0, "taken once");

    let page = bot(&app, &alice, &old_id).await;
    assert_eq!(page["taken"][0]["audience"], API, "{page}");
    assert_eq!(page["taken"][0]["scopes"], json!(["read:bookings"]));
    assert_eq!(page["access"], json!([]));
    let html = app
        .page_html(&alice, &format!("/orgs/{ACME}/bots/{old_id}"))
        .await;
    assert!(html.contains("data-testid=\"taken-access\""));
    assert!(
        html.contains("Rotate its secret or add a new key"),
        "no restore offered yet"
    );

    let (_, log) = app
        .read(
            &alice,
            "audit/list",
            &[
                ("org_id", ACME),
                ("action", "bot.revoke_access"),
                ("actor", ""),
                ("since", ""),
                ("until", ""),
            ],
        )
        .await;
    let entry = &log["entries"][0];
    assert_eq!(entry["actor"], "orgdesk (credential policy)", "{log}");
    assert!(entry["detail"]
        .as_str()
        .unwrap()
        .contains("past the policy's 30 days"));

    // Another organization's admin cannot give it back; nor can anyone before the rotation.
    let grace = app.sign_in("grace@globex.example", GLOBEX).await;
    let (status, _) = app
        .call(
            &grace,
            "bots/restore",
            json!({"org_id": GLOBEX, "client_id": old_id}),
        )
        .await;
    assert_eq!(status, 404);
    let (status, body) = app
        .call(
            &alice,
            "bots/restore",
            json!({"org_id": ACME, "client_id": old_id}),
        )
        .await;
    assert_eq!(status, 409, "{body}");

    let (status, secret) = app
        .call(
            &alice,
            "bots/rotate",
            json!({"org_id": ACME, "client_id": old_id}),
        )
        .await;
    assert_eq!(status, 200, "{secret}");
    let (status, body) = app
        .call(
            &alice,
            "bots/restore",
            json!({"org_id": ACME, "client_id": old_id}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        grants(&t, &old_id).await[0]["scope"],
        json!(["read:bookings"])
    );
    assert_eq!(
        grants(&t, &old_id).await[0]["organization_usage"],
        "require"
    );
    let (status, _) = t
        .client_token(
            &old_id,
            secret["client_secret"].as_str().unwrap(),
            API,
            Some(ACME),
        )
        .await;
    assert_eq!(status, 200, "the bot works again with its new secret");
    assert_eq!(bot(&app, &alice, &old_id).await["taken"], json!([]));
    assert_eq!(revoke_expired(&app).await, 0, "renewed: within the policy");
    let (status, _) = app
        .call(
            &alice,
            "bots/restore",
            json!({"org_id": ACME, "client_id": old_id}),
        )
        .await;
    assert_eq!(status, 409, "nothing left to give back");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_policy_that_only_flags_revokes_nothing_and_a_failed_revocation_keeps_nothing() {
    let clock = ManualClock::stopped_now();
    let app = app(&clock).await;
    let alice = app.sign_in("alice@acme.example", ACME).await;
    let b = app.register_bot(&alice, ACME, "Aging").await;
    let id = b["client_id"].as_str().unwrap().to_string();
    app.call(&alice, "organization/policy", policy(30, false))
        .await;
    clock.advance_secs(40 * 86_400);
    // The tenant's tokens expired as the days passed.
    let t = tenant(&app).await;
    assert_eq!(revoke_expired(&app).await, 0, "flag only");
    assert_eq!(grants(&t, &id).await.as_array().unwrap().len(), 1);

    let alice = app.sign_in("alice@acme.example", ACME).await;
    let (status, _) = app
        .call(&alice, "organization/policy", policy(30, true))
        .await;
    assert_eq!(status, 200);
    let rule = json!({"route": "DELETE /api/v2/client-grants/*", "kind": "status", "status": 500, "count": 50});
    let r = t
        .http
        .post(t.url("/__emulator/faults"))
        .json(&rule)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(revoke_expired(&app).await, 0);
    t.http
        .delete(t.url("/__emulator/faults"))
        .send()
        .await
        .unwrap();
    assert_eq!(grants(&t, &id).await.as_array().unwrap().len(), 1);
    assert_eq!(
        bot(&app, &alice, &id).await["taken"],
        json!([]),
        "still granted: nothing to give back"
    );
    assert_eq!(revoke_expired(&app).await, 1, "the next pass takes it");
    assert_eq!(grants(&t, &id).await, json!([]));
}
