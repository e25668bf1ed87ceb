//! Load (a script that prints numbers, not a test): orgdesk with its local tenant, many signed-in
//! sessions of the demo admins hammering pages and server calls for a while. Prints p50/p99 per kind
//! of request, throughput, and every status class; exits non-zero on any 5xx.
//! Run: scripts/load [seconds] [sessions]

// A benchmark stops at the first broken assumption: unwrapping is how it says so.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::too_many_lines
)]

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Mutex;

#[path = "common/mod.rs"]
mod common;
use common::{ms, percentile, sign_in};

const ADMINS: &[(&str, &str)] = &[
    ("alice@acme.example", "org_acmeTravel000001"),
    ("grace@globex.example", "org_globexTours00001"),
    ("ivan@initech.example", "org_initechTrips0001"),
    ("carol@consult.example", "org_globexTours00001"),
];

#[derive(Default)]
struct Tally {
    latencies: BTreeMap<&'static str, Vec<Duration>>,
    statuses: BTreeMap<u16, u64>,
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1).filter(|a| a != "--bench");
    let seconds: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(60);
    let sessions: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(64);

    let dir = tempfile::tempdir().expect("temp dir");
    let running = common::start(dir.path(), &[], |_| {}).await;
    let base = running.base_url.clone();
    let tenant = common::tenant_url(&running);

    let mut clients = Vec::new();
    for i in 0..sessions {
        let (email, org) = ADMINS[i % ADMINS.len()];
        clients.push((sign_in(&base, &tenant, email, org).await, org));
    }
    println!("{sessions} signed-in sessions; {seconds} s of load");

    let tally = Arc::new(Mutex::new(Tally::default()));
    let upstream_before = running
        .state
        .mgmt
        .calls
        .load(std::sync::atomic::Ordering::Relaxed);
    let started = Instant::now();
    let until = started + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for (client, org) in clients {
        let base = base.clone();
        let tally = tally.clone();
        tasks.push(tokio::spawn(async move {
            let mut local = Tally::default();
            let body = serde_json::json!({ "org_id": org }).to_string();
            let mut i = 0usize;
            while Instant::now() < until {
                let (kind, request) = match i % 6 {
                    0 => ("page /orgs/<org>", client.get(format!("{base}/orgs/{org}"))),
                    1 => (
                        "page /orgs/<org>/bots",
                        client.get(format!("{base}/orgs/{org}/bots")),
                    ),
                    2 => (
                        "page /orgs/<org>/members",
                        client.get(format!("{base}/orgs/{org}/members")),
                    ),
                    3 => (
                        "page /orgs/<org>/audit",
                        client.get(format!("{base}/orgs/{org}/audit")),
                    ),
                    4 => (
                        "call bots/list",
                        client
                            .post(format!("{base}/api/bots/list"))
                            .header("content-type", "application/json")
                            .body(body.clone()),
                    ),
                    _ => (
                        "call members/list",
                        client
                            .post(format!("{base}/api/members/list"))
                            .header("content-type", "application/json")
                            .body(body.clone()),
                    ),
                };
                i += 1;
                let t = Instant::now();
                let status = match request.send().await {
                    Ok(r) => {
                        let s = r.status().as_u16();
                        let _ = r.bytes().await;
                        s
                    }
                    Err(_) => 599,
                };
                local.latencies.entry(kind).or_default().push(t.elapsed());
                *local.statuses.entry(status).or_default() += 1;
            }
            let mut all = tally.lock().await;
            for (k, v) in local.latencies {
                all.latencies.entry(k).or_default().extend(v);
            }
            for (s, n) in local.statuses {
                *all.statuses.entry(s).or_default() += n;
            }
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let upstream = running
        .state
        .mgmt
        .calls
        .load(std::sync::atomic::Ordering::Relaxed)
        - upstream_before;
    let tally = tally.lock().await;
    let total: u64 = tally.statuses.values().sum();
    println!(
        "{:<28} {:>8} {:>10} {:>10}",
        "request", "count", "p50 ms", "p99 ms"
    );
    let mut everything = Vec::new();
    for (kind, v) in &tally.latencies {
        let mut v = v.clone();
        v.sort();
        println!(
            "{kind:<28} {:>8} {:>10.2} {:>10.2}",
            v.len(),
            ms(percentile(&v, 0.5)),
            ms(percentile(&v, 0.99))
        );
        everything.extend(v);
    }
    everything.sort();
    println!(
        "{:<28} {:>8} {:>10.2} {:>10.2}",
        "all",
        everything.len(),
        ms(percentile(&everything, 0.5)),
        ms(percentile(&everything, 0.99))
    );
    println!(
        "throughput: {:.0} requests/s over {elapsed:.1} s",
        total as f64 / elapsed
    );
    println!(
        "Management API calls: {upstream} ({:.3} per request)",
        upstream as f64 / total as f64
    );
    println!("statuses: {:?}", tally.statuses);
    let failures: u64 = tally
        .statuses
        .iter()
        .filter(|(s, _)| **s >= 500)
        .map(|(_, n)| n)
        .sum();
    println!("5xx: {failures}");
    if failures > 0 {
        std::process::exit(1);
    }
}
