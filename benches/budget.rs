//! Rate-limit budget (a script that prints numbers, not a test): the local tenant on Auth0's free plan
//! (Management API: 2 requests a second, burst 2) and orgdesk told so (`ORGDESK_AUTH0_RATE_LIMIT=free`).
//! Twenty admins — twenty distinct users spread over the three customer organizations — each do a run of desk
//! actions at once: renaming a bot (a change: live role check, live ownership read, the write), opening
//! the members list and a bot's page (views). Prints failed actions (the target is none), the wall
//! time against the time the rate limit itself imposes on the calls made (target ≤ 1.2×), 429s seen,
//! and latency per kind of action. Run: scripts/budget [admins=20] [actions=100]

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

const ORGS: [&str; 3] = [
    "org_acmeTravel000001",
    "org_globexTours00001",
    "org_initechTrips0001",
];

/// The Travel0 demo plus `admins` admins spread over the customer organizations.
fn seed(admins: usize) -> String {
    let mut seed: Value =
        serde_json::from_str(include_str!("../src/emulator/seed/travel0.json")).expect("seed");
    for i in 0..admins {
        let org = ORGS[i % 3];
        let email = format!("admin{i:02}@bench.example");
        seed["users"]
            .as_array_mut()
            .expect("users")
            .push(json!({"email": email, "name": format!("Bench Admin {i}")}));
        let members = seed["organizations"]
            .as_array_mut()
            .expect("orgs")
            .iter_mut()
            .find(|o| o["id"] == org)
            .expect("org")["members"]
            .as_array_mut()
            .expect("members");
        members.push(json!({"email": email, "roles": ["admin"]}));
    }
    seed.to_string()
}

async fn call(client: &reqwest::Client, base: &str, endpoint: &str, body: Value) -> (u16, Value) {
    match client
        .post(format!("{base}/api/{endpoint}"))
        .header("content-type", "application/json")
        .header("origin", base)
        .body(body.to_string())
        .send()
        .await
    {
        Ok(r) => {
            let status = r.status().as_u16();
            (status, r.json().await.unwrap_or(Value::Null))
        }
        Err(e) => (599, json!(e.to_string())),
    }
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1).filter(|a| a != "--bench");
    let admins: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(20);
    let actions: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(100);

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("port")
        .local_addr()
        .expect("addr")
        .port();
    let tenant = orgdesk::emulator::start(orgdesk::emulator::EmulatorConfig {
        control_api: true,
        seed: Some(seed(admins)),
        app_url: format!("http://127.0.0.1:{port}"),
        ..Default::default()
    })
    .await
    .expect("tenant");
    let dir = tempfile::tempdir().expect("dir");
    let bind = format!("127.0.0.1:{port}");
    let running = common::start(
        dir.path(),
        &[
            ("ORGDESK_BIND", &bind),
            ("ORGDESK_AUTH0_RATE_LIMIT", "free"),
        ],
        |c| c.local_tenant_issuer = Some(tenant.issuer()),
    )
    .await;
    let base = running.base_url.clone();

    // Set-up on a generous plan: sign in, one bot each.
    let mut people = Vec::new();
    for i in 0..admins {
        let org = ORGS[i % 3];
        let client = sign_in(
            &base,
            &tenant.base_url,
            &format!("admin{i:02}@bench.example"),
            org,
        )
        .await;
        let (status, bot) = call(&client, &base, "bots/register", json!({"org_id": org, "name": format!("bench {i}"),
            "description": "", "audience": "https://api.travel0.example/", "scopes": ["read:bookings"],
            "idempotency_key": uuid::Uuid::new_v4().to_string()})).await;
        assert_eq!(status, 200, "{bot}");
        people.push((
            client,
            org,
            bot["client_id"].as_str().expect("bot").to_string(),
        ));
    }
    let plan = reqwest::Client::new()
        .put(format!("{}/__emulator/plan", tenant.base_url))
        .json(&json!({"plan": "free"}))
        .send()
        .await
        .expect("plan");
    assert!(plan.status().is_success());
    tokio::time::sleep(Duration::from_secs(2)).await; // the free bucket fills

    let mgmt = running.state.mgmt.clone();
    let calls_before = mgmt.calls.load(Ordering::Relaxed);
    let throttled_before = mgmt.throttled.load(Ordering::Relaxed);
    println!("{admins} admins × {actions} actions at once; Auth0 free plan (2 calls/s, burst 2), orgdesk paced to it");
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (i, (client, org, bot)) in people.into_iter().enumerate() {
        let base = base.clone();
        tasks.push(tokio::spawn(async move {
            let mut done: Vec<(&'static str, Duration, u16, String)> = Vec::new();
            for n in 0..actions {
                let t = Instant::now();
                let (kind, (status, body)) = match n % 5 {
                    0 | 2 => ("change: rename a bot", call(&client, &base, "bots/rename",
                        json!({"org_id": org, "client_id": bot, "name": format!("bench {i} v{n}")})).await),
                    1 | 3 => ("view: members list", call(&client, &base, "members/list",
                        json!({"org_id": org, "from": null})).await),
                    _ => ("view: a bot", call(&client, &base, "bots/get",
                        json!({"org_id": org, "client_id": bot})).await),
                };
                let why = if status == 200 { String::new() } else { body.to_string() };
                done.push((kind, t.elapsed(), status, why));
            }
            done
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.expect("admin"));
    }
    let wall = started.elapsed();
    let calls = mgmt.calls.load(Ordering::Relaxed) - calls_before;
    let throttled = mgmt.throttled.load(Ordering::Relaxed) - throttled_before;
    // The bucket starts full (2) and refills at 2 a second: the least time those calls can take.
    let imposed = Duration::from_secs_f64(calls.saturating_sub(2) as f64 / 2.0);
    let failed: Vec<_> = all.iter().filter(|a| a.2 != 200).collect();

    println!(
        "\n{:<24} {:>6} {:>10} {:>10} {:>10}",
        "action", "n", "p50 s", "p99 s", "max s"
    );
    let mut kinds: Vec<&str> = all.iter().map(|a| a.0).collect();
    kinds.sort();
    kinds.dedup();
    for kind in kinds {
        let mut times: Vec<Duration> = all.iter().filter(|a| a.0 == kind).map(|a| a.1).collect();
        times.sort();
        println!(
            "{kind:<24} {:>6} {:>10.2} {:>10.2} {:>10.2}",
            times.len(),
            ms(percentile(&times, 0.5)) / 1000.0,
            ms(percentile(&times, 0.99)) / 1000.0,
            ms(*times.last().unwrap_or(&Duration::ZERO)) / 1000.0
        );
    }
    println!(
        "\nactions: {} done, {} failed",
        all.len() - failed.len(),
        failed.len()
    );
    for f in failed.iter().take(5) {
        println!("  failed: {} → {} {}", f.0, f.2, f.3);
    }
    println!(
        "Management API calls: {calls} ({:.2} per action); answered 429: {throttled}",
        calls as f64 / all.len() as f64
    );
    println!(
        "wall time {:.1} s; the rate limit alone imposes {:.1} s for those calls; ratio {:.3} (target ≤ 1.2)",
        wall.as_secs_f64(),
        imposed.as_secs_f64(),
        wall.as_secs_f64() / imposed.as_secs_f64().max(0.001)
    );
    running.shutdown().await;
    tenant.shutdown().await;
    if !failed.is_empty() {
        std::process::exit(1);
    }
}
