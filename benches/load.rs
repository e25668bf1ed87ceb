//! Load (a script that prints numbers, not a test): orgdesk with its local tenant, many signed-in
//! sessions of the demo admins hammering pages and server calls for a while. Prints p50/p99 per kind
//! of request, throughput, and every status class; exits non-zero on any 5xx.
//! Run: scripts/load [seconds] [sessions]

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Mutex;

const ADMINS: &[(&str, &str)] = &[
    ("alice@acme.example", "org_acmeTravel000001"),
    ("grace@globex.example", "org_globexTours00001"),
    ("ivan@initech.example", "org_initechTrips0001"),
    ("carol@consult.example", "org_globexTours00001"),
];

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

async fn sign_in(base: &str, tenant: &str, email: &str, org: &str) -> reqwest::Client {
    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let to_tenant = browser
        .get(format!("{base}/login?organization={org}"))
        .send()
        .await
        .expect("login");
    let authorize = to_tenant.headers()["location"]
        .to_str()
        .expect("location")
        .to_string();
    let page = browser
        .get(&authorize)
        .send()
        .await
        .expect("authorize")
        .text()
        .await
        .expect("page");
    let marker = "name=\"tx\" value=\"";
    let start = page.find(marker).expect("login form") + marker.len();
    let tx = page[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_string();
    let back = browser
        .post(format!("{tenant}/u/login"))
        .form(&[
            ("tx", tx.as_str()),
            ("email", email),
            ("password", "Travel0-demo!"),
        ])
        .send()
        .await
        .expect("credentials");
    let callback = back.headers()["location"]
        .to_str()
        .expect("callback")
        .to_string();
    let done = browser.get(&callback).send().await.expect("callback");
    assert_eq!(done.status(), 303, "signed in");
    browser
}

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
    let site = dir.path().join("site");
    std::fs::create_dir_all(site.join("pkg")).expect("site");
    std::fs::write(
        site.join("pkg/orgdesk.js"),
        "export default function init() {}",
    )
    .expect("js");
    let vars: Vec<(String, String)> = [
        ("ORGDESK_BIND", "127.0.0.1:0".to_string()),
        (
            "ORGDESK_DATA_DIR",
            dir.path().join("data").display().to_string(),
        ),
        ("ORGDESK_SITE_ROOT", site.display().to_string()),
        ("ORGDESK_LOCAL_TENANT_BIND", "127.0.0.1:0".to_string()),
        ("ORGDESK_LOG_FORMAT", "human".to_string()),
        // One client address for every session: rate limits would measure themselves, not orgdesk.
        ("ORGDESK_RATE_LIMIT_IP", "0".to_string()),
        ("ORGDESK_RATE_LIMIT_SESSION", "0".to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let config = orgdesk::server::config::Config::from_vars(&vars).expect("config");
    let running = orgdesk::server::start(config).await.expect("start orgdesk");
    let base = running.base_url.clone();
    let tenant = running
        .local_tenant
        .as_ref()
        .expect("local tenant")
        .base_url
        .clone();

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
            percentile(&v, 0.5).as_secs_f64() * 1000.0,
            percentile(&v, 0.99).as_secs_f64() * 1000.0
        );
        everything.extend(v);
    }
    everything.sort();
    println!(
        "{:<28} {:>8} {:>10.2} {:>10.2}",
        "all",
        everything.len(),
        percentile(&everything, 0.5).as_secs_f64() * 1000.0,
        percentile(&everything, 0.99).as_secs_f64() * 1000.0
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
