//! `spawn_app()`: a fresh orgdesk on port 0 with its own data directory, and a cookie-keeping client.

use orgdesk::server::{config::Config, start, Running};
use tempfile::TempDir;

// The benchmarks include it too.
#[path = "tenant_login.rs"]
pub mod tenant_login;

pub struct TestApp {
    pub running: Running,
    pub client: reqwest::Client,
    _dir: TempDir,
}

impl TestApp {
    /// Calls that reached the tenant's Management API so far (token requests included).
    pub fn mgmt_calls(&self) -> u64 {
        self.running
            .state
            .mgmt
            .calls
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.running.base_url, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request")
    }

    /// A page's HTML as `browser` (signed in or not) gets it.
    pub async fn page_html(&self, browser: &reqwest::Client, path: &str) -> String {
        browser
            .get(self.url(path))
            .send()
            .await
            .expect("request")
            .text()
            .await
            .expect("page body")
    }

    /// A fresh browser (its own cookies) on the same app.
    pub fn browser(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
    }

    pub fn tenant_url(&self, path: &str) -> String {
        format!(
            "{}{}",
            self.running.local_tenant.as_ref().unwrap().base_url,
            path
        )
    }

    /// Signs in through the real redirects: orgdesk → the tenant's login page → back to the callback.
    /// Returns the final response of the callback.
    pub async fn sign_in_with(
        &self,
        browser: &reqwest::Client,
        email: &str,
        organization: Option<&str>,
    ) -> reqwest::Response {
        let login = match organization {
            Some(org) => format!("/login?organization={org}"),
            None => "/login".to_string(),
        };
        let to_tenant = browser.get(self.url(&login)).send().await.unwrap();
        self.through_tenant_login(browser, to_tenant, email, "Travel0-demo!")
            .await
    }

    /// Alice, Acme's admin in the demo, through the whole sign-in to Acme: the callback's response.
    pub async fn alice_signs_in(&self, browser: &reqwest::Client) -> reqwest::Response {
        let acme = "org_acmeTravel000001";
        self.sign_in_with(browser, "alice@acme.example", Some(acme))
            .await
    }

    /// From orgdesk's redirect to the tenant: the login (or sign-up) page, the credentials, and back to
    /// orgdesk's callback. Returns the callback's response.
    pub async fn through_tenant_login(
        &self,
        browser: &reqwest::Client,
        to_tenant: reqwest::Response,
        email: &str,
        password: &str,
    ) -> reqwest::Response {
        let callback =
            tenant_login(browser, &self.tenant_url(""), to_tenant, email, password).await;
        assert!(callback.starts_with(&self.running.base_url), "{callback}");
        browser.get(&callback).send().await.unwrap()
    }

    pub async fn sign_in(&self, email: &str, organization: &str) -> reqwest::Client {
        let browser = self.browser();
        let done = self.sign_in_with(&browser, email, Some(organization)).await;
        assert_eq!(
            done.status(),
            303,
            "signed in: {}",
            done.text().await.unwrap_or_default()
        );
        browser
    }

    /// The session's form token for `browser` (what orgdesk's pages put in each change form).
    pub async fn form_token(&self, browser: &reqwest::Client) -> String {
        let (_, me) = self.read(browser, "me", &[]).await;
        me["csrf"].as_str().expect("signed in").to_string()
    }

    /// A change form posted as the browser posts it (`/forms/<endpoint>`, from orgdesk's own origin).
    pub fn post_form(&self, browser: &reqwest::Client, endpoint: &str) -> reqwest::RequestBuilder {
        browser
            .post(self.url(&format!("/forms/{endpoint}")))
            .header("origin", &self.running.base_url)
    }

    /// A JSON server function as the browser calls it.
    pub async fn call(
        &self,
        browser: &reqwest::Client,
        endpoint: &str,
        body: serde_json::Value,
    ) -> (u16, serde_json::Value) {
        let response = browser
            .post(self.url(&format!("/api/{endpoint}")))
            .header("content-type", "application/json")
            .header("origin", &self.running.base_url)
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (
            status,
            response.json().await.unwrap_or(serde_json::Value::Null),
        )
    }

    /// Registers a bot for Acme's API with `read:bookings`; answers the client id and the secret.
    pub async fn register_bot(
        &self,
        browser: &reqwest::Client,
        org: &str,
        name: &str,
    ) -> serde_json::Value {
        let (status, body) = self
            .call(
                browser,
                "bots/register",
                serde_json::json!({"org_id": org, "name": name, "description": "", "audience": "https://api.travel0.example/",
                    "scopes": ["read:bookings"], "idempotency_key": uuid::Uuid::new_v4().to_string()}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        body
    }

    /// A read server function, its arguments given as pairs (whole numbers are sent as numbers).
    pub async fn read(
        &self,
        browser: &reqwest::Client,
        endpoint: &str,
        form: &[(&str, &str)],
    ) -> (u16, serde_json::Value) {
        let body: serde_json::Map<String, serde_json::Value> = form
            .iter()
            .map(|(k, v)| {
                let value = match v.parse::<u64>() {
                    Ok(n) => serde_json::json!(n),
                    Err(_) => serde_json::json!(v),
                };
                (k.to_string(), value)
            })
            .collect();
        self.call(browser, endpoint, serde_json::Value::Object(body))
            .await
    }

    pub async fn call_server_fn(&self, name: &str) -> reqwest::Response {
        self.client
            .post(self.url(&format!("/api/{name}")))
            .header("content-type", "application/json")
            .body("{}")
            .send()
            .await
            .expect("server fn request")
    }
}

/// Config for a test server: port 0, temp data dir, and a site root holding a stand-in bundle
/// (SSR tests read HTML; the browser tests use the real bundle).
pub fn test_config(dir: &TempDir, extra: &[(&str, &str)]) -> Config {
    let site = dir.path().join("site");
    std::fs::create_dir_all(site.join("pkg")).unwrap();
    std::fs::write(
        site.join("pkg/orgdesk.js"),
        "export default function init() {}",
    )
    .unwrap();
    std::fs::write(site.join("pkg/orgdesk.css"), "body{}").unwrap();
    let mut vars: Vec<(String, String)> = vec![
        ("ORGDESK_BIND".into(), "127.0.0.1:0".into()),
        (
            "ORGDESK_DATA_DIR".into(),
            dir.path().join("data").display().to_string(),
        ),
        ("ORGDESK_SITE_ROOT".into(), site.display().to_string()),
        ("ORGDESK_LOCAL_TENANT_BIND".into(), "127.0.0.1:0".into()),
        // Rate limits are off unless a test is about them: tests act faster than any admin.
        ("ORGDESK_RATE_LIMIT_IP".into(), "0".into()),
        ("ORGDESK_RATE_LIMIT_SESSION".into(), "0".into()),
        ("ORGDESK_RATE_LIMIT_WRITES".into(), "0".into()),
    ];
    for (key, value) in extra {
        vars.retain(|(k, _)| k != key);
        vars.push((key.to_string(), value.to_string()));
    }
    let mut config = Config::from_vars(&vars).expect("test config");
    // Tests that count Management API calls must not meet the background log pass.
    config.usage_pass = None;
    config.webhook_pass = None;
    config
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

/// A test server with settings that have no environment variable (test-only knobs).
pub async fn spawn_app_config(change: impl FnOnce(&mut Config)) -> TestApp {
    spawn(&[], change).await
}

/// A test server with extra configuration variables.
pub async fn spawn_app_with(extra: &[(&str, &str)]) -> TestApp {
    spawn(extra, |_| {}).await
}

async fn spawn(extra: &[(&str, &str)], change: impl FnOnce(&mut Config)) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let mut config = test_config(&dir, extra);
    change(&mut config);
    config.local_tenant_control_api = true;
    let running = start(config).await.expect("start orgdesk");
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    TestApp {
        running,
        client,
        _dir: dir,
    }
}

/// From orgdesk's redirect to the tenant (`tenant` is its base URL): the login (or sign-up) page, the
/// credentials, and the tenant's redirect back. Answers the callback URL (it carries the code).
pub async fn tenant_login(
    browser: &reqwest::Client,
    tenant: &str,
    to_tenant: reqwest::Response,
    email: &str,
    password: &str,
) -> String {
    assert_eq!(to_tenant.status(), 303, "orgdesk redirects to the tenant");
    let authorize = to_tenant.headers()["location"]
        .to_str()
        .unwrap()
        .to_string();
    let back = tenant_login::submit_login(browser, tenant, &authorize, email, password).await;
    assert_eq!(back.status(), 302, "the tenant sends the browser back");
    back.headers()["location"].to_str().unwrap().to_string()
}

/// A member's user id, as `members/list` answers it to an admin of `org`.
pub async fn member_id(app: &TestApp, admin: &reqwest::Client, org: &str, email: &str) -> String {
    let (_, page) = app.read(admin, "members/list", &[("org_id", org)]).await;
    page["members"]
        .as_array()
        .expect("a members page")
        .iter()
        .find(|m| m["email"] == email)
        .unwrap_or_else(|| panic!("{email} in {page}"))["user_id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// The names in a `bots/list` answer.
pub fn bot_names_in(list: &serde_json::Value) -> Vec<String> {
    list.as_array()
        .expect("a list")
        .iter()
        .map(|b| b["name"].as_str().unwrap_or_default().to_string())
        .collect()
}
