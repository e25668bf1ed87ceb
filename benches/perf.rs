//! Performance (a script that prints numbers, not a test). Three parts:
//! 1. Every desk page and every change, one at a time, with the local tenant answering each call after
//!    a fixed latency: p50/p99, orgdesk's own overhead (time not spent waiting for the tenant), and the
//!    Management API calls each made. Pages are measured cold (right after a change to the
//!    organization, so nothing is cached) and warm.
//! 2. Throughput: signed-in page views per second with a zero-latency tenant (load from wrk).
//! 3. The Management API token: how many were fetched over the whole run.
//!
//! Run: scripts/perf [latency_ms=20] [seconds=20] [sessions=64]

// A benchmark stops at the first broken assumption: unwrapping is how it says so.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::too_many_lines
)]

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

#[path = "common/mod.rs"]
mod common;
use common::{ms, percentile, sign_in};

const ACME: &str = "org_acmeTravel000001";
const API: &str = "https://api.travel0.example/";

struct Probe {
    elapsed: Duration,
    upstream: Duration,
    reads: u64,
    writes: u64,
}

#[derive(Default)]
struct Row {
    probes: Vec<Probe>,
}

impl Row {
    fn print(&self, name: &str) {
        let mut elapsed: Vec<Duration> = self.probes.iter().map(|p| p.elapsed).collect();
        let mut overhead: Vec<Duration> = self
            .probes
            .iter()
            .map(|p| p.elapsed.saturating_sub(p.upstream))
            .collect();
        elapsed.sort();
        overhead.sort();
        let n = self.probes.len().max(1) as f64;
        let reads: u64 = self.probes.iter().map(|p| p.reads).sum();
        let writes: u64 = self.probes.iter().map(|p| p.writes).sum();
        println!(
            "{name:<34} {:>5} {:>9.2} {:>9.2} {:>11.2} {:>7.2} {:>7.2}",
            self.probes.len(),
            ms(percentile(&elapsed, 0.5)),
            ms(percentile(&elapsed, 0.99)),
            ms(percentile(&overhead, 0.5)),
            reads as f64 / n,
            writes as f64 / n,
        );
    }
}

fn header(title: &str) {
    println!("\n{title}");
    println!(
        "{:<34} {:>5} {:>9} {:>9} {:>11} {:>7} {:>7}",
        "", "n", "p50 ms", "p99 ms", "overhead50", "reads", "writes"
    );
}

struct Bench {
    running: orgdesk::server::Running,
    base: String,
}

impl Bench {
    fn mgmt(&self) -> &orgdesk::server::auth0::ManagementClient {
        &self.running.state.mgmt
    }

    /// Runs one request and attributes the Management API calls made meanwhile to it.
    async fn probe<F: std::future::Future<Output = (u16, Value)>>(
        &self,
        request: F,
    ) -> (Probe, Value) {
        let m = self.mgmt();
        let (r0, w0, u0) = (
            m.reads.load(Ordering::Relaxed),
            m.writes.load(Ordering::Relaxed),
            m.upstream.micros(),
        );
        let started = Instant::now();
        let (status, body) = request.await;
        let elapsed = started.elapsed();
        assert!(status < 400, "answered {status}: {body}");
        (
            Probe {
                elapsed,
                upstream: Duration::from_micros(m.upstream.micros() - u0),
                reads: m.reads.load(Ordering::Relaxed) - r0,
                writes: m.writes.load(Ordering::Relaxed) - w0,
            },
            body,
        )
    }

    async fn page(&self, browser: &reqwest::Client, path: &str) -> (u16, Value) {
        let response = browser
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("page");
        let status = response.status().as_u16();
        let _ = response.bytes().await;
        (status, Value::Null)
    }

    async fn call(&self, browser: &reqwest::Client, endpoint: &str, body: Value) -> (u16, Value) {
        let response = browser
            .post(format!("{}/api/{endpoint}", self.base))
            .header("content-type", "application/json")
            .header("origin", &self.base)
            .body(body.to_string())
            .send()
            .await
            .expect("call");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }
}

async fn set_latency(tenant: &str, ms: u64) {
    let ok = reqwest::Client::new()
        .put(format!("{tenant}/__emulator/latency"))
        .json(&json!({"min_ms": ms, "max_ms": ms}))
        .send()
        .await
        .expect("latency")
        .status()
        .is_success();
    assert!(ok, "the tenant's control API is on");
}

fn register_body(name: &str) -> Value {
    json!({"org_id": ACME, "name": name, "description": "", "audience": API,
        "scopes": ["read:bookings"], "idempotency_key": uuid::Uuid::new_v4().to_string()})
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1).filter(|a| a != "--bench");
    let latency: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(20);
    let seconds: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(20);
    let sessions: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(64);
    let rounds = 30;

    let dir = tempfile::tempdir().expect("temp dir");
    let running = common::start(dir.path(), &[], |c| c.local_tenant_control_api = true).await;
    let base = running.base_url.clone();
    let tenant = common::tenant_url(&running);
    let bench = Bench { running, base };
    let alice = sign_in(&bench.base, &tenant, "alice@acme.example", ACME).await;
    let sam = sign_in(
        &bench.base,
        &tenant,
        "sam@travel0.example",
        "org_travel0Support01",
    )
    .await;

    // A bot to look at, and Bob's id for the role changes.
    let (_, bot) = bench
        .call(&alice, "bots/register", register_body("bench-bot"))
        .await;
    let bot_id = bot["client_id"].as_str().expect("a bot").to_string();
    let (_, members) = bench
        .call(
            &alice,
            "members/list",
            json!({"org_id": ACME, "from": null}),
        )
        .await;
    let bob = members["members"]
        .as_array()
        .and_then(|m| m.iter().find(|m| m["email"] == "bob@acme.example"))
        .and_then(|m| m["user_id"].as_str())
        .expect("bob")
        .to_string();

    set_latency(&tenant, latency).await;
    println!("orgdesk + local tenant, every Management API call answered after {latency} ms; {rounds} rounds each, one at a time");
    println!("overhead50: p50 of (time − time waiting for the tenant); reads/writes: Management API calls per request");

    let pages: Vec<(String, &reqwest::Client, String)> = vec![
        ("page overview".into(), &alice, format!("/orgs/{ACME}")),
        ("page bots".into(), &alice, format!("/orgs/{ACME}/bots")),
        (
            "page bot".into(),
            &alice,
            format!("/orgs/{ACME}/bots/{bot_id}"),
        ),
        (
            "page members".into(),
            &alice,
            format!("/orgs/{ACME}/members"),
        ),
        (
            "page invitations".into(),
            &alice,
            format!("/orgs/{ACME}/invitations"),
        ),
        (
            "page audit log".into(),
            &alice,
            format!("/orgs/{ACME}/audit"),
        ),
        ("page apps".into(), &alice, format!("/orgs/{ACME}/apps")),
        ("page support".into(), &sam, "/support".into()),
        (
            "page support organization".into(),
            &sam,
            format!("/support/orgs/{ACME}"),
        ),
    ];
    let db = bench.running.state.db.clone();
    for (title, cold) in [
        ("Pages, cold (just after a change: nothing cached)", true),
        ("Pages, warm", false),
    ] {
        header(title);
        for (name, who, path) in &pages {
            let mut row = Row::default();
            for _ in 0..rounds {
                if cold {
                    orgdesk::server::cache::invalidate(
                        &db,
                        ACME,
                        orgdesk::server::cache::Stale::Joined,
                    )
                    .await;
                }
                row.probes.push(bench.probe(bench.page(who, path)).await.0);
            }
            row.print(name);
        }
    }

    header("Changes");
    let mut rows: Vec<(&str, Row)> = Vec::new();
    let mut row = |name: &'static str, probe: Probe| match rows.iter_mut().find(|(n, _)| *n == name)
    {
        Some((_, r)) => r.probes.push(probe),
        None => rows.push((
            name,
            Row {
                probes: vec![probe],
            },
        )),
    };
    for i in 0..rounds {
        let (p, body) = bench
            .probe(bench.call(&alice, "bots/register", register_body(&format!("b{i}"))))
            .await;
        row("register a bot", p);
        let id = body["client_id"].as_str().expect("registered").to_string();
        let (p, _) = bench
            .probe(bench.call(
                &alice,
                "bots/rename",
                json!({"org_id": ACME, "client_id": id, "name": format!("r{i}")}),
            ))
            .await;
        row("rename a bot", p);
        let (p, _) = bench
            .probe(bench.call(
                &alice,
                "bots/rotate",
                json!({"org_id": ACME, "client_id": id}),
            ))
            .await;
        row("rotate a secret", p);
        let (p, _) = bench
            .probe(bench.call(&alice, "bots/scopes", json!({"org_id": ACME, "client_id": id, "audience": API, "scopes": ["read:bookings", "write:bookings"]})))
            .await;
        row("change scopes", p);
        let (p, _) = bench
            .probe(bench.call(
                &alice,
                "bots/revoke",
                json!({"org_id": ACME, "client_id": id, "audience": API}),
            ))
            .await;
        row("revoke API access", p);
        let (p, _) = bench
            .probe(bench.call(
                &alice,
                "bots/delete",
                json!({"org_id": ACME, "client_id": id}),
            ))
            .await;
        row("delete a bot", p);
        let (p, _) = bench
            .probe(bench.call(&alice, "members/role", json!({"org_id": ACME, "user_id": bob, "role_id": "rol_orgdeskBilling01", "on": i % 2 == 0})))
            .await;
        row("give/take a member's role", p);
        let (p, body) = bench
            .probe(bench.call(&alice, "invitations/create", json!({"org_id": ACME, "email": format!("new{i}@acme.example"), "roles": ["rol_orgdeskMember001"], "days": 7})))
            .await;
        row("invite a member", p);
        let invitation = body["id"].as_str().expect("invited").to_string();
        let (p, _) = bench
            .probe(bench.call(
                &alice,
                "invitations/revoke",
                json!({"org_id": ACME, "id": invitation}),
            ))
            .await;
        row("revoke an invitation", p);
    }
    for (name, r) in &rows {
        r.print(name);
    }

    // Throughput: zero latency, many sessions of the demo admins, desk pages only, warm. The load
    // comes from wrk (C, epoll), so the client takes as little of the two cores as it can.
    set_latency(&tenant, 0).await;
    let admins = [
        ("alice@acme.example", ACME),
        ("grace@globex.example", "org_globexTours00001"),
        ("ivan@initech.example", "org_initechTrips0001"),
        ("carol@consult.example", "org_globexTours00001"),
    ];
    let mut requests = Vec::new();
    for i in 0..sessions {
        let (email, org) = admins[i % admins.len()];
        let cookie = common::session_cookie(&bench.base, &tenant, email, org).await;
        for page in ["", "/bots", "/members", "/audit"] {
            requests.push(format!("{{\"/orgs/{org}{page}\", \"{cookie}\"}}"));
        }
    }
    let script = dir.path().join("pages.lua");
    std::fs::write(
        &script,
        format!(
            "local r = {{ {} }}\nlocal n = 0\nrequest = function()\n  n = n + 1\n  local x = r[(n % #r) + 1]\n  return wrk.format(\"GET\", x[1], {{ Cookie = x[2] }})\nend\n",
            requests.join(", ")
        ),
    )
    .expect("wrk script");
    let calls_before = bench.mgmt().calls.load(Ordering::Relaxed);
    let connections = sessions.to_string();
    let duration = format!("{seconds}s");
    let target = bench.base.clone();
    let wrk = tokio::task::spawn_blocking(move || {
        std::process::Command::new("wrk")
            .args([
                "-t2",
                "-c",
                &connections,
                "-d",
                &duration,
                "--latency",
                "-s",
            ])
            .arg(&script)
            .arg(&target)
            .output()
    })
    .await
    .expect("wrk task")
    .expect("wrk (Debian package wrk; scripts/perf installs it)");
    let out = String::from_utf8_lossy(&wrk.stdout);
    let field = |prefix: &str| {
        out.lines()
            .find_map(|l| l.trim().strip_prefix(prefix).map(|v| v.trim().to_string()))
            .unwrap_or_else(|| "-".into())
    };
    let views: f64 = field("Requests/sec:").parse().unwrap_or(0.0);
    let total: f64 = out
        .lines()
        .find(|l| l.contains("requests in"))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0.0);
    let non_2xx: u64 = field("Non-2xx or 3xx responses:").parse().unwrap_or(0);
    let errors = field("Socket errors:");
    let calls = bench.mgmt().calls.load(Ordering::Relaxed) - calls_before;
    println!("\nThroughput: {sessions} signed-in sessions (wrk, 2 threads, a connection each), desk pages (overview, bots, members, audit), zero-latency tenant, {seconds} s");
    println!(
        "  {views:.0} page views/s (target ≥ 3000); p50 {}, p99 {}; non-2xx {non_2xx}; socket errors {errors}; {calls} Management API calls ({:.4} per view)",
        field("50%"),
        field("99%"),
        calls as f64 / total.max(1.0)
    );
    let failed = non_2xx > 0 || views == 0.0;
    println!(
        "\nManagement API tokens fetched over the whole run: {}",
        bench.mgmt().token_fetches.load(Ordering::Relaxed)
    );
    bench.running.shutdown().await;
    if failed {
        std::process::exit(1);
    }
}
