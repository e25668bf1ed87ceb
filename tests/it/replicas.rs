//! Two orgdesk replicas on one PostgreSQL store and one tenant, both configured with the same public
//! URL (the address of the load balancer in front of them): a browser signed in through one is
//! served by the other, and changes racing through both stay consistent.

use std::time::Duration;

use orgdesk::server::service::journal;
use orgdesk::server::store::Db;
use orgdesk::server::{start, Running};
use serde_json::{json, Value};

use crate::helpers::{tenant_login, test_config};
use crate::store::fresh_postgres;

const ACME: &str = "org_acmeTravel000001";
const GLOBEX: &str = "org_globexTours00001";
const ADMIN: &str = "rol_orgdeskAdmin0001";

struct Replicas {
    a: Running,
    b: Running,
    public: String,
    tenant: orgdesk::emulator::Handle,
    _dirs: Vec<tempfile::TempDir>,
}

async fn replicas() -> Replicas {
    let database = fresh_postgres().await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let public = format!("http://127.0.0.1:{port}");
    let tenant = orgdesk::emulator::start(orgdesk::emulator::EmulatorConfig {
        app_url: public.clone(),
        ..Default::default()
    })
    .await
    .unwrap();
    let mut dirs = Vec::new();
    let mut started = Vec::new();
    for bind in [format!("127.0.0.1:{port}"), "127.0.0.1:0".to_string()] {
        let dir = tempfile::tempdir().unwrap();
        let mut config = test_config(
            &dir,
            &[
                ("ORGDESK_BIND", &bind),
                ("ORGDESK_PUBLIC_URL", &public),
                ("DATABASE_URL", &database),
            ],
        );
        config.local_tenant_issuer = Some(tenant.issuer());
        started.push(start(config).await.expect("replica"));
        dirs.push(dir);
    }
    let b = started.pop().unwrap();
    let a = started.pop().unwrap();
    Replicas {
        a,
        b,
        public,
        tenant,
        _dirs: dirs,
    }
}

impl Replicas {
    /// Signs in through replica A (the public address).
    async fn sign_in(&self, email: &str, org: &str) -> reqwest::Client {
        let browser = crate::tenant::http();
        let to_tenant = browser
            .get(format!("{}/login?organization={org}", self.public))
            .send()
            .await
            .unwrap();
        let callback = tenant_login(
            &browser,
            &self.tenant.base_url,
            to_tenant,
            email,
            "Travel0-demo!",
        )
        .await;
        let done = browser.get(&callback).send().await.unwrap();
        assert_eq!(done.status(), 303, "signed in");
        browser
    }
}

/// A server function on one replica, sent as the browser on the public page sends it.
async fn call(
    replica: &Running,
    public: &str,
    browser: &reqwest::Client,
    endpoint: &str,
    body: Value,
) -> (u16, Value) {
    let response = browser
        .post(format!("{}/api/{endpoint}", replica.base_url))
        .header("content-type", "application/json")
        .header("origin", public)
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn register(name: &str, key: &str) -> Value {
    json!({"org_id": ACME, "name": name, "description": "", "audience": "https://api.travel0.example/",
        "scopes": ["read:bookings"], "idempotency_key": key})
}

async fn bot_names(r: &Replicas, replica: &Running, browser: &reqwest::Client) -> Vec<String> {
    let (s, bots) = call(
        replica,
        &r.public,
        browser,
        "bots/list",
        json!({"org_id": ACME}),
    )
    .await;
    assert_eq!(s, 200, "{bots}");
    crate::helpers::bot_names_in(&bots)
}

#[tokio::test]
async fn a_session_from_one_replica_is_served_by_the_other() {
    let r = replicas().await;
    let alice = r.sign_in("alice@acme.example", ACME).await;
    let (s, me) = call(&r.b, &r.public, &alice, "me", json!({})).await;
    assert_eq!(s, 200);
    assert_eq!(me["email"], "alice@acme.example", "B knows A's session");

    let key = uuid::Uuid::new_v4().to_string();
    let (s, bot) = call(
        &r.b,
        &r.public,
        &alice,
        "bots/register",
        register("made-on-b", &key),
    )
    .await;
    assert_eq!(s, 200, "{bot}");
    assert!(bot_names(&r, &r.a, &alice)
        .await
        .contains(&"made-on-b".to_string()));

    // Signing out on B ends the session on A too.
    let signed_out = alice
        .post(format!("{}/logout", r.b.base_url))
        .header("origin", &r.public)
        .form(&[("csrf", me["csrf"].as_str().unwrap())])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_out.status(), 303);
    let (_, me) = call(&r.a, &r.public, &alice, "me", json!({})).await;
    assert!(me.is_null(), "signed out everywhere: {me}");
}

#[tokio::test]
async fn a_double_submit_through_both_replicas_registers_one_bot() {
    let r = replicas().await;
    let alice = r.sign_in("alice@acme.example", ACME).await;
    for round in 0..5 {
        let key = uuid::Uuid::new_v4().to_string();
        let name = format!("twice-{round}");
        let (a, b) = tokio::join!(
            call(
                &r.a,
                &r.public,
                &alice,
                "bots/register",
                register(&name, &key)
            ),
            call(
                &r.b,
                &r.public,
                &alice,
                "bots/register",
                register(&name, &key)
            ),
        );
        let secrets = [&a.1, &b.1]
            .iter()
            .filter(|v| v["client_secret"].is_string())
            .count();
        assert_eq!(secrets, 1, "one secret shown: {a:?} {b:?}");
        let names = bot_names(&r, &r.b, &alice).await;
        assert_eq!(names.iter().filter(|n| **n == name).count(), 1, "{names:?}");
    }
    let api = crate::tenant::TenantApi::attach(&r.tenant.base_url).await;
    let (_, clients) = api.get("clients?per_page=100").await;
    let twice = clients
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["name"].as_str().is_some_and(|n| n.contains("twice-")))
        .count();
    assert_eq!(twice, 5, "one Auth0 client per submission");
}

#[tokio::test]
async fn the_last_admin_stays_protected_when_both_replicas_race() {
    let r = replicas().await;
    let grace = r.sign_in("grace@globex.example", GLOBEX).await;
    let carol = r.sign_in("carol@consult.example", GLOBEX).await;
    let (_, page) = call(
        &r.a,
        &r.public,
        &grace,
        "members/list",
        json!({"org_id": GLOBEX, "from": null}),
    )
    .await;
    let id = |email: &str| {
        page["members"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["email"] == email)
            .unwrap()["user_id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let (grace_id, carol_id) = (id("grace@globex.example"), id("carol@consult.example"));
    // Each takes the other's admin role, one through each replica, at once.
    let (x, y) = tokio::join!(
        call(
            &r.a,
            &r.public,
            &grace,
            "members/role",
            json!({"org_id": GLOBEX, "user_id": carol_id, "role_id": ADMIN, "on": false})
        ),
        call(
            &r.b,
            &r.public,
            &carol,
            "members/role",
            json!({"org_id": GLOBEX, "user_id": grace_id, "role_id": ADMIN, "on": false})
        ),
    );
    let succeeded = [x.0, y.0].iter().filter(|s| **s == 200).count();
    assert_eq!(succeeded, 1, "exactly one: {x:?} {y:?}");
    let api = crate::tenant::TenantApi::attach(&r.tenant.base_url).await;
    let mut admins = 0;
    for user in [&grace_id, &carol_id] {
        let (_, roles) = api
            .get(&format!("organizations/{GLOBEX}/members/{user}/roles"))
            .await;
        if roles.as_array().unwrap().iter().any(|r| r["id"] == ADMIN) {
            admins += 1;
        }
    }
    assert_eq!(admins, 1, "Globex keeps an admin");
}

#[tokio::test]
async fn the_recovery_pass_settles_an_operation_once() {
    let r = replicas().await;
    let alice = r.sign_in("alice@acme.example", ACME).await;
    let key = uuid::Uuid::new_v4().to_string();
    let (_, bot) = call(
        &r.a,
        &r.public,
        &alice,
        "bots/register",
        register("half-deleted", &key),
    )
    .await;
    let client_id = bot["client_id"].as_str().unwrap().to_string();
    // A deletion that a replica started and never finished, long ago.
    let db: &Db = &r.a.state.db;
    let op = journal::open(
        db,
        r.a.state.config.clock.as_ref(),
        journal::Plan::new(journal::Kind::BotDelete, ACME).client(&client_id),
    )
    .await
    .unwrap();
    sqlx::query("UPDATE operations SET updated_at = '2000-01-01T00:00:00Z' WHERE id = $1")
        .bind(&op)
        .execute(db)
        .await
        .unwrap();
    // A grace period as in production: an operation one pass just claimed is fresh again, so the
    // other pass leaves it alone (with no grace at all, a claim made in the same second as the
    // other pass's read would look abandoned too).
    let grace = Duration::from_secs(60);
    let (a, b) = tokio::join!(
        journal::recover(
            &r.a.state.db,
            r.a.state.config.clock.as_ref(),
            &r.a.state.mgmt,
            grace,
        ),
        journal::recover(
            &r.b.state.db,
            r.b.state.config.clock.as_ref(),
            &r.b.state.mgmt,
            grace,
        ),
    );
    assert_eq!(a.unwrap() + b.unwrap(), 1, "settled once");
    let recorded: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_events WHERE org_id = $1 AND detail LIKE '%recovery pass%'",
    )
    .bind(ACME)
    .fetch_one(db)
    .await
    .unwrap();
    assert_eq!(recorded, 1, "one audit record");
    assert!(!bot_names(&r, &r.b, &alice)
        .await
        .contains(&"half-deleted".to_string()));
    assert_eq!(journal::get(db, &op).await.unwrap().unwrap().state, "done");
}
