//! Helpers for tests against the local tenant: start one, get Management API tokens, call it.

use std::sync::Arc;

use orgdesk::clock::ManualClock;
use orgdesk::emulator::{self, EmulatorConfig, Handle};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

pub const MGMT_CLIENT: &str = "orgdeskManagementClientDemo00001";
pub const MGMT_SECRET: &str = "demo-management-secret-00000000000000000000000000000000000000001";
pub const LOGIN_CLIENT: &str = "orgdeskLoginClientDemo0000000001";
pub const LOGIN_SECRET: &str = "demo-login-secret-0000000000000000000000000000000000000000000001";
pub const API: &str = "https://api.travel0.example/";
pub const ACME: &str = "org_acmeTravel000001";
pub const GLOBEX: &str = "org_globexTours00001";
pub const INITECH: &str = "org_initechTrips0001";
pub const PASSWORD: &str = "Travel0-demo!";

/// Calls to a tenant over HTTP: the local one a test started, or the one orgdesk embeds.
pub struct TenantApi {
    pub base_url: String,
    pub mgmt_audience: String,
    pub http: reqwest::Client,
    pub mgmt_token: String,
}

/// A local tenant this test started.
pub struct Tenant {
    pub handle: Handle,
    pub api: TenantApi,
}

impl std::ops::Deref for Tenant {
    type Target = TenantApi;
    fn deref(&self) -> &TenantApi {
        &self.api
    }
}

impl std::ops::DerefMut for Tenant {
    fn deref_mut(&mut self) -> &mut TenantApi {
        &mut self.api
    }
}

impl TenantApi {
    /// The id of the database connection every tenant has.
    pub async fn database_connection_id(&self) -> String {
        let (status, list) = self
            .mgmt(
                Method::GET,
                "connections?name=Username-Password-Authentication",
                None,
            )
            .await;
        assert_eq!(status, 200, "{list}");
        list[0]["id"].as_str().expect("a connection id").to_string()
    }

    /// Attaches to a running tenant with orgdesk's Management client's token.
    pub async fn attach(base_url: &str) -> TenantApi {
        let mut api = TenantApi {
            base_url: base_url.to_string(),
            mgmt_audience: format!("{base_url}/api/v2/"),
            http: http(),
            mgmt_token: String::new(),
        };
        api.mgmt_token = api.mgmt_token_for(MGMT_CLIENT, MGMT_SECRET).await;
        api
    }
}

pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .unwrap()
}

pub async fn start_with(config: EmulatorConfig) -> Tenant {
    let handle = emulator::start(config)
        .await
        .expect("start the local tenant");
    let api = TenantApi::attach(&handle.base_url).await;
    Tenant { handle, api }
}

pub async fn start() -> Tenant {
    start_with(EmulatorConfig {
        control_api: true,
        ..EmulatorConfig::default()
    })
    .await
}

/// A tenant on a clock that only moves when the test says so.
pub async fn start_at(clock: ManualClock) -> Tenant {
    start_with(EmulatorConfig {
        control_api: true,
        clock: Arc::new(clock),
        ..EmulatorConfig::default()
    })
    .await
}

impl TenantApi {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }

    pub async fn token(&self, form: &[(&str, &str)]) -> (StatusCode, Value) {
        let response = self
            .http
            .post(self.url("/oauth/token"))
            .form(form)
            .send()
            .await
            .unwrap();
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// A client-credentials exchange for `audience`, in `organization` when one is named.
    pub async fn client_token(
        &self,
        client_id: &str,
        secret: &str,
        audience: &str,
        organization: Option<&str>,
    ) -> (StatusCode, Value) {
        let mut form = vec![
            ("grant_type", "client_credentials"),
            ("client_id", client_id),
            ("client_secret", secret),
            ("audience", audience),
        ];
        form.extend(organization.map(|org| ("organization", org)));
        self.token(&form).await
    }

    /// `GET` a JSON document the tenant serves (discovery, keys, control endpoints).
    pub async fn get_json(&self, path: &str) -> Value {
        get_json(&self.http, self.url(path)).await
    }

    pub async fn mgmt_token_for(&self, client_id: &str, secret: &str) -> String {
        let audience = self.mgmt_audience.clone();
        let (status, body) = self.client_token(client_id, secret, &audience, None).await;
        assert_eq!(status, 200, "management token: {body}");
        body["access_token"].as_str().unwrap().to_string()
    }

    /// A token with every Management API scope the tenant knows (orgdesk's own client has fewer).
    pub async fn admin_token(&self) -> String {
        let (s, admin) = self
            .mgmt(
                Method::POST,
                "clients",
                Some(json!({"name": "tenant admin", "app_type": "non_interactive"})),
            )
            .await;
        assert_eq!(s, 201, "{admin}");
        let scopes = orgdesk::emulator::seed::MANAGEMENT_SCOPES;
        let (s, grant) = self
            .mgmt(
                Method::POST,
                "client-grants",
                Some(json!({"client_id": admin["client_id"], "audience": self.mgmt_audience.clone(), "scope": scopes})),
            )
            .await;
        assert_eq!(s, 201, "{grant}");
        self.mgmt_token_for(
            admin["client_id"].as_str().unwrap(),
            admin["client_secret"].as_str().unwrap(),
        )
        .await
    }

    /// A Management API call with orgdesk's token.
    /// A Management API read with the tenant admin's token.
    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.mgmt(Method::GET, path, None).await
    }

    pub async fn mgmt(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        self.mgmt_as(&self.mgmt_token, method, path, body).await
    }

    pub async fn mgmt_as(
        &self,
        token: &str,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut request = self
            .http
            .request(method, self.url(&format!("/api/v2/{path}")))
            .bearer_auth(token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// A machine-to-machine client with a client grant to the Travel0 API.
    pub async fn bot(&self, usage: &str, allow_any: bool) -> Bot {
        let (s, client) = self
            .mgmt(
                Method::POST,
                "clients",
                Some(json!({"name": "bot", "app_type": "non_interactive", "grant_types": ["client_credentials"]})),
            )
            .await;
        assert_eq!(s, 201, "{client}");
        let (s, grant) = self
            .mgmt(
                Method::POST,
                "client-grants",
                Some(json!({
                    "client_id": client["client_id"], "audience": API, "scope": ["read:bookings"],
                    "organization_usage": usage, "allow_any_organization": allow_any
                })),
            )
            .await;
        assert_eq!(s, 201, "{grant}");
        Bot {
            client_id: client["client_id"].as_str().unwrap().to_string(),
            secret: client["client_secret"].as_str().unwrap().to_string(),
            grant_id: grant["id"].as_str().unwrap().to_string(),
        }
    }
}

pub struct Bot {
    pub client_id: String,
    pub secret: String,
    pub grant_id: String,
}

/// The payload of a JWT, unverified (tests check claims; signature checks have their own tests).
/// `GET` a JSON document from any server the tests start.
pub async fn get_json(http: &reqwest::Client, url: String) -> Value {
    http.get(url).send().await.unwrap().json().await.unwrap()
}

pub fn claims(jwt: &str) -> Value {
    use base64::Engine;
    let payload = jwt.split('.').nth(1).unwrap();
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .unwrap();
    serde_json::from_slice(&raw).unwrap()
}
