//! Fault injection at every upstream step of every multi-step operation: a 429, a 500, a timeout, a
//! connection reset before the call took effect, a reset after it took effect (the answer is lost), and
//! a killed orgdesk process while the step's answer is on its way. After each: the user got a success or
//! a retryable error, the attempt is in the audit log, a retry works, and a sweep of the tenant finds
//! no orphan — every orgdesk object upstream is in orgdesk's record and the other way round.

use std::time::Duration;

use orgdesk::server::store::Db;
use reqwest::{Client, Method};
use serde_json::{json, Value};

use crate::helpers::{spawn_app_config, tenant_login, test_config, TestApp};
use crate::tenant::{TenantApi, ACME, API, GLOBEX, INITECH};

/// What an operation needs from wherever orgdesk runs.
struct Env {
    base: String,
    tenant: TenantApi,
    db: Db,
    alice: Client,
    grace: Client,
}

impl Env {
    async fn call(&self, who: &Client, endpoint: &str, body: Value) -> (u16, Value) {
        let r = who
            .post(format!("{}/api/{endpoint}", self.base))
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await;
        match r {
            Ok(r) => {
                let status = r.status().as_u16();
                (status, r.json().await.unwrap_or(Value::Null))
            }
            Err(_) => (0, Value::Null),
        }
    }

    async fn fault(&self, route: &str, kind: &str, count: u32) {
        let mut rule = json!({"route": route, "kind": kind, "count": count, "hold_ms": 3000});
        match kind {
            "429" => {
                rule = json!({"route": route, "kind": "status", "status": 429, "count": count});
            }
            "500" => {
                rule = json!({"route": route, "kind": "status", "status": 500, "count": count});
            }
            "hold_after" => rule["hold_ms"] = json!(60_000),
            _ => {}
        }
        let r = self
            .tenant
            .http
            .post(self.tenant.url("/__emulator/faults"))
            .json(&rule)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 204);
    }

    async fn clear(&self) {
        let r = self
            .tenant
            .http
            .delete(self.tenant.url("/__emulator/faults"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 204);
    }

    async fn register(&self, name: &str) -> String {
        let (s, bot) = self
            .call(&self.alice, "bots/register", register_body(name))
            .await;
        assert_eq!(s, 200, "{bot}");
        bot["client_id"].as_str().unwrap().to_string()
    }
}

fn register_body(name: &str) -> Value {
    json!({"org_id": ACME, "name": name, "description": "", "audience": API,
        "scopes": ["read:bookings"], "idempotency_key": uuid::Uuid::new_v4().to_string()})
}

#[derive(Clone, Copy, Debug)]
enum Op {
    Register,
    Grant,
    Revoke,
    Delete,
    Install,
    Uninstall,
    Resend,
}

const ASSOCIATE: &str = "POST /api/v2/organizations/*/client-grants";
const DISSOCIATE: &str = "DELETE /api/v2/organizations/*/client-grants/*";

impl Op {
    fn steps(self) -> &'static [&'static str] {
        match self {
            Op::Register => &[
                "POST /api/v2/clients",
                "POST /api/v2/client-grants",
                ASSOCIATE,
            ],
            Op::Grant => &["POST /api/v2/client-grants", ASSOCIATE],
            Op::Revoke => &[DISSOCIATE, "DELETE /api/v2/client-grants/*"],
            Op::Delete => &[
                DISSOCIATE,
                "DELETE /api/v2/client-grants/*",
                "DELETE /api/v2/clients/*",
            ],
            Op::Install => &[ASSOCIATE],
            Op::Uninstall => &[DISSOCIATE],
            Op::Resend => &[
                "POST /api/v2/organizations/*/invitations",
                "DELETE /api/v2/organizations/*/invitations/*",
            ],
        }
    }

    fn audit_action(self) -> &'static str {
        match self {
            Op::Register => "bot.register",
            Op::Grant => "bot.grant_access",
            Op::Revoke => "bot.revoke_access",
            Op::Delete => "bot.delete",
            Op::Install => "app.install",
            Op::Uninstall => "app.uninstall",
            Op::Resend => "invitation.resend",
        }
    }

    fn audit_org(self) -> &'static str {
        match self {
            Op::Install | Op::Uninstall => GLOBEX,
            _ => ACME,
        }
    }

    /// Everything the operation needs, made with no fault armed; answers the call to make.
    async fn prepare(self, env: &Env, n: usize) -> (&'static str, Value) {
        let name = format!("{self:?} {n}");
        match self {
            Op::Register => ("bots/register", register_body(&name)),
            Op::Grant => {
                let client_id = env.register(&name).await;
                let body = json!({"org_id": ACME, "client_id": client_id, "audience": API});
                let (s, e) = env.call(&env.alice, "bots/revoke", body).await;
                assert_eq!(s, 200, "{e}");
                (
                    "bots/grant",
                    json!({"org_id": ACME, "client_id": client_id, "audience": API, "scopes": ["read:bookings"]}),
                )
            }
            Op::Revoke => {
                let client_id = env.register(&name).await;
                (
                    "bots/revoke",
                    json!({"org_id": ACME, "client_id": client_id, "audience": API}),
                )
            }
            Op::Delete => {
                let client_id = env.register(&name).await;
                (
                    "bots/delete",
                    json!({"org_id": ACME, "client_id": client_id}),
                )
            }
            Op::Install | Op::Uninstall => {
                let client_id = env.register(&name).await;
                let (s, published) = env
                    .call(&env.alice, "apps/publish", json!({"org_id": ACME, "client_id": client_id,
                        "description": "Books trips", "audience": API, "scopes": ["read:bookings"]}))
                    .await;
                assert_eq!(s, 200, "{published}");
                let install = json!({"org_id": GLOBEX, "app_id": published["app_id"]});
                if let Op::Install = self {
                    return ("apps/install", install);
                }
                let (s, e) = env.call(&env.grace, "apps/install", install.clone()).await;
                assert_eq!(s, 200, "{e}");
                ("apps/uninstall", install)
            }
            Op::Resend => {
                let email = format!("resend-{n}@example.com");
                let (s, inv) = env
                    .call(
                        &env.alice,
                        "invitations/create",
                        json!({"org_id": ACME, "email": email,
                        "roles": ["rol_orgdeskMember001"], "days": 7}),
                    )
                    .await;
                assert_eq!(s, 200, "{inv}");
                (
                    "invitations/resend",
                    json!({"org_id": ACME, "id": inv["id"]}),
                )
            }
        }
    }

    fn caller(self, env: &Env) -> &Client {
        match self {
            Op::Install | Op::Uninstall => &env.grace,
            _ => &env.alice,
        }
    }
}

async fn audit_count(db: &Db, org: &str, action: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE org_id = ? AND action = ?")
        .bind(org)
        .bind(action)
        .fetch_one(db)
        .await
        .unwrap()
}

async fn column(db: &Db, sql: &str) -> Vec<String> {
    sqlx::query_scalar(sql).fetch_all(db).await.unwrap()
}

async fn list(tenant: &TenantApi, path: &str) -> Vec<Value> {
    let (s, body) = tenant.get(path).await;
    assert_eq!(s, 200, "{path}: {body}");
    body.as_array().cloned().unwrap_or_default()
}

/// orgdesk's record and the tenant agree: no orphan on either side, nothing left open.
async fn sweep(env: &Env, case: &str) {
    let db = &env.db;
    let open: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM operations WHERE state NOT IN ('done', 'compensated')",
    )
    .fetch_one(db)
    .await
    .unwrap();
    assert_eq!(open, 0, "{case}: operations left open");
    let clients = list(&env.tenant, "clients").await;
    let ours: Vec<&Value> = clients
        .iter()
        .filter(|c| c["client_metadata"]["orgdesk_org"].is_string())
        .collect();
    let upstream_bots: Vec<String> = ours
        .iter()
        .map(|c| c["client_id"].as_str().unwrap().to_string())
        .collect();
    let mut recorded_bots = column(db, "SELECT client_id FROM bots").await;
    let mut up = upstream_bots.clone();
    up.sort();
    recorded_bots.sort();
    assert_eq!(
        up, recorded_bots,
        "{case}: bots upstream vs orgdesk's record"
    );

    let grants = list(&env.tenant, "client-grants").await;
    let mut upstream_grants: Vec<String> = grants
        .iter()
        .filter(|g| upstream_bots.iter().any(|b| g["client_id"] == b.as_str()))
        .map(|g| g["id"].as_str().unwrap().to_string())
        .collect();
    let mut recorded_grants = column(db, "SELECT grant_id FROM bot_grants").await;
    upstream_grants.sort();
    recorded_grants.sort();
    assert_eq!(
        upstream_grants, recorded_grants,
        "{case}: grants upstream vs orgdesk's record"
    );

    for org in [ACME, GLOBEX, INITECH] {
        let mut associated: Vec<String> =
            list(&env.tenant, &format!("organizations/{org}/client-grants"))
                .await
                .iter()
                .map(|a| a["id"].as_str().unwrap().to_string())
                .filter(|id| upstream_grants.contains(id))
                .collect();
        let mut expected: Vec<String> = sqlx::query_scalar(
            "SELECT g.grant_id FROM bot_grants g JOIN bots b ON b.client_id = g.client_id WHERE b.org_id = ?1
             UNION SELECT a.grant_id FROM app_installs i JOIN apps a ON a.app_id = i.app_id WHERE i.org_id = ?1",
        )
        .bind(org)
        .fetch_all(db)
        .await
        .unwrap();
        associated.sort();
        expected.sort();
        assert_eq!(
            associated, expected,
            "{case}: {org}'s associations vs orgdesk's record"
        );
    }
    let invitations = list(&env.tenant, &format!("organizations/{ACME}/invitations")).await;
    let mut emails: Vec<String> = invitations
        .iter()
        .map(|i| i["invitee"]["email"].as_str().unwrap().to_lowercase())
        .collect();
    let all = emails.len();
    emails.sort();
    emails.dedup();
    assert_eq!(
        all,
        emails.len(),
        "{case}: one pending invitation per address"
    );
}

async fn env_for(app: &TestApp) -> Env {
    Env {
        base: app.running.base_url.clone(),
        tenant: TenantApi::attach(&app.running.local_tenant.as_ref().unwrap().base_url).await,
        db: app.running.state.db.clone(),
        alice: app.sign_in("alice@acme.example", ACME).await,
        grace: app.sign_in("grace@globex.example", GLOBEX).await,
    }
}

/// 429, 500, timeout, reset before and reset after, at every step of `op`.
async fn every_fault_at_every_step(op: Op) {
    let app = spawn_app_config(|c| c.upstream_timeout = Duration::from_millis(800)).await;
    let env = env_for(&app).await;
    let mut n = 0;
    for step in op.steps() {
        for kind in ["429", "500", "timeout", "reset", "reset_after"] {
            n += 1;
            let case = format!("{op:?} / {step} / {kind}");
            let (endpoint, body) = op.prepare(&env, n).await;
            let audited = audit_count(&env.db, op.audit_org(), op.audit_action()).await;
            // Enough failures to outlast every retry; a reset after the fact happens once.
            env.fault(step, kind, if kind == "reset_after" { 1 } else { 10 })
                .await;
            let (status, answer) = env.call(op.caller(&env), endpoint, body.clone()).await;
            env.clear().await;
            assert!(
                status == 200 || (matches!(status, 429 | 503) && answer["request_id"].is_string()),
                "{case}: a success or a retryable error with a request id, got {status} {answer}"
            );
            assert!(
                audit_count(&env.db, op.audit_org(), op.audit_action()).await > audited,
                "{case}: the attempt is in the audit log"
            );
            if status != 200 {
                let (again, answer) = env.call(op.caller(&env), endpoint, body).await;
                // A removal the failed attempt already finished leaves nothing to remove.
                assert!(
                    again == 200 || (again == 404 && matches!(op, Op::Resend)),
                    "{case}: retry: {again} {answer}"
                );
            }
            orgdesk::server::service::journal::recover(
                &env.db,
                app.running.state.config.clock.as_ref(),
                &app.running.state.mgmt,
                Duration::ZERO,
            )
            .await
            .unwrap();
            sweep(&env, &case).await;
        }
    }
}

#[tokio::test]
async fn registering_survives_every_fault_at_every_step() {
    every_fault_at_every_step(Op::Register).await;
}

#[tokio::test]
async fn granting_survives_every_fault_at_every_step() {
    every_fault_at_every_step(Op::Grant).await;
}

#[tokio::test]
async fn revoking_survives_every_fault_at_every_step() {
    every_fault_at_every_step(Op::Revoke).await;
}

#[tokio::test]
async fn deleting_survives_every_fault_at_every_step() {
    every_fault_at_every_step(Op::Delete).await;
}

#[tokio::test]
async fn installing_survives_every_fault_at_every_step() {
    every_fault_at_every_step(Op::Install).await;
}

#[tokio::test]
async fn uninstalling_survives_every_fault_at_every_step() {
    every_fault_at_every_step(Op::Uninstall).await;
}

#[tokio::test]
async fn resending_survives_every_fault_at_every_step() {
    every_fault_at_every_step(Op::Resend).await;
}

/// An orgdesk process on its own runtime, so killing it stops every task it has at once.
struct Process {
    base: String,
    kill: tokio::sync::oneshot::Sender<()>,
    thread: std::thread::JoinHandle<()>,
}

fn launch(config: orgdesk::server::config::Config) -> Process {
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    let (kill, killed) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let running = orgdesk::server::start(config).await.expect("start orgdesk");
            ready_tx.send(running.base_url.clone()).unwrap();
            let _ = killed.await;
            drop(running);
        });
        // Like SIGKILL for this process's work: every task stops at whatever await it was on.
        rt.shutdown_background();
    });
    let base = ready_rx
        .recv_timeout(Duration::from_secs(30))
        .expect("orgdesk started");
    Process { base, kill, thread }
}

impl Process {
    fn kill(self) {
        let _ = self.kill.send(());
        self.thread.join().unwrap();
    }
}

async fn sign_in(base: &str, tenant: &str, email: &str, org: &str) -> Client {
    let browser = crate::tenant::http();
    let to_tenant = browser
        .get(format!("{base}/login?organization={org}"))
        .send()
        .await
        .unwrap();
    let callback = tenant_login(&browser, tenant, to_tenant, email, crate::tenant::PASSWORD).await;
    let done = browser.get(&callback).send().await.unwrap();
    assert_eq!(done.status(), 303, "signed in");
    browser
}

/// At every step of every operation: the step takes effect upstream, and orgdesk is killed before
/// its answer arrives. The restarted process's recovery pass settles the operation, says so in the
/// audit log, and the sweep finds no orphan.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_process_killed_at_any_step_is_settled_by_the_next_start() {
    // One address for every orgdesk this test starts: the tenant's login client sends users back there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let tenant = orgdesk::emulator::start(orgdesk::emulator::EmulatorConfig {
        control_api: true,
        app_url: format!("http://127.0.0.1:{port}"),
        ..Default::default()
    })
    .await
    .unwrap();
    let ops = [
        Op::Register,
        Op::Grant,
        Op::Revoke,
        Op::Delete,
        Op::Install,
        Op::Uninstall,
        Op::Resend,
    ];
    let mut n = 0;
    for op in ops {
        for step in op.steps() {
            n += 1;
            let case = format!("killed: {op:?} / {step}");
            let dir = tempfile::tempdir().unwrap();
            let make_config = || {
                let mut c = test_config(&dir, &[("ORGDESK_BIND", &format!("127.0.0.1:{port}"))]);
                c.local_tenant_issuer = Some(tenant.issuer());
                c.recovery_grace = Duration::ZERO;
                c
            };
            let process = launch(make_config());
            let env = Env {
                base: process.base.clone(),
                tenant: TenantApi::attach(&tenant.base_url).await,
                db: orgdesk::server::store::connect(&format!(
                    "sqlite://{}",
                    dir.path().join("data/orgdesk.db").display()
                ))
                .await
                .unwrap(),
                alice: sign_in(&process.base, &tenant.base_url, "alice@acme.example", ACME).await,
                grace: sign_in(
                    &process.base,
                    &tenant.base_url,
                    "grace@globex.example",
                    GLOBEX,
                )
                .await,
            };
            let (endpoint, body) = op.prepare(&env, n).await;
            env.fault(step, "hold_after", 1).await;
            let caller = op.caller(&env).clone();
            let base = env.base.clone();
            let request = tokio::spawn(async move {
                caller
                    .post(format!("{base}/api/{endpoint}"))
                    .header("content-type", "application/json")
                    .body(body.to_string())
                    .send()
                    .await
                    .map(|r| r.status().as_u16())
            });
            // The step has taken effect and its answer is held: kill orgdesk now.
            tokio::time::sleep(Duration::from_millis(700)).await;
            process.kill();
            assert!(
                request.await.unwrap().is_err(),
                "{case}: the user's request died with the process"
            );
            env.clear().await;

            let restarted = launch(make_config());
            let mut open = 1;
            for _ in 0..100 {
                open = sqlx::query_scalar::<_, i64>(
                    "SELECT COUNT(*) FROM operations WHERE state NOT IN ('done', 'compensated')",
                )
                .fetch_one(&env.db)
                .await
                .unwrap();
                if open == 0 {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            assert_eq!(open, 0, "{case}: the start-up pass settled it");
            let settled: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM audit_events WHERE actor_name = 'orgdesk (recovery)'",
            )
            .fetch_one(&env.db)
            .await
            .unwrap();
            assert_eq!(settled, 1, "{case}: the recovery is in the audit log");
            sweep(&env, &case).await;
            // Leave the tenant clean for the next case: this orgdesk's bots go.
            for client_id in column(&env.db, "SELECT client_id FROM bots").await {
                let (s, e) = env
                    .call(
                        &env.alice,
                        "bots/delete",
                        json!({"org_id": ACME, "client_id": client_id}),
                    )
                    .await;
                assert_eq!(s, 200, "{case}: cleanup: {e}");
            }
            for inv in list(&env.tenant, &format!("organizations/{ACME}/invitations")).await {
                let id = inv["id"].as_str().unwrap();
                env.tenant
                    .mgmt(
                        Method::DELETE,
                        &format!("organizations/{ACME}/invitations/{id}"),
                        None,
                    )
                    .await;
            }
            restarted.kill();
        }
    }
}
