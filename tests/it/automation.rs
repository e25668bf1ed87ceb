//! The automation API (`/api/v1`) as its callers meet it: an Acme automation bot an admin made in
//! the desk, a Globex bot, a token without the scope, an expired or foreign-signed token, and the
//! vendor's back-office client (any organization, one token per organization). Every change is in
//! the organization's audit log with the bot as its actor; another organization's path costs no
//! upstream call.

use orgdesk::clock::ManualClock;
use orgdesk::server::identity::demo;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{spawn_app_config, TestApp};

const ACME: &str = "org_acmeTravel000001";
const GLOBEX: &str = "org_globexTours00001";
const BACK_OFFICE: (&str, &str) = (
    "travel0BackOffice000000000000001",
    "demo-back-office-secret-000000000000000000000000000000000000001",
);
const ALL: &[&str] = &[
    "bots:read",
    "bots:write",
    "members:read",
    "members:write",
    "audit:read",
    "governance:read",
    "apps:read",
    "apps:write",
];

async fn app(clock: &ManualClock) -> TestApp {
    let clock = clock.clone();
    spawn_app_config(move |c| {
        c.clock = std::sync::Arc::new(clock);
        c.session_idle_timeout = std::time::Duration::from_secs(86_400);
        c.session_absolute_timeout = std::time::Duration::from_secs(86_400);
    })
    .await
}

/// A token of a new Acme automation bot holding every scope of orgdesk's API.
pub async fn acme_token_with_every_scope(app: &TestApp) -> String {
    let (id, secret) = automation_bot(app, "alice@acme.example", ACME, ALL).await;
    token(app, (&id, &secret), Some(ACME)).await
}

/// An automation bot an admin registers in the desk, granted orgdesk's API with `scopes`.
async fn automation_bot(
    app: &TestApp,
    email: &str,
    org: &str,
    scopes: &[&str],
) -> (String, String) {
    let admin = app.sign_in(email, org).await;
    let (status, body) = app
        .call(
            &admin,
            "bots/register",
            json!({"org_id": org, "name": format!("Pipeline {}", uuid::Uuid::new_v4()), "description": "CI",
                "audience": demo::ORGDESK_API, "scopes": scopes, "idempotency_key": uuid::Uuid::new_v4().to_string()}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    (
        body["client_id"].as_str().unwrap().to_string(),
        body["client_secret"].as_str().unwrap().to_string(),
    )
}

async fn token(app: &TestApp, (id, secret): (&str, &str), org: Option<&str>) -> String {
    let mut form = vec![
        ("grant_type", "client_credentials"),
        ("client_id", id),
        ("client_secret", secret),
        ("audience", demo::ORGDESK_API),
    ];
    if let Some(org) = org {
        form.push(("organization", org));
    }
    let r = reqwest::Client::new()
        .post(app.tenant_url("/oauth/token"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    body["access_token"].as_str().unwrap().to_string()
}

struct Api<'a> {
    app: &'a TestApp,
    http: reqwest::Client,
}

impl<'a> Api<'a> {
    fn new(app: &'a TestApp) -> Self {
        Api {
            app,
            http: reqwest::Client::new(),
        }
    }

    async fn send(
        &self,
        token: Option<&str>,
        method: Method,
        path: &str,
        body: Option<Value>,
        key: Option<&str>,
    ) -> (StatusCode, reqwest::header::HeaderMap, Value) {
        let mut r = self
            .http
            .request(method, self.app.url(&format!("/api/v1{path}")));
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        if let Some(b) = body {
            r = r.json(&b);
        }
        if let Some(k) = key {
            r = r.header("idempotency-key", k);
        }
        let response = r.send().await.unwrap();
        let (status, headers) = (response.status(), response.headers().clone());
        let text = response.text().await.unwrap();
        (
            status,
            headers,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }
}

fn problem(headers: &reqwest::header::HeaderMap, body: &Value, kind: &str) {
    assert_eq!(
        headers["content-type"], "application/problem+json",
        "{body}"
    );
    assert_eq!(
        body["type"],
        format!("/developers/api#problem-{kind}"),
        "{body}"
    );
    assert!(
        body["request_id"].as_str().is_some_and(|r| !r.is_empty()),
        "{body}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_automation_bot_does_what_an_admin_does_in_its_own_organization() {
    let clock = ManualClock::stopped_now();
    let app = app(&clock).await;
    let api = Api::new(&app);
    let (id, secret) = automation_bot(&app, "alice@acme.example", ACME, ALL).await;
    let t = token(&app, (&id, &secret), Some(ACME)).await;
    let t = Some(t.as_str());
    let bots = format!("/organizations/{ACME}/bots");

    // Registering wants an Idempotency-Key; the first answer holds the secret, a repeat does not.
    let new = json!({"name": "Nightly sync", "audience": demo::API, "scopes": ["read:bookings"]});
    let (status, headers, body) = api
        .send(t, Method::POST, &bots, Some(new.clone()), None)
        .await;
    assert_eq!(status, 400);
    problem(&headers, &body, "idempotency-key");
    let (status, _, made) = api
        .send(t, Method::POST, &bots, Some(new.clone()), Some("k-1"))
        .await;
    assert_eq!(status, 201, "{made}");
    assert!(made["client_secret"].as_str().is_some_and(|s| s.len() > 20));
    let bot_id = made["bot"]["client_id"].as_str().unwrap().to_string();
    assert_eq!(made["bot"]["access"][0]["scopes"], json!(["read:bookings"]));
    let (status, headers, again) = api
        .send(t, Method::POST, &bots, Some(new.clone()), Some("k-1"))
        .await;
    assert_eq!(status, 201);
    assert_eq!(headers["idempotent-replayed"], "true");
    assert_eq!(again["bot"]["client_id"], bot_id.as_str());
    assert!(
        again.get("client_secret").is_none(),
        "a secret is shown once: {again}"
    );
    let other = json!({"name": "Other", "audience": demo::API, "scopes": ["read:bookings"]});
    let (status, headers, body) = api
        .send(t, Method::POST, &bots, Some(other), Some("k-1"))
        .await;
    assert_eq!(status, 422);
    problem(&headers, &body, "idempotency-key-reused");
    let (_, _, list) = api.send(t, Method::GET, &bots, None, None).await;
    let names: Vec<&str> = list["bots"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|b| b["name"].as_str())
        .collect();
    assert_eq!(
        names.iter().filter(|n| **n == "Nightly sync").count(),
        1,
        "registered once: {names:?}"
    );

    // Read, rename, widen and narrow its access, rotate, revoke, delete.
    let one = format!("{bots}/{bot_id}");
    let (status, _, bot) = api.send(t, Method::GET, &one, None, None).await;
    assert_eq!(
        (status, bot["name"].as_str()),
        (StatusCode::OK, Some("Nightly sync"))
    );
    let (status, _, bot) = api
        .send(
            t,
            Method::PATCH,
            &one,
            Some(json!({"name": "Nightly sync v2"})),
            None,
        )
        .await;
    assert_eq!(
        (status, bot["name"].as_str()),
        (StatusCode::OK, Some("Nightly sync v2"))
    );
    let access = format!("{one}/access");
    let (status, _, done) = api
        .send(
            t,
            Method::PUT,
            &access,
            Some(json!({"audience": demo::API, "scopes": ["read:bookings", "read:trips"]})),
            None,
        )
        .await;
    assert_eq!(
        (status, done["state"].as_str()),
        (StatusCode::OK, Some("done")),
        "{done}"
    );
    let (status, headers, rotated) = api
        .send(t, Method::POST, &format!("{one}/rotate-secret"), None, None)
        .await;
    assert_eq!(status, 200, "{rotated}");
    assert_eq!(headers["cache-control"], "no-store");
    assert_ne!(rotated["client_secret"], made["client_secret"]);
    // orgdesk's own API is a person's to grant, in the desk.
    let (status, headers, body) = api
        .send(
            t,
            Method::PUT,
            &access,
            Some(json!({"audience": demo::ORGDESK_API, "scopes": ["bots:write"]})),
            None,
        )
        .await;
    assert_eq!(status, 403);
    problem(&headers, &body, "own-api");
    let revoke = format!("{access}?audience={}", urlencode(demo::API));
    let (status, _, _) = api.send(t, Method::DELETE, &revoke, None, None).await;
    assert_eq!(status, 204);
    let (_, _, bot) = api.send(t, Method::GET, &one, None, None).await;
    assert_eq!(bot["access"], json!([]));
    let (status, _, _) = api.send(t, Method::DELETE, &one, None, None).await;
    assert_eq!(status, 204);
    let (status, headers, body) = api.send(t, Method::GET, &one, None, None).await;
    assert_eq!(status, 404);
    problem(&headers, &body, "not-found");

    // Members and invitations.
    let (status, _, members) = api
        .send(
            t,
            Method::GET,
            &format!("/organizations/{ACME}/members"),
            None,
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert!(members["members"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["email"] == "bob@acme.example"));
    let alice = app.sign_in("alice@acme.example", ACME).await;
    let bob = crate::helpers::member_id(&app, &alice, ACME, "bob@acme.example").await;
    let billing = demo::ASSIGNABLE_ROLES[2];
    let role = format!(
        "/organizations/{ACME}/members/{}/roles/{billing}",
        urlencode(&bob)
    );
    let (status, _, roles) = api.send(t, Method::PUT, &role, None, None).await;
    assert_eq!(status, 200, "{roles}");
    assert!(roles.as_array().unwrap().iter().any(|r| r["id"] == billing));
    let (status, _, roles) = api.send(t, Method::DELETE, &role, None, None).await;
    assert_eq!(status, 200, "{roles}");
    assert!(!roles.as_array().unwrap().iter().any(|r| r["id"] == billing));
    let invitations = format!("/organizations/{ACME}/invitations");
    let invite = json!({"email": "dora@acme.example", "roles": [demo::ASSIGNABLE_ROLES[1]]});
    let (status, _, inv) = api
        .send(t, Method::POST, &invitations, Some(invite), Some("inv-1"))
        .await;
    assert_eq!(status, 201, "{inv}");
    let (_, _, list) = api.send(t, Method::GET, &invitations, None, None).await;
    assert!(list["invitations"]
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["email"] == "dora@acme.example"));
    let (status, _, _) = api
        .send(
            t,
            Method::DELETE,
            &format!("{invitations}/{}", inv["id"].as_str().unwrap()),
            None,
            None,
        )
        .await;
    assert_eq!(status, 204);

    // Governance reads.
    for path in ["credential-policy", "access-requests", "access-reviews"] {
        let (status, _, body) = api
            .send(
                t,
                Method::GET,
                &format!("/organizations/{ACME}/{path}"),
                None,
                None,
            )
            .await;
        assert_eq!(status, 200, "{path}: {body}");
    }

    // Every change is audited with the bot as its actor; pages go back by cursor; CSV too.
    let (status, _, log) = api
        .send(
            t,
            Method::GET,
            &format!("/organizations/{ACME}/audit-log?actor={id}"),
            None,
            None,
        )
        .await;
    assert_eq!(status, 200, "{log}");
    let actions: Vec<&str> = log["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    for action in [
        "bot.register",
        "bot.rename",
        "bot.rotate_secret",
        "bot.delete",
        "invitation.create",
        "member.role.assign",
        "member.role.remove",
    ] {
        assert!(actions.contains(&action), "{action} in {actions:?}");
    }
    assert!(log["events"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["actor_id"] == id.as_str()));
    let (status, headers, csv) = api
        .send(
            t,
            Method::GET,
            &format!("/organizations/{ACME}/audit-log.csv?action=bot"),
            None,
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert!(headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    assert!(csv.as_str().unwrap().contains("bot.register"));
    let (status, headers, body) = api
        .send(
            t,
            Method::GET,
            &format!("/organizations/{ACME}/audit-log?before=nope"),
            None,
            None,
        )
        .await;
    assert_eq!(status, 400);
    problem(&headers, &body, "invalid");
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Every operation, as a caller that must be refused: another organization's bot (404, no upstream
/// call), a token without the scope (403), no token, a foreign-signed one, an expired one (401).
#[tokio::test(flavor = "multi_thread")]
async fn strangers_missing_scopes_and_bad_tokens_are_refused_on_every_operation() {
    let clock = ManualClock::stopped_now();
    let app = app(&clock).await;
    let api = Api::new(&app);
    let (acme_reader, acme_secret) =
        automation_bot(&app, "alice@acme.example", ACME, &["bots:read"]).await;
    let (globex, globex_secret) = automation_bot(&app, "grace@globex.example", GLOBEX, ALL).await;
    let reader = token(&app, (&acme_reader, &acme_secret), Some(ACME)).await;
    let stranger = token(&app, (&globex, &globex_secret), Some(GLOBEX)).await;
    let acme_bot = app
        .register_bot(
            &app.sign_in("alice@acme.example", ACME).await,
            ACME,
            "Target",
        )
        .await;
    let target = acme_bot["client_id"].as_str().unwrap();

    let doc: Value = api
        .send(None, Method::GET, "/openapi.json", None, None)
        .await
        .2;
    assert_eq!(doc["openapi"], "3.1.0");
    let mut operations = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let Ok(method) = Method::from_bytes(method.to_uppercase().as_bytes()) else {
                continue;
            };
            let scope = op["security"][0]["bearer"][0].as_str().unwrap();
            let concrete = path
                .replace("{org_id}", ACME)
                .replace("{client_id}", target)
                .replace("{user_id}", "auth0|nobody")
                .replace("{role_id}", demo::ASSIGNABLE_ROLES[1])
                .replace("{invitation_id}", "uinv_nothing")
                .replace("{app_id}", "app_nothing")
                .replace("{key_id}", "cred_nothing");
            let body = op.get("requestBody").map(|_| json!({}));
            operations += 1;

            let before = app.mgmt_calls();
            let (status, headers, problem_body) = api
                .send(
                    Some(&stranger),
                    method.clone(),
                    &concrete,
                    body.clone(),
                    Some("x"),
                )
                .await;
            assert_eq!(status, 404, "{method} {path} as Globex: {problem_body}");
            problem(&headers, &problem_body, "not-found");
            assert_eq!(
                app.mgmt_calls(),
                before,
                "{method} {path}: nothing upstream for a stranger"
            );

            let (status, headers, body_seen) = api
                .send(
                    Some(&reader),
                    method.clone(),
                    &concrete,
                    body.clone(),
                    Some("x"),
                )
                .await;
            if scope == "bots:read" {
                assert_ne!(status, 403, "{method} {path}: {body_seen}");
            } else {
                assert_eq!(status, 403, "{method} {path} without {scope}: {body_seen}");
                problem(&headers, &body_seen, "insufficient-scope");
                assert!(headers["www-authenticate"]
                    .to_str()
                    .unwrap()
                    .contains(&format!("scope=\"{scope}\"")));
            }

            let (status, headers, _) = api
                .send(None, method.clone(), &concrete, body.clone(), None)
                .await;
            assert_eq!(status, 401, "{method} {path} without a token");
            assert!(headers["www-authenticate"]
                .to_str()
                .unwrap()
                .starts_with("Bearer"));
        }
    }
    assert!(operations >= 18, "{operations} operations");

    // The tenant rotates its signing key: a token under the new kid is taken (the JWKS read again).
    let tenant = app.running.local_tenant.as_ref().unwrap().base_url.clone();
    let rotated = reqwest::Client::new()
        .post(format!(
            "{}/__emulator/rotate-keys",
            tenant.trim_end_matches('/')
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(rotated.status(), 204);
    let fresh = token(&app, (&acme_reader, &acme_secret), Some(ACME)).await;
    assert_ne!(kid(&fresh), kid(&reader), "signed with the new key");
    let (status, _, body) = api
        .send(
            Some(&fresh),
            Method::GET,
            &format!("/organizations/{ACME}/bots"),
            None,
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");

    // Foreign-signed: a token of the right shape, signed by a key the tenant never had.
    let forged = forge(&reader);
    let (status, headers, body) = api
        .send(
            Some(&forged),
            Method::GET,
            &format!("/organizations/{ACME}/bots"),
            None,
            None,
        )
        .await;
    assert_eq!(status, 401, "{body}");
    assert!(headers["www-authenticate"]
        .to_str()
        .unwrap()
        .contains("invalid_token"));
    // Expired: the same token a day and a second later.
    clock.advance_secs(86_401);
    let (status, _, body) = api
        .send(
            Some(&reader),
            Method::GET,
            &format!("/organizations/{ACME}/bots"),
            None,
            None,
        )
        .await;
    assert_eq!(status, 401, "{body}");
    assert!(body["detail"].as_str().unwrap().contains("expired"));
}

fn kid(token: &str) -> String {
    use base64::Engine;
    let head = token.split('.').next().unwrap();
    let head: Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(head)
            .unwrap(),
    )
    .unwrap();
    head["kid"].as_str().unwrap().to_string()
}

/// The token's header and claims, signed again with a fresh RSA key under the tenant's kid.
fn forge(token: &str) -> String {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let mut parts = token.split('.');
    let header: Value =
        serde_json::from_slice(&b64.decode(parts.next().unwrap()).unwrap()).unwrap();
    let claims: Value =
        serde_json::from_slice(&b64.decode(parts.next().unwrap()).unwrap()).unwrap();
    let key = rsa::RsaPrivateKey::new(&mut rand::thread_rng(), 2048).unwrap();
    let pem = rsa::pkcs8::EncodePrivateKey::to_pkcs8_pem(&key, rsa::pkcs8::LineEnding::LF).unwrap();
    let mut h = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
    h.kid = header["kid"].as_str().map(String::from);
    jsonwebtoken::encode(
        &h,
        &claims,
        &jsonwebtoken::EncodingKey::from_rsa_pem(pem.as_bytes()).unwrap(),
    )
    .unwrap()
}

/// The vendor's back office may call any organization, but only with a token issued for it; access
/// revoked in the desk stops a bot's changes at once; a sensitive change wants a fresh token.
#[tokio::test(flavor = "multi_thread")]
async fn the_back_office_names_each_organization_and_revoked_or_stale_tokens_stop_changes() {
    let clock = ManualClock::stopped_now();
    let app = app(&clock).await;
    let api = Api::new(&app);
    let acme_token = token(&app, BACK_OFFICE, Some(ACME)).await;
    let (status, _, body) = api
        .send(
            Some(&acme_token),
            Method::GET,
            &format!("/organizations/{ACME}/bots"),
            None,
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, _, _) = api
        .send(
            Some(&acme_token),
            Method::GET,
            &format!("/organizations/{GLOBEX}/bots"),
            None,
            None,
        )
        .await;
    assert_eq!(status, 404, "a token for Acme does not open Globex");
    let globex_token = token(&app, BACK_OFFICE, Some(GLOBEX)).await;
    let (status, _, _) = api
        .send(
            Some(&globex_token),
            Method::GET,
            &format!("/organizations/{GLOBEX}/bots"),
            None,
            None,
        )
        .await;
    assert_eq!(status, 200);
    // Reading is all it was granted.
    let (status, _, _) = api
        .send(
            Some(&globex_token),
            Method::POST,
            &format!("/organizations/{GLOBEX}/bots"),
            Some(json!({"name": "x", "audience": demo::API, "scopes": ["read:bookings"]})),
            Some("bo-1"),
        )
        .await;
    assert_eq!(status, 403);

    // A stale token may read, not make a sensitive change.
    let (id, secret) = automation_bot(&app, "alice@acme.example", ACME, ALL).await;
    let t = token(&app, (&id, &secret), Some(ACME)).await;
    let target = app
        .register_bot(
            &app.sign_in("alice@acme.example", ACME).await,
            ACME,
            "Rotated by CI",
        )
        .await;
    let rotate = format!(
        "/organizations/{ACME}/bots/{}/rotate-secret",
        target["client_id"].as_str().unwrap()
    );
    clock.advance_secs(11 * 60);
    let (status, headers, body) = api.send(Some(&t), Method::POST, &rotate, None, None).await;
    assert_eq!(status, 401, "{body}");
    problem(&headers, &body, "fresh-token-needed");
    assert!(headers["www-authenticate"]
        .to_str()
        .unwrap()
        .contains("insufficient_user_authentication"));
    let fresh = token(&app, (&id, &secret), Some(ACME)).await;
    let (status, _, _) = api
        .send(Some(&fresh), Method::POST, &rotate, None, None)
        .await;
    assert_eq!(status, 200);

    // Revoked in the desk: the token still verifies, but no change goes through.
    let alice = app.sign_in("alice@acme.example", ACME).await;
    let (status, body) = app
        .call(
            &alice,
            "bots/revoke",
            json!({"org_id": ACME, "client_id": id, "audience": demo::ORGDESK_API}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, _, body) = api
        .send(Some(&fresh), Method::POST, &rotate, None, None)
        .await;
    assert_eq!(status, 403, "{body}");
}

/// Apps across organizations through the API: Acme publishes (never orgdesk's own API), Globex installs
/// only by consenting to exactly what the app asks for, and uninstalls; a bot's public keys.
#[tokio::test(flavor = "multi_thread")]
async fn apps_install_with_exact_consent_and_keys_are_added_and_removed() {
    let clock = ManualClock::stopped_now();
    let app = app(&clock).await;
    let api = Api::new(&app);
    let (acme_id, acme_secret) = automation_bot(&app, "alice@acme.example", ACME, ALL).await;
    let acme = token(&app, (&acme_id, &acme_secret), Some(ACME)).await;
    let (globex_id, globex_secret) =
        automation_bot(&app, "grace@globex.example", GLOBEX, ALL).await;
    let globex = token(&app, (&globex_id, &globex_secret), Some(GLOBEX)).await;
    let bot = app
        .register_bot(
            &app.sign_in("alice@acme.example", ACME).await,
            ACME,
            "Trip planner",
        )
        .await;
    let bot_id = bot["client_id"].as_str().unwrap();

    let apps = format!("/organizations/{ACME}/apps");
    let offer = json!({"client_id": bot_id, "description": "Plans trips", "audience": demo::API, "scopes": ["read:bookings"]});
    let (status, _, published) = api
        .send(Some(&acme), Method::POST, &apps, Some(offer), Some("pub-1"))
        .await;
    assert_eq!(status, 201, "{published}");
    let app_id = published["app_id"].as_str().unwrap().to_string();
    // The automation bot itself is not offered with orgdesk's API.
    let own = json!({"client_id": acme_id, "description": "No", "audience": demo::ORGDESK_API, "scopes": ["bots:read"]});
    let (status, _, body) = api
        .send(Some(&acme), Method::POST, &apps, Some(own), Some("pub-2"))
        .await;
    assert_eq!(status, 400, "{body}");

    let installs = format!("/organizations/{GLOBEX}/installs");
    let wider = json!({"app_id": app_id, "consent": {"audience": demo::API, "scopes": []}});
    let (status, headers, body) = api
        .send(
            Some(&globex),
            Method::POST,
            &installs,
            Some(wider),
            Some("ins-1"),
        )
        .await;
    assert_eq!(status, 409, "{body}");
    problem(&headers, &body, "consent-mismatch");
    let (_, _, listed) = api
        .send(
            Some(&globex),
            Method::GET,
            &format!("/organizations/{GLOBEX}/apps"),
            None,
            None,
        )
        .await;
    assert_eq!(
        listed["installed"],
        json!([]),
        "nothing installed without consent"
    );
    let exact =
        json!({"app_id": app_id, "consent": {"audience": demo::API, "scopes": ["read:bookings"]}});
    let (status, _, body) = api
        .send(
            Some(&globex),
            Method::POST,
            &installs,
            Some(exact),
            Some("ins-2"),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let (_, _, listed) = api
        .send(
            Some(&globex),
            Method::GET,
            &format!("/organizations/{GLOBEX}/apps"),
            None,
            None,
        )
        .await;
    assert_eq!(listed["installed"][0]["app_id"], app_id.as_str());
    let (_, _, mine) = api.send(Some(&acme), Method::GET, &apps, None, None).await;
    assert_eq!(mine["published"][0]["installs"], json!([GLOBEX]));
    let (status, _, _) = api
        .send(
            Some(&globex),
            Method::DELETE,
            &format!("{installs}/{app_id}"),
            None,
            None,
        )
        .await;
    assert_eq!(status, 204);
    let (status, _, _) = api
        .send(
            Some(&acme),
            Method::DELETE,
            &format!("{apps}/{app_id}"),
            None,
            None,
        )
        .await;
    assert_eq!(status, 204);

    // A bot's public keys: the only key it signs with is not removed; with a second, it is.
    let keys = format!("/organizations/{ACME}/bots/{bot_id}/keys");
    let pem = || {
        let key = rsa::RsaPrivateKey::new(&mut rand::thread_rng(), 2048).unwrap();
        rsa::pkcs8::EncodePublicKey::to_public_key_pem(
            &key.to_public_key(),
            rsa::pkcs8::LineEnding::LF,
        )
        .unwrap()
    };
    let (status, _, first) = api
        .send(
            Some(&acme),
            Method::POST,
            &keys,
            Some(json!({"name": "CI key", "pem": pem()})),
            Some("key-1"),
        )
        .await;
    assert_eq!(status, 201, "{first}");
    let first = format!("{keys}/{}", first["id"].as_str().unwrap());
    let (status, headers, body) = api
        .send(Some(&acme), Method::DELETE, &first, None, None)
        .await;
    assert_eq!(status, 409, "{body}");
    problem(&headers, &body, "conflict");
    let (status, _, second) = api
        .send(
            Some(&acme),
            Method::POST,
            &keys,
            Some(json!({"name": "Next key", "pem": pem()})),
            Some("key-2"),
        )
        .await;
    assert_eq!(status, 201, "{second}");
    let (_, _, list) = api.send(Some(&acme), Method::GET, &keys, None, None).await;
    assert_eq!(list["keys"].as_array().unwrap().len(), 2, "{list}");
    let (status, _, _) = api
        .send(Some(&acme), Method::DELETE, &first, None, None)
        .await;
    assert_eq!(status, 204);
}

/// Each caller (organization and client) has its own rate limit: one bot going too fast is refused
/// with 429 and Retry-After, another bot is not slowed by it.
#[tokio::test(flavor = "multi_thread")]
async fn each_caller_has_its_own_rate_limit() {
    let app = crate::helpers::spawn_app_with(&[("ORGDESK_RATE_LIMIT_WRITES", "4")]).await;
    let api = Api::new(&app);
    let (one, one_secret) = automation_bot(&app, "alice@acme.example", ACME, ALL).await;
    let (two, two_secret) = automation_bot(&app, "alice@acme.example", ACME, ALL).await;
    let first = token(&app, (&one, &one_secret), Some(ACME)).await;
    let second = token(&app, (&two, &two_secret), Some(ACME)).await;
    let rename = |id: &str| format!("/organizations/{ACME}/bots/{id}");
    let (status, _, body) = api
        .send(
            Some(&first),
            Method::PATCH,
            &rename(&one),
            Some(json!({"name": "First, renamed"})),
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, headers, body) = api
        .send(
            Some(&first),
            Method::PATCH,
            &rename(&one),
            Some(json!({"name": "First, again"})),
            None,
        )
        .await;
    assert_eq!(status, 429, "{body}");
    problem(&headers, &body, "rate-limited");
    assert!(
        headers["retry-after"]
            .to_str()
            .unwrap()
            .parse::<u64>()
            .unwrap()
            >= 1
    );
    let (status, _, body) = api
        .send(
            Some(&second),
            Method::PATCH,
            &rename(&two),
            Some(json!({"name": "Second, renamed"})),
            None,
        )
        .await;
    assert_eq!(status, 200, "another caller is not slowed: {body}");
    // Reads have their own, larger budget.
    let (status, _, _) = api
        .send(
            Some(&first),
            Method::GET,
            &format!("/organizations/{ACME}/bots"),
            None,
            None,
        )
        .await;
    assert_eq!(status, 200);
}
