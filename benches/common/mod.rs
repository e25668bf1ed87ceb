//! What the benchmarks share: starting orgdesk with its local tenant, and signing in as a browser does.
// Included by every benchmark; each uses a part of it.
#![allow(dead_code)]

use std::time::Duration;

#[path = "../../tests/it/tenant_login.rs"]
mod tenant_login;

pub const PASSWORD: &str = "Travel0-demo!";

pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// orgdesk on port 0 with its embedded local tenant, in a temp dir, request-rate limits off (one
/// client address for every session), plus `extra` variables; `change` sets test-only knobs.
pub async fn start(
    dir: &std::path::Path,
    extra: &[(&str, &str)],
    change: impl FnOnce(&mut orgdesk::server::config::Config),
) -> orgdesk::server::Running {
    let site = dir.join("site");
    std::fs::create_dir_all(site.join("pkg")).expect("site");
    std::fs::write(
        site.join("pkg/orgdesk.js"),
        "export default function init() {}",
    )
    .expect("js");
    let mut vars: Vec<(String, String)> = vec![
        ("ORGDESK_BIND".into(), "127.0.0.1:0".into()),
        (
            "ORGDESK_DATA_DIR".into(),
            dir.join("data").display().to_string(),
        ),
        ("ORGDESK_SITE_ROOT".into(), site.display().to_string()),
        ("ORGDESK_LOCAL_TENANT_BIND".into(), "127.0.0.1:0".into()),
        ("ORGDESK_LOG_FORMAT".into(), "human".into()),
        ("ORGDESK_RATE_LIMIT_IP".into(), "0".into()),
        ("ORGDESK_RATE_LIMIT_SESSION".into(), "0".into()),
        ("ORGDESK_RATE_LIMIT_WRITES".into(), "0".into()),
    ];
    for (k, v) in extra {
        vars.retain(|(name, _)| name != k);
        vars.push((k.to_string(), v.to_string()));
    }
    let mut config = orgdesk::server::config::Config::from_vars(&vars).expect("config");
    change(&mut config);
    orgdesk::server::start(config).await.expect("start orgdesk")
}

/// The embedded local tenant's base URL.
pub fn tenant_url(running: &orgdesk::server::Running) -> String {
    running
        .local_tenant
        .as_ref()
        .expect("local tenant")
        .base_url
        .clone()
}

pub async fn sign_in(base: &str, tenant: &str, email: &str, org: &str) -> reqwest::Client {
    sign_in_with_jar(base, tenant, email, org).await.0
}

/// Signs in; the session's `Cookie` header, for a load generator outside this process.
pub async fn session_cookie(base: &str, tenant: &str, email: &str, org: &str) -> String {
    use reqwest::cookie::CookieStore;
    let (_, jar) = sign_in_with_jar(base, tenant, email, org).await;
    let url = base.parse().expect("base URL");
    jar.cookies(&url)
        .and_then(|v| v.to_str().ok().map(String::from))
        .expect("a session cookie")
}

async fn sign_in_with_jar(
    base: &str,
    tenant: &str,
    email: &str,
    org: &str,
) -> (reqwest::Client, std::sync::Arc<reqwest::cookie::Jar>) {
    let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
    // Like a browser, the client takes br and gzip; BENCH_IDENTITY=1 asks for plain bytes, to compare
    // with a build that did not compress.
    let mut builder = reqwest::Client::builder()
        .cookie_provider(jar.clone())
        .redirect(reqwest::redirect::Policy::none());
    if std::env::var_os("BENCH_IDENTITY").is_some() {
        builder = builder.no_gzip().no_brotli();
    }
    let browser = builder.build().expect("client");
    let to_tenant = browser
        .get(format!("{base}/login?organization={org}"))
        .send()
        .await
        .expect("login");
    let authorize = to_tenant.headers()["location"]
        .to_str()
        .expect("location")
        .to_string();
    let back = tenant_login::submit_login(&browser, tenant, &authorize, email, PASSWORD).await;
    let callback = back.headers()["location"]
        .to_str()
        .expect("callback")
        .to_string();
    let done = browser.get(&callback).send().await.expect("callback");
    assert_eq!(done.status(), 303, "signed in");
    (browser, jar)
}
