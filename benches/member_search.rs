//! Member search on a large organization (a benchmark, not a test): the local tenant holds N members
//! (default 100,000) in one organization; orgdesk reads them into its mirror (timed, with the number
//! of Management API calls), then answers searches of several shapes (p50/p99 over repeated runs).
//! Run: scripts/bench-members [N]

// A benchmark stops at the first broken assumption: unwrapping is how it says so.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::too_many_lines
)]

use std::time::{Duration, Instant};

use orgdesk::emulator::{self, model::Membership, model::User, EmulatorConfig};
use orgdesk::server::auth0::{ClientConfig, ManagementClient};
use orgdesk::server::identity::demo;
use orgdesk::server::service::member_search;
use orgdesk::server::store::member_mirror;

const ORG: &str = "org_globexTours00001";

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

#[tokio::main]
async fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    let tenant = emulator::start(EmulatorConfig::default())
        .await
        .expect("local tenant");
    {
        let now = tenant.emulator.now_ms();
        let mut t = tenant.emulator.write();
        for i in 0..n {
            let user_id = format!("auth0|bench{i:08}");
            t.users.insert(
                user_id.clone(),
                User {
                    user_id: user_id.clone(),
                    email: format!("person{i:06}@customer{}.example", i % 97),
                    email_verified: true,
                    name: format!("Given{} Family{i:06}", i % 1000),
                    nickname: None,
                    picture: None,
                    password_hash: String::new(),
                    created_at: now,
                    updated_at: now,
                    roles: Vec::new(),
                    connection: "Username-Password-Authentication".into(),
                    totp_secret: None,
                    extra: Default::default(),
                },
            );
            t.members.entry(ORG.to_string()).or_default().insert(
                user_id.clone(),
                Membership {
                    user_id,
                    created_at: now + i as i64,
                    roles: vec![demo::ASSIGNABLE_ROLES[1].to_string()],
                },
            );
        }
    }
    let mgmt = ManagementClient::new(ClientConfig {
        issuer: tenant.issuer(),
        client_id: demo::MGMT_CLIENT_ID.into(),
        client_secret: demo::MGMT_CLIENT_SECRET.to_string().into(),
        timeout: Duration::from_secs(30),
        retry: Default::default(),
    })
    .expect("management client");
    let dir = tempfile::tempdir().expect("temp dir");
    let db = orgdesk::server::store::connect(&format!(
        "sqlite://{}",
        dir.path().join("bench.db").display()
    ))
    .await
    .expect("database");

    let started = Instant::now();
    let count = member_search::sync(&db, &mgmt, &orgdesk::clock::SystemClock, ORG)
        .await
        .expect("sync")
        .expect("a pass ran");
    let pass = started.elapsed();
    let calls = mgmt.calls.load(std::sync::atomic::Ordering::Relaxed);
    println!(
        "members: {count}  mirror pass: {:.1} s  Management API calls: {calls}",
        pass.as_secs_f64()
    );

    for (label, query) in [
        ("exact email", "person054321@customer1.example"),
        ("few matches", "given321 family0543"),
        ("common, rare", "gi family054321"),
        ("email prefix", "person0543"),
        ("name word", "family054321"),
        ("two words", "given321 family0"),
        ("short prefix", "gi"),
        ("domain", "customer42.example"),
        ("no match", "zz-nobody"),
    ] {
        let mut times = Vec::new();
        let mut hits = 0;
        for _ in 0..200 {
            let t = Instant::now();
            hits = member_mirror::search(&db, ORG, query, 50)
                .await
                .expect("search")
                .len();
            times.push(t.elapsed());
        }
        times.sort();
        println!(
            "search {label:<13} {query:<32} hits {hits:>3}  p50 {:>7.2} ms  p99 {:>7.2} ms",
            percentile(&times, 0.5).as_secs_f64() * 1000.0,
            percentile(&times, 0.99).as_secs_f64() * 1000.0
        );
    }
    tenant.shutdown().await;
}
