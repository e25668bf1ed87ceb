//! A bot's keys through the desk: a bot moves from its secret to a key, rotates to a second key
//! without downtime (both work until the old one is removed), and never ends up without a key;
//! pasted keys are checked (public, RSA, 2048 bits; a private key refused); a last day is enforced by
//! the tenant; another organization's admin reaches nothing; a failure at any step leaves the bot
//! as it was or with the new key in use, never with a stored key that is not.

use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use orgdesk::clock::ManualClock;
use reqwest::Method;
use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};
use serde_json::{json, Value};

use crate::helpers::{spawn_app_config, TestApp};
use crate::tenant::TenantApi;

const ACME: &str = "org_acmeTravel000001";
const API: &str = "https://api.travel0.example/";

struct Pair {
    private: String,
    public: String,
}

fn pair(bits: usize) -> Pair {
    let key = rsa::RsaPrivateKey::new(&mut rand::thread_rng(), bits).unwrap();
    Pair {
        private: key.to_pkcs8_pem(LineEnding::LF).unwrap().to_string(),
        public: key
            .to_public_key()
            .to_public_key_pem(LineEnding::LF)
            .unwrap(),
    }
}

/// An assertion signed with `key` for `client_id`, as the bot makes one per token request.
fn signed(key: &Pair, client_id: &str, tenant_issuer: &str) -> String {
    signed_as(key, None, client_id, tenant_issuer)
}

/// As `signed`, its header naming the key (`kid`, its thumbprint at Auth0).
fn signed_as(key: &Pair, kid: Option<&str>, client_id: &str, tenant_issuer: &str) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let claims = json!({"iss": client_id, "sub": client_id, "aud": tenant_issuer,
        "iat": now, "exp": now + 60, "jti": uuid::Uuid::new_v4().to_string()});
    let mut header = Header::new(Algorithm::RS256);
    header.kid = kid.map(String::from);
    encode(
        &header,
        &claims,
        &EncodingKey::from_rsa_pem(key.private.as_bytes()).unwrap(),
    )
    .unwrap()
}

struct Env {
    app: TestApp,
    tenant: TenantApi,
    alice: reqwest::Client,
    issuer: String,
}

async fn env(clock: Option<&ManualClock>) -> Env {
    let clock = clock.cloned();
    let app = spawn_app_config(move |c| {
        if let Some(clock) = clock {
            c.clock = std::sync::Arc::new(clock);
            // Days pass on the manual clock; the session outlives them.
            c.session_idle_timeout = std::time::Duration::from_secs(30 * 86_400);
            c.session_absolute_timeout = std::time::Duration::from_secs(30 * 86_400);
        }
        c.local_tenant_control_api = true;
    })
    .await;
    let mut tenant = TenantApi::attach(&app.running.local_tenant.as_ref().unwrap().base_url).await;
    tenant.mgmt_token = tenant.admin_token().await;
    let alice = app.sign_in("alice@acme.example", ACME).await;
    let issuer = app.tenant_url("/");
    Env {
        app,
        tenant,
        alice,
        issuer,
    }
}

impl Env {
    async fn bot(&self, name: &str) -> (String, String) {
        let bot = self.app.register_bot(&self.alice, ACME, name).await;
        (
            bot["client_id"].as_str().unwrap().to_string(),
            bot["client_secret"].as_str().unwrap().to_string(),
        )
    }

    async fn add(&self, client_id: &str, key: &Pair, name: &str, expires_on: &str) -> (u16, Value) {
        self.app
            .call(
                &self.alice,
                "bots/key-add",
                json!({"org_id": ACME, "client_id": client_id, "name": name, "pem": key.public, "expires_on": expires_on}),
            )
            .await
    }

    /// The bot's token request at the tenant, signed with `key` (straight to Auth0, as the bot).
    async fn token_signed(&self, client_id: &str, key: &Pair) -> u16 {
        let assertion = signed(key, client_id, &self.issuer);
        let (status, _) = self
            .tenant
            .token(&[
                ("grant_type", "client_credentials"),
                ("client_id", client_id),
                (
                    "client_assertion_type",
                    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                ),
                ("client_assertion", &assertion),
                ("audience", API),
                ("organization", ACME),
            ])
            .await;
        status.as_u16()
    }

    async fn keys(&self, client_id: &str) -> Vec<Value> {
        let (status, bot) = self
            .app
            .read(
                &self.alice,
                "bots/get",
                &[("org_id", ACME), ("client_id", client_id)],
            )
            .await;
        assert_eq!(status, 200, "{bot}");
        bot["keys"].as_array().cloned().unwrap_or_default()
    }

    async fn stored(&self, client_id: &str) -> Vec<Value> {
        let (_, list) = self
            .tenant
            .mgmt(
                Method::GET,
                &format!("clients/{client_id}/credentials"),
                None,
            )
            .await;
        list.as_array().cloned().unwrap_or_default()
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bot_moves_to_a_key_and_rotates_without_downtime() {
    let e = env(None).await;
    let (bot, secret) = e.bot("Ledger sync").await;
    let (first, second, third) = (pair(2048), pair(2048), pair(2048));

    let (status, answer) = e.add(&bot, &first, "2026 key", "").await;
    assert_eq!(status, 200, "{answer}");
    let (s, _) = e.tenant.client_token(&bot, &secret, API, Some(ACME)).await;
    assert_eq!(s, 401, "on a key now: the secret no longer works");
    assert_eq!(e.token_signed(&bot, &first).await, 200);
    // The desk's test tool takes a signed assertion and says which key signed it.
    let (status, check) = e
        .app
        .call(&e.alice, "bots/test-key", json!({"org_id": ACME, "client_id": bot, "audience": API, "assertion": signed(&first, &bot, &e.issuer)}))
        .await;
    assert_eq!(status, 200, "{check}");
    assert_eq!(check["key"], "2026 key");
    assert_eq!(check["org_id"], ACME);
    // An assertion for another client is refused before Auth0 is asked.
    let (status, refused) = e
        .app
        .call(&e.alice, "bots/test-key", json!({"org_id": ACME, "client_id": bot, "audience": API, "assertion": signed(&first, "someoneElse", &e.issuer)}))
        .await;
    assert_eq!(status, 400, "{refused}");

    // Rotation: the new key beside the old, both work; a third is refused (Auth0 keeps two).
    let (status, _) = e.add(&bot, &second, "2027 key", "").await;
    assert_eq!(status, 200);
    assert_eq!(e.token_signed(&bot, &first).await, 200);
    assert_eq!(e.token_signed(&bot, &second).await, 200);
    let (status, answer) = e.add(&bot, &third, "", "").await;
    assert_eq!(status, 409, "{answer}");
    let keys = e.keys(&bot).await;
    assert_eq!(keys.len(), 2);
    assert!(keys.iter().all(|k| k["in_use"] == true));
    // With two keys in use the assertion's header names the one that signed (its kid).
    let new_kid = keys.iter().find(|k| k["name"] == "2027 key").unwrap()["kid"]
        .as_str()
        .unwrap()
        .to_string();
    let (status, check) = e
        .app
        .call(&e.alice, "bots/test-key", json!({"org_id": ACME, "client_id": bot, "audience": API, "assertion": signed_as(&second, Some(&new_kid), &bot, &e.issuer)}))
        .await;
    assert_eq!(status, 200, "{check}");
    assert_eq!(check["key"], "2027 key");

    // The old one removed: it stops, the new one goes on. The last key cannot be removed.
    let old_id = keys.iter().find(|k| k["name"] == "2026 key").unwrap()["id"].clone();
    let (status, _) = e
        .app
        .call(
            &e.alice,
            "bots/key-remove",
            json!({"org_id": ACME, "client_id": bot, "credential_id": old_id}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(e.token_signed(&bot, &first).await, 401);
    assert_eq!(e.token_signed(&bot, &second).await, 200);
    let last = e.keys(&bot).await[0]["id"].clone();
    let (status, answer) = e
        .app
        .call(
            &e.alice,
            "bots/key-remove",
            json!({"org_id": ACME, "client_id": bot, "credential_id": last}),
        )
        .await;
    assert_eq!(status, 409, "{answer}");
    assert_eq!(e.token_signed(&bot, &second).await, 200);
    assert_eq!(
        e.stored(&bot).await.len(),
        1,
        "the removed key is gone at Auth0 too"
    );

    // Audited with the keys' thumbprints; no key material in the log.
    let filters = [
        ("org_id", ACME),
        ("action", ""),
        ("actor", ""),
        ("since", ""),
        ("until", ""),
    ];
    let (_, log) = e.app.read(&e.alice, "audit/list", &filters).await;
    let text = log.to_string();
    assert!(
        text.contains("bot.key.add") && text.contains("bot.key.remove"),
        "{text}"
    );
    assert!(!text.contains("BEGIN PUBLIC KEY") && !text.contains("MII"));
}

#[tokio::test(flavor = "multi_thread")]
async fn pasted_keys_are_checked_and_strangers_reach_nothing() {
    let e = env(None).await;
    let (bot, secret) = e.bot("Checked").await;
    let good = pair(2048);
    let cases = [
        (good.private.clone(), "", "private key"),
        (pair(1024).public, "", "1024 bits"),
        ("not a key".to_string(), "", "RSA public key"),
        (good.public.clone(), "2001-01-01", "after today"),
        (good.public.clone(), "soon", "YYYY-MM-DD"),
    ];
    for (pem, expires, words) in cases {
        let (status, answer) = e
            .app
            .call(&e.alice, "bots/key-add", json!({"org_id": ACME, "client_id": bot, "name": "", "pem": pem, "expires_on": expires}))
            .await;
        assert_eq!(status, 400, "{answer}");
        let message = answer["message"].as_str().unwrap();
        assert!(message.contains(words), "{message}");
        assert!(!message.contains("MII"), "a key is never echoed");
    }
    assert!(e.stored(&bot).await.is_empty(), "nothing reached Auth0");
    let (s, _) = e.tenant.client_token(&bot, &secret, API, Some(ACME)).await;
    assert_eq!(s, 200, "still on its secret");

    // Another organization's admin: not found, no upstream call, nothing stored.
    let grace = e
        .app
        .sign_in("grace@globex.example", "org_globexTours00001")
        .await;
    let before = e.app.mgmt_calls();
    for (endpoint, body) in [
        (
            "bots/key-add",
            json!({"org_id": ACME, "client_id": bot, "name": "", "pem": good.public, "expires_on": ""}),
        ),
        (
            "bots/key-add",
            json!({"org_id": "org_globexTours00001", "client_id": bot, "name": "", "pem": good.public, "expires_on": ""}),
        ),
        (
            "bots/key-remove",
            json!({"org_id": "org_globexTours00001", "client_id": bot, "credential_id": "cred_x"}),
        ),
        (
            "bots/test-key",
            json!({"org_id": "org_globexTours00001", "client_id": bot, "audience": API, "assertion": signed(&good, &bot, &e.issuer)}),
        ),
    ] {
        let (status, _) = e.app.call(&grace, endpoint, body).await;
        assert_eq!(status, 404, "{endpoint}");
    }
    let (status, _) = e
        .app
        .read(
            &grace,
            "bots/get",
            &[("org_id", "org_globexTours00001"), ("client_id", &bot)],
        )
        .await;
    assert_eq!(status, 404);
    assert!(
        e.app.mgmt_calls() - before <= 4,
        "only the role checks went upstream"
    );
    assert!(e.stored(&bot).await.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_keys_last_day_is_shown_and_enforced() {
    let clock = ManualClock::stopped_now();
    let e = env(Some(&clock)).await;
    let (bot, _) = e.bot("Short lived").await;
    let key = pair(2048);
    let tomorrow = (clock.now() + time::Duration::days(1)).date().to_string();
    let (status, answer) = e.add(&bot, &key, "Trial", &tomorrow).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(e.keys(&bot).await[0]["expires"], tomorrow.as_str());
    assert_eq!(e.token_signed(&bot, &key).await, 200);

    clock.advance_secs(2 * 86_400);
    assert_eq!(
        e.token_signed(&bot, &key).await,
        401,
        "the tenant refuses it"
    );
    // The desk reads again after its brief cache, and says so.
    clock.advance_secs(60);
    let alice = e.app.sign_in("alice@acme.example", ACME).await;
    let (_, read) = e
        .app
        .read(&alice, "bots/get", &[("org_id", ACME), ("client_id", &bot)])
        .await;
    assert_eq!(read["keys"][0]["expired"], true, "{read}");
}

#[tokio::test(flavor = "multi_thread")]
async fn adding_a_key_survives_a_fault_at_every_step() {
    let e = env(None).await;
    for step in [
        "POST /api/v2/clients/*/credentials",
        "PATCH /api/v2/clients/*",
    ] {
        for kind in ["500", "reset_after"] {
            let (bot, secret) = e.bot(&format!("Fault {kind} {}", step.len())).await;
            let rule = match kind {
                "500" => json!({"route": step, "kind": "status", "status": 500, "count": 10}),
                _ => json!({"route": step, "kind": kind, "count": 1}),
            };
            let r = e
                .tenant
                .http
                .post(e.tenant.url("/__emulator/faults"))
                .json(&rule)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 204);
            let key = pair(2048);
            let (status, answer) = e.add(&bot, &key, "", "").await;
            e.tenant
                .http
                .delete(e.tenant.url("/__emulator/faults"))
                .send()
                .await
                .unwrap();
            let stored = e.stored(&bot).await;
            let on_key = e.token_signed(&bot, &key).await == 200;
            let (s, _) = e.tenant.client_token(&bot, &secret, API, Some(ACME)).await;
            let on_secret = s == 200;
            // Either the key is in use (and the only one stored), or the bot is on its secret with
            // nothing stored: never a stored key that does not work, never a bot that cannot sign in.
            assert!(
                (on_key && stored.len() == 1 && !on_secret) || (on_secret && stored.is_empty()),
                "{step} {kind}: {status} {answer} stored={stored:?} key={on_key} secret={on_secret}"
            );
            // And the answer says which: done when the key is in use, refused when not.
            assert_eq!(status == 200, on_key, "{step} {kind}: {status} {answer}");
        }
    }
}

use orgdesk::clock::Clock as _;
