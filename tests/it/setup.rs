//! `orgdesk setup` against a local tenant started empty (as Auth0 hands a tenant out, plus the
//! vendor's bootstrap application): twice, then orgdesk on the environment it wrote, with a real
//! sign-in and a bot registered; a run cut short; objects setup did not make.

use orgdesk::emulator::{self, EmulatorConfig};
use orgdesk::server::start;
use orgdesk::setup::{self, options, Bootstrap, SetupError};
use reqwest::Method;
use secrecy::SecretString;
use serde_json::{json, Value};

use crate::helpers::{tenant_login, test_config};
use crate::tenant::{Tenant, TenantApi};

const API: &str = "https://api.umbrella.example/";

pub async fn empty_tenant() -> (Tenant, Bootstrap) {
    let handle = emulator::start(EmulatorConfig {
        empty: true,
        control_api: true,
        ..EmulatorConfig::default()
    })
    .await
    .unwrap();
    let (id, secret) = handle
        .bootstrap_credential()
        .expect("a bootstrap application");
    let mut api = TenantApi {
        base_url: handle.base_url.clone(),
        mgmt_audience: handle.mgmt_audience(),
        http: crate::tenant::http(),
        mgmt_token: String::new(),
    };
    api.mgmt_token = api.mgmt_token_for(&id, &secret).await;
    let bootstrap = Bootstrap {
        client_id: id,
        client_secret: SecretString::from(secret),
    };
    (Tenant { handle, api }, bootstrap)
}

fn setup_args(
    tenant: &Tenant,
    public_url: &str,
    out: &std::path::Path,
    extra: &[&str],
) -> Vec<String> {
    let mut args: Vec<String> = [
        "--domain",
        &tenant.base_url,
        "--allow-http",
        "loopback",
        "--public-url",
        public_url,
        "--api",
        &format!("{API} read:tours write:tours"),
        "--role",
        "admin=Runs the organization's desk",
        "--role",
        "member=Books tours",
        "--support-org",
        "umbrella-support",
        "--support-role",
        "support",
        "--connection",
        "Username-Password-Authentication",
        "--out",
        out.to_str().unwrap(),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    args.extend(extra.iter().map(|s| s.to_string()));
    args
}

async fn run(
    args: &[String],
    bootstrap: &Bootstrap,
) -> (Result<setup::Outcome, SetupError>, String) {
    let options = options::parse(args).unwrap();
    let mut printed = Vec::new();
    let result = setup::run(&options, bootstrap, &mut printed).await;
    (result, String::from_utf8(printed).unwrap())
}

async fn list(tenant: &Tenant, path: &str) -> Vec<Value> {
    let (status, body) = tenant.mgmt(Method::GET, path, None).await;
    assert_eq!(status, 200, "{path}: {body}");
    body.as_array().cloned().unwrap_or_default()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[tokio::test(flavor = "multi_thread")]
async fn setup_connects_an_empty_tenant_twice_then_orgdesk_signs_in_and_registers_a_bot() {
    let (tenant, bootstrap) = empty_tenant().await;
    let dir = tempfile::tempdir().unwrap();
    let env_path = dir.path().join("orgdesk.env");
    let port = free_port();
    let public_url = format!("http://127.0.0.1:{port}");
    let args = setup_args(&tenant, &public_url, &env_path, &[]);

    // The dry run shows everything to create and changes nothing.
    let mut dry = args.clone();
    dry.push("--dry-run".into());
    let (outcome, printed) = run(&dry, &bootstrap).await;
    let outcome = outcome.unwrap();
    assert!(outcome.changes >= 8, "{printed}");
    assert!(outcome.env_file.is_none() && !env_path.exists());
    assert!(
        printed.contains("dry run") && printed.contains("create     role `admin`"),
        "{printed}"
    );
    assert_eq!(
        list(&tenant, "clients").await.len(),
        1,
        "only the bootstrap application"
    );

    // The first run makes everything and writes the environment, secrets only in the file.
    let (outcome, printed) = run(&args, &bootstrap).await;
    let outcome = outcome.unwrap_or_else(|e| panic!("{e}\n{printed}"));
    assert_eq!(outcome.changes, 12, "{printed}");
    let text = std::fs::read_to_string(&env_path).unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&env_path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    let vars: Vec<(String, String)> = dotenvy::from_path_iter(&env_path)
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let var = |name: &str| {
        vars.iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("{name} in\n{text}"))
    };
    for secret in [
        var("ORGDESK_AUTH0_CLIENT_SECRET"),
        var("ORGDESK_AUTH0_MGMT_CLIENT_SECRET"),
        var("ORGDESK_AUTH0_ONBOARDING_CLIENT_SECRET"),
        secrecy::ExposeSecret::expose_secret(&bootstrap.client_secret).to_string(),
    ] {
        assert!(
            !printed.contains(&secret),
            "a secret was printed:\n{printed}"
        );
    }
    assert!(!text.contains(secrecy::ExposeSecret::expose_secret(
        &bootstrap.client_secret
    )));
    assert_eq!(var("ORGDESK_APIS"), format!("{API} read:tours write:tours"));
    // orgdesk's own API, at `<public URL>/api/`, with the automation API's scopes described.
    let own = var("ORGDESK_API_AUDIENCE");
    assert_eq!(own, format!("{public_url}/api/"));
    assert!(
        printed.contains(&format!("create     API `{own}`")),
        "{printed}"
    );
    let servers = list(&tenant, "resource-servers").await;
    let rs = servers
        .iter()
        .find(|r| r["identifier"] == own.as_str())
        .unwrap();
    let scopes: Vec<(&str, &str)> = rs["scopes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["value"].as_str().unwrap(),
                s["description"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(scopes, orgdesk::server::automation::scopes::DESCRIBED);

    // In the tenant: orgdesk's application holds exactly the scopes it uses; the sign-in one
    // requires an organization and knows orgdesk's URLs.
    let grants = list(
        &tenant,
        &format!(
            "client-grants?client_id={}",
            var("ORGDESK_AUTH0_MGMT_CLIENT_ID")
        ),
    )
    .await;
    assert_eq!(grants.len(), 1);
    let mut scopes: Vec<String> = serde_json::from_value(grants[0]["scope"].clone()).unwrap();
    scopes.sort();
    let mut wanted: Vec<String> = orgdesk::server::auth0::SCOPES
        .iter()
        .map(|s| s.to_string())
        .collect();
    wanted.sort();
    assert_eq!(scopes, wanted);
    let (_, login) = tenant
        .mgmt(
            Method::GET,
            &format!("clients/{}", var("ORGDESK_AUTH0_CLIENT_ID")),
            None,
        )
        .await;
    assert_eq!(login["organization_usage"], "require");
    assert_eq!(
        login["callbacks"],
        json!([format!("{public_url}/auth/callback")])
    );
    // The sign-up application denies organizations; new organizations get the named connection.
    let (_, signup) = tenant
        .mgmt(
            Method::GET,
            &format!("clients/{}", var("ORGDESK_AUTH0_ONBOARDING_CLIENT_ID")),
            None,
        )
        .await;
    assert_eq!(signup["organization_usage"], "deny");
    assert_eq!(
        signup["callbacks"],
        json!([format!("{public_url}/onboarding/callback")])
    );
    let database = tenant.database_connection_id().await;
    assert_eq!(var("ORGDESK_ONBOARDING_CONNECTIONS"), database);
    let (_, enabled) = tenant
        .mgmt(
            Method::GET,
            &format!("connections/{database}/clients"),
            None,
        )
        .await;
    let enabled = enabled["clients"].as_array().cloned().unwrap_or_default();
    for client in [
        "ORGDESK_AUTH0_CLIENT_ID",
        "ORGDESK_AUTH0_ONBOARDING_CLIENT_ID",
    ] {
        assert!(
            enabled.iter().any(|c| c["client_id"] == var(client)),
            "{client}"
        );
    }
    let (_, support) = tenant
        .mgmt(
            Method::GET,
            &format!("organizations/{}", var("ORGDESK_SUPPORT_ORG")),
            None,
        )
        .await;
    assert_eq!(support["name"], "umbrella-support");

    // The second run changes nothing and writes the same environment.
    let (outcome, printed) = run(&args, &bootstrap).await;
    assert_eq!(outcome.unwrap().changes, 0, "{printed}");
    assert!(
        !printed.contains("create ") && !printed.contains("update "),
        "{printed}"
    );
    assert_eq!(std::fs::read_to_string(&env_path).unwrap(), text);
    assert_eq!(
        list(&tenant, "roles").await.len(),
        3,
        "admin, member, support: no duplicates"
    );

    // A customer organization and its admin, made as a vendor would.
    let (s, org) = tenant
        .mgmt(
            Method::POST,
            "organizations",
            Some(json!({"name": "umbrella-tours", "display_name": "Umbrella Tours"})),
        )
        .await;
    assert_eq!(s, 201, "{org}");
    let org_id = org["id"].as_str().unwrap().to_string();
    let (s, user) = tenant
        .mgmt(
            Method::POST,
            "users",
            Some(json!({"email": "ada@umbrella.example", "password": "Umbrella-demo-1!", "connection": "Username-Password-Authentication", "name": "Ada"})),
        )
        .await;
    assert_eq!(s, 201, "{user}");
    let user_id = user["user_id"].as_str().unwrap();
    let (s, _) = tenant
        .mgmt(
            Method::POST,
            &format!("organizations/{org_id}/members"),
            Some(json!({"members": [user_id]})),
        )
        .await;
    assert_eq!(s, 204);
    let (s, _) = tenant
        .mgmt(
            Method::POST,
            &format!("organizations/{org_id}/members/{user_id}/roles"),
            Some(json!({"roles": [var("ORGDESK_ADMIN_ROLE")]})),
        )
        .await;
    assert_eq!(s, 204);

    // orgdesk on the written environment: sign in, register a bot.
    let mut env: Vec<(&str, &str)> = vars.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    let bind = format!("127.0.0.1:{port}");
    env.push(("ORGDESK_BIND", &bind));
    let app_dir = tempfile::tempdir().unwrap();
    let config = test_config(&app_dir, &env);
    let running = start(config)
        .await
        .expect("orgdesk starts on the written environment");
    assert_eq!(running.base_url, public_url);
    let browser = crate::tenant::http();
    let to_tenant = browser
        .get(format!("{public_url}/login?organization={org_id}"))
        .send()
        .await
        .unwrap();
    let callback = tenant_login(
        &browser,
        &tenant.base_url,
        to_tenant,
        "ada@umbrella.example",
        "Umbrella-demo-1!",
    )
    .await;
    let done = browser.get(&callback).send().await.unwrap();
    assert_eq!(done.status(), 303, "signed in");
    let me: Value = browser
        .post(format!("{public_url}/api/me"))
        .header("content-type", "application/json")
        .header("origin", &public_url)
        .body("{}")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let (status, bot) = {
        let r = browser
            .post(format!("{public_url}/api/bots/register"))
            .header("content-type", "application/json")
            .header("origin", &public_url)
            .body(
                json!({"org_id": org_id, "name": "Tour sync", "description": "", "audience": API,
                    "scopes": ["read:tours"], "idempotency_key": uuid::Uuid::new_v4().to_string()})
                .to_string(),
            )
            .send()
            .await
            .unwrap();
        (
            r.status().as_u16(),
            r.json::<Value>().await.unwrap_or(Value::Null),
        )
    };
    assert_eq!(status, 200, "register: {bot} (me: {me})");
    let bot_id = bot["client_id"].as_str().unwrap_or_else(|| panic!("{bot}"));
    let grants = list(&tenant, &format!("client-grants?client_id={bot_id}")).await;
    assert_eq!(grants.len(), 1);
    assert_eq!(grants[0]["audience"], API);
    assert_eq!(grants[0]["organization_usage"], "require");
    let associated = list(&tenant, &format!("organizations/{org_id}/client-grants")).await;
    assert!(associated.iter().any(|g| g["client_id"] == bot_id));

    // A new customer signs up through the sign-up application setup made and creates theirs.
    let newcomer = crate::tenant::http();
    let to_tenant = newcomer
        .get(format!("{public_url}/onboarding/start?signup=1"))
        .send()
        .await
        .unwrap();
    let callback = tenant_login(
        &newcomer,
        &tenant.base_url,
        to_tenant,
        "bo@labs.example",
        "Labs-demo-1!x",
    )
    .await;
    let back = newcomer.get(&callback).send().await.unwrap();
    assert_eq!(back.headers()["location"], "/onboarding");
    let page = newcomer
        .get(format!("{public_url}/onboarding"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = crate::helpers::tenant_login::hidden(&page, "csrf");
    let made = newcomer
        .post(format!("{public_url}/onboarding/create"))
        .header("origin", &public_url)
        .form(&[
            ("csrf", csrf.as_str()),
            ("display_name", "Umbrella Labs"),
            ("name", ""),
        ])
        .send()
        .await
        .unwrap();
    let location = made.headers()["location"].to_str().unwrap().to_string();
    let labs = location.trim_start_matches("/login?organization=");
    assert!(labs.starts_with("org_"), "{location}");
    let enabled = list(
        &tenant,
        &format!("organizations/{labs}/enabled_connections"),
    )
    .await;
    assert_eq!(enabled[0]["connection_id"], database.as_str());
    running.shutdown().await;
    tenant.handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_run_cut_short_is_completed_by_the_next_without_duplicates() {
    let (tenant, bootstrap) = empty_tenant().await;
    let dir = tempfile::tempdir().unwrap();
    let env_path = dir.path().join("orgdesk.env");
    let args = setup_args(&tenant, "http://127.0.0.1:3000", &env_path, &[]);
    // The second role is made, but its answer never arrives.
    let r = tenant
        .http
        .post(tenant.url("/__emulator/faults"))
        .json(
            &json!({"route": "POST /api/v2/roles", "kind": "status", "status": 400, "count": 1,
            "message": "Payload validation error: 'invalid name'"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let (result, printed) = run(&args, &bootstrap).await;
    let err = result.unwrap_err().to_string();
    assert!(
        err.contains("role `admin`") && err.contains("invalid name"),
        "names the object and Auth0's message: {err}\n{printed}"
    );
    assert!(!env_path.exists(), "no environment from a failed run");
    let r = tenant
        .http
        .post(tenant.url("/__emulator/faults"))
        .json(&json!({"route": "POST /api/v2/roles", "kind": "reset_after", "count": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let (result, printed) = run(&args, &bootstrap).await;
    assert!(result.is_err(), "the lost answer fails the run: {printed}");
    let (result, printed) = run(&args, &bootstrap).await;
    result.unwrap_or_else(|e| panic!("the next run completes: {e}\n{printed}"));
    let roles = list(&tenant, "roles").await;
    let mut names: Vec<&str> = roles.iter().map(|r| r["name"].as_str().unwrap()).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        ["admin", "member", "support"],
        "the role made in the lost call is not made twice"
    );
    let (result, printed) = run(&args, &bootstrap).await;
    assert_eq!(result.unwrap().changes, 0, "{printed}");
}

#[tokio::test(flavor = "multi_thread")]
async fn objects_setup_did_not_make_are_left_alone_until_adopted() {
    let (tenant, bootstrap) = empty_tenant().await;
    let dir = tempfile::tempdir().unwrap();
    let env_path = dir.path().join("orgdesk.env");
    let (s, role) = tenant
        .mgmt(
            Method::POST,
            "roles",
            Some(json!({"name": "member", "description": "Made by hand"})),
        )
        .await;
    assert_eq!(s, 200, "{role}");
    let role_id = role["id"].as_str().unwrap();
    let args = setup_args(&tenant, "http://127.0.0.1:3000", &env_path, &[]);
    let (result, printed) = run(&args, &bootstrap).await;
    assert!(matches!(result, Err(SetupError::Refused(1))), "{printed}");
    assert!(
        printed.contains(&format!("--adopt role={role_id}")),
        "{printed}"
    );
    assert_eq!(list(&tenant, "clients").await.len(), 1, "nothing was made");
    let adopt = format!("role={role_id}");
    let args = setup_args(
        &tenant,
        "http://127.0.0.1:3000",
        &env_path,
        &["--adopt", &adopt],
    );
    let (result, printed) = run(&args, &bootstrap).await;
    result.unwrap_or_else(|e| panic!("{e}\n{printed}"));
    assert!(
        printed.contains(&format!(
            "role `member` [{role_id}]: description \"Made by hand\" → \"Books tours\""
        )),
        "{printed}"
    );
    let (_, role) = tenant
        .mgmt(Method::GET, &format!("roles/{role_id}"), None)
        .await;
    assert_eq!(role["description"], "Books tours");
    // Once claimed, later runs need no --adopt.
    let args = setup_args(&tenant, "http://127.0.0.1:3000", &env_path, &[]);
    let (result, printed) = run(&args, &bootstrap).await;
    assert_eq!(result.unwrap().changes, 0, "{printed}");
}

#[test]
fn setup_grants_orgdesk_what_the_demo_tenant_grants_it() {
    let seed = orgdesk::emulator::seed::Seed::travel0().unwrap();
    let grant = seed
        .client_grants
        .iter()
        .find(|g| g.client_id == crate::tenant::MGMT_CLIENT)
        .unwrap();
    let mut demo = grant.scope.clone();
    demo.sort();
    let mut setup: Vec<String> = orgdesk::server::auth0::SCOPES
        .iter()
        .map(|s| s.to_string())
        .collect();
    setup.sort();
    assert_eq!(demo, setup);
}

/// The two commands as a vendor types them: `orgdesk tenant --empty`, then `orgdesk setup` with the
/// credential file it wrote.
#[tokio::test(flavor = "multi_thread")]
async fn the_commands_work_as_typed() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let bin = env!("CARGO_BIN_EXE_orgdesk");
    let mut tenant = std::process::Command::new(bin)
        .args(["tenant", "--empty", "--bind", &format!("127.0.0.1:{port}")])
        .current_dir(dir.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let bootstrap = dir.path().join("bootstrap.env");
    for _ in 0..100 {
        if bootstrap.exists() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let creds: Vec<(String, String)> = dotenvy::from_path_iter(&bootstrap)
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let setup = tokio::task::spawn_blocking({
        let dir = dir.path().to_path_buf();
        move || {
            std::process::Command::new(bin)
                .args([
                    "setup",
                    "--domain",
                    &format!("http://127.0.0.1:{port}"),
                    "--allow-http",
                    "loopback",
                    "--public-url",
                    "http://localhost:3000",
                    "--api",
                    "https://api.umbrella.example/ read:tours",
                    "--no-onboarding",
                ])
                .envs(creds)
                .current_dir(dir)
                .stdin(std::process::Stdio::null())
                .output()
                .unwrap()
        }
    })
    .await
    .unwrap();
    let _ = tenant.kill();
    let _ = tenant.wait();
    let printed = String::from_utf8_lossy(&setup.stdout);
    assert!(
        setup.status.success(),
        "{printed}\n{}",
        String::from_utf8_lossy(&setup.stderr)
    );
    assert!(printed.contains("7 change(s) made"), "{printed}");
    let env = std::fs::read_to_string(dir.path().join("orgdesk.env")).unwrap();
    assert!(
        env.contains("ORGDESK_PUBLIC_URL=http://localhost:3000"),
        "{env}"
    );
}
