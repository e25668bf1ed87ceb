//! No secret leaks: full flows run with every log at TRACE, then every rendered page (hydration data
//! included), every answer orgdesk gave after the secret was shown, the logs and every byte of the
//! database are searched for client secrets, tokens, authorization codes and session ids.
//! (The browser bundle is searched by the end-to-end suite: this binary runs before it is built.)

// A test stops at the first broken assumption: unwrapping is how it says so.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::too_many_lines
)]

#[allow(dead_code)]
#[path = "it/helpers.rs"]
mod helpers;

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use secrecy::ExposeSecret;
use serde_json::json;

const ACME: &str = "org_acmeTravel000001";
const API: &str = "https://api.travel0.example/";

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn logs() -> &'static Captured {
    static LOGS: OnceLock<Captured> = OnceLock::new();
    LOGS.get_or_init(|| {
        let captured = Captured::default();
        let writer = captured.clone();
        // Everything at TRACE, except the cookie jar of this test's own browser client (orgdesk
        // never keeps cookies as a client; the jar logs the cookies it is handed).
        tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new("trace,cookie_store=off"))
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .init();
        captured
    })
}

/// Every `name=value` a response sets as a cookie.
fn cookies(r: &reqwest::Response) -> Vec<String> {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .filter_map(|pair| pair.split_once('=').map(|(_, v)| v.to_string()))
        .filter(|v| !v.is_empty())
        .collect()
}

fn query(url: &str, key: &str) -> Option<String> {
    url::Url::parse(url)
        .ok()?
        .query_pairs()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_token_code_or_session_id_appears_anywhere() {
    let logs = logs();
    let app = helpers::spawn_app().await;
    let browser = app.browser();
    let mut secrets: Vec<(String, String)> = Vec::new();

    // Sign in by hand, keeping the authorization code and every session id the browser was given.
    let to_tenant = browser
        .get(app.url(&format!("/login?organization={ACME}")))
        .send()
        .await
        .unwrap();
    for id in cookies(&to_tenant) {
        secrets.push(("pre-login session id".into(), id));
    }
    let callback = helpers::tenant_login(
        &browser,
        &app.tenant_url(""),
        to_tenant,
        "alice@acme.example",
        "Travel0-demo!",
    )
    .await;
    secrets.push((
        "authorization code".into(),
        query(&callback, "code").unwrap(),
    ));
    let done = browser.get(&callback).send().await.unwrap();
    assert_eq!(done.status(), 303);
    let session_ids = cookies(&done);
    assert!(!session_ids.is_empty());
    for id in session_ids {
        secrets.push(("session id".into(), id));
    }

    // The flows: register (the secret is shown once), rotate, a test token, members, invitations.
    let registered = app.register_bot(&browser, ACME, "Leak check").await;
    let client_id = registered["client_id"].as_str().unwrap().to_string();
    secrets.push((
        "client secret".into(),
        registered["client_secret"].as_str().unwrap().into(),
    ));
    let (s, rotated) = app
        .call(
            &browser,
            "bots/rotate",
            json!({"org_id": ACME, "client_id": client_id}),
        )
        .await;
    assert_eq!(s, 200, "{rotated}");
    secrets.push((
        "rotated client secret".into(),
        rotated["client_secret"].as_str().unwrap().into(),
    ));

    let mut answers: Vec<String> = Vec::new();
    let (s, tested) = app
        .call(&browser, "bots/test-token", json!({"org_id": ACME, "client_id": client_id, "audience": API, "secret": rotated["client_secret"]}))
        .await;
    assert_eq!(s, 200, "{tested}");
    answers.push(tested.to_string());
    let (s, invited) = app
        .call(&browser, "invitations/create", json!({"org_id": ACME, "email": "leak@example.com", "roles": ["rol_orgdeskMember001"], "days": 7}))
        .await;
    assert_eq!(s, 200, "{invited}");
    answers.push(invited.to_string());
    for (endpoint, args) in [
        ("me", vec![]),
        ("desk", vec![("org_id", ACME)]),
        ("bots/list", vec![("org_id", ACME)]),
        (
            "bots/get",
            vec![("org_id", ACME), ("client_id", client_id.as_str())],
        ),
        ("members/list", vec![("org_id", ACME)]),
        ("invitations/list", vec![("org_id", ACME)]),
        (
            "audit/list",
            vec![
                ("org_id", ACME),
                ("action", ""),
                ("actor", ""),
                ("since", ""),
                ("until", ""),
            ],
        ),
        ("apps/desk", vec![("org_id", ACME)]),
    ] {
        let (s, body) = app.read(&browser, endpoint, &args).await;
        assert_eq!(s, 200, "{endpoint}: {body}");
        answers.push(body.to_string());
    }
    // Every page, server-rendered with its hydration data.
    for path in [
        "/".to_string(),
        format!("/orgs/{ACME}"),
        format!("/orgs/{ACME}/bots"),
        format!("/orgs/{ACME}/bots/{client_id}"),
        format!("/orgs/{ACME}/members"),
        format!("/orgs/{ACME}/invitations"),
        format!("/orgs/{ACME}/apps"),
        format!("/orgs/{ACME}/audit"),
        format!("/orgs/{ACME}/audit.csv"),
        "/rules".to_string(),
    ] {
        let r = browser.get(app.url(&path)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
        answers.push(r.text().await.unwrap());
    }

    // Every token the tenant issued: orgdesk's Management API token, the ID and access tokens of
    // the sign-in, and the bot's test token.
    let issued: Vec<String> = app
        .client
        .get(app.tenant_url("/__emulator/issued-tokens"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        issued.len() >= 3,
        "management, sign-in and test tokens: {}",
        issued.len()
    );
    for token in issued {
        secrets.push(("issued token".into(), token));
    }
    // The login and Management clients' own secrets.
    let identity = &app.running.state.config.identity;
    secrets.push((
        "login client secret".into(),
        identity.login_client_secret.expose_secret().to_string(),
    ));
    secrets.push((
        "management client secret".into(),
        identity.mgmt_client_secret.expose_secret().to_string(),
    ));

    // Sign out, so the session store has written everything it will.
    let (_, me) = app.read(&browser, "me", &[]).await;
    let r = browser
        .post(app.url("/logout"))
        .form(&[("csrf", me["csrf"].as_str().unwrap())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);

    // The database, every file of it (WAL included), byte for byte.
    let data_dir = &app.running.state.config.data_dir;
    let mut database = Vec::new();
    for entry in std::fs::read_dir(data_dir).unwrap() {
        let path = entry.unwrap().path();
        // orgdesk's own store; the local tenant's file beside it is the identity provider's, which
        // holds client secrets as Auth0 itself does.
        let ours = path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("orgdesk.db"));
        if path.is_file() && ours {
            database.extend(std::fs::read(&path).unwrap());
        }
    }
    assert!(database.len() > 10_000, "the database was read");
    let log_text = String::from_utf8_lossy(&logs.0.lock().unwrap()).to_string();
    assert!(log_text.contains("TRACE"), "TRACE logging was on");

    let haystacks: Vec<(&str, &[u8])> =
        vec![("logs", log_text.as_bytes()), ("database", &database)];
    let mut found = Vec::new();
    for (what, secret) in &secrets {
        assert!(secret.len() >= 16, "{what} is long enough to search for");
        for (i, answer) in answers.iter().enumerate() {
            if answer.contains(secret.as_str()) {
                found.push(format!("{what} in answer #{i}"));
            }
        }
        for (name, bytes) in &haystacks {
            if bytes.windows(secret.len()).any(|w| w == secret.as_bytes()) {
                found.push(format!("{what} in the {name}"));
            }
        }
    }
    if !found.is_empty() {
        for (what, secret) in &secrets {
            for line in log_text.lines().filter(|l| l.contains(secret.as_str())) {
                eprintln!("{what}: {}", &line[..line.len().min(400)]);
            }
        }
    }
    assert!(found.is_empty(), "leaked: {found:#?}");
}
