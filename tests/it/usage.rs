//! A bot's use from the tenant's logs: tokens issued and exchanges refused (with Auth0's reason),
//! counted per UTC day by the pass that reads the logs from its cursor — each entry once, however
//! often it runs — and shown on the bot's page.

use orgdesk::server::store::token_usage::{self, Exchange};
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{spawn_app, TestApp};
use crate::tenant::TenantApi;

const ACME: &str = "org_acmeTravel000001";
const GLOBEX: &str = "org_globexTours00001";
const API: &str = "https://api.travel0.example/";

async fn ingest(app: &TestApp) -> usize {
    orgdesk::server::service::usage::ingest(&app.running.state.ctx(None))
        .await
        .unwrap()
}

async fn usage(app: &TestApp, who: &reqwest::Client, client_id: &str) -> Value {
    let (status, bot) = app
        .read(
            who,
            "bots/get",
            &[("org_id", ACME), ("client_id", client_id)],
        )
        .await;
    assert_eq!(status, 200, "{bot}");
    bot["usage"].clone()
}

#[tokio::test(flavor = "multi_thread")]
async fn tokens_and_refusals_are_counted_once_from_the_logs() {
    let app = spawn_app().await;
    let mut tenant = TenantApi::attach(&app.running.local_tenant.as_ref().unwrap().base_url).await;
    tenant.mgmt_token = tenant.admin_token().await;
    let alice = app.sign_in("alice@acme.example", ACME).await;
    let bot = app.register_bot(&alice, ACME, "Counted").await;
    let id = bot["client_id"].as_str().unwrap().to_string();
    let secret = bot["client_secret"].as_str().unwrap().to_string();
    // Quotas set at Auth0 (the vendor's): the bot's, enforced, and its organization's, reported.
    let quota = |enforce: bool, per_day: u64| json!({"token_quota": {"client_credentials": {"enforce": enforce, "per_day": per_day}}});
    let (s, body) = tenant
        .mgmt(
            Method::PATCH,
            &format!("clients/{id}"),
            Some(quota(true, 100)),
        )
        .await;
    assert_eq!(s, 200, "{body}");
    let (s, body) = tenant
        .mgmt(
            Method::PATCH,
            &format!("organizations/{ACME}"),
            Some(quota(false, 5000)),
        )
        .await;
    assert_eq!(s, 200, "{body}");
    // Before any pass: nothing known, said plainly.
    assert_eq!(usage(&app, &alice, &id).await["last_token_at"], Value::Null);

    for _ in 0..3 {
        let (s, _) = tenant.client_token(&id, &secret, API, Some(ACME)).await;
        assert_eq!(s, 200);
    }
    let (s, _) = tenant.client_token(&id, &secret, API, Some(GLOBEX)).await;
    assert_eq!(s, 403, "not associated with Globex");

    assert!(ingest(&app).await >= 4);
    let u = usage(&app, &alice, &id).await;
    let today = u["days"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(today["issued"], 3, "{u}");
    assert_eq!(today["failed"], 1, "{u}");
    assert_eq!(u["days"].as_array().unwrap().len(), 30);
    assert!(u["last_token_at"].is_string());
    assert!(
        !u["last_failure_reason"].as_str().unwrap().is_empty(),
        "{u}"
    );
    let quotas = u["quotas"].as_array().unwrap();
    let of = |holder: &str| {
        quotas
            .iter()
            .find(|q| q["holder"] == holder)
            .cloned()
            .unwrap()
    };
    assert_eq!(of("bot")["per_day"], 100);
    assert_eq!(of("bot")["enforced"], true);
    assert_eq!(of("bot")["used_today"], 3);
    assert_eq!(of("organization")["per_day"], 5000);
    assert_eq!(of("organization")["used_today"], 3);

    // Again: the cursor says where the last pass stopped; nothing is counted twice.
    assert_eq!(ingest(&app).await, 0);
    let (s, _) = tenant.client_token(&id, &secret, API, Some(ACME)).await;
    assert_eq!(s, 200);
    assert_eq!(ingest(&app).await, 1);
    let u = usage(&app, &alice, &id).await;
    assert_eq!(u["days"].as_array().unwrap().last().unwrap()["issued"], 4);

    // A pass overtaken by another replica (its lease ran out while Auth0 slowed it) writes nothing:
    // the cursor moves only from where that pass read.
    let db = &app.running.state.db;
    let at = token_usage::cursor(db, "tenant").await.unwrap().unwrap();
    let day = u["days"].as_array().unwrap().last().unwrap()["day"]
        .as_str()
        .unwrap()
        .to_string();
    let late = Exchange {
        client_id: &id,
        day: &day,
        at_ms: 1,
        ok: true,
        ip: "",
        agent: "",
        org: ACME,
        reason: "",
    };
    for stale in [Some("an-older-log-id"), None] {
        let wrote = token_usage::record(
            db,
            "tenant",
            (stale, "a-later-log-id"),
            std::slice::from_ref(&late),
            1,
        )
        .await
        .unwrap();
        assert!(!wrote, "{stale:?}");
    }
    assert_eq!(
        token_usage::cursor(db, "tenant").await.unwrap().unwrap(),
        at
    );
    let u = usage(&app, &alice, &id).await;
    assert_eq!(
        u["days"].as_array().unwrap().last().unwrap()["issued"],
        4,
        "counted once"
    );

    // The page shows it, from orgdesk's store.
    let page = app
        .page_html(&alice, &format!("/orgs/{ACME}/bots/{id}"))
        .await;
    assert!(page.contains("data-testid=\"usage-chart\""), "{page}");
    assert!(page.contains("data-issued=\"4\""));
    assert!(page.contains("Last token issued"));
}
