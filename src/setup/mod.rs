//! `orgdesk setup`: connects an Auth0 tenant. With a one-time bootstrap credential it makes, or brings
//! up to date, everything orgdesk needs there (its Management application and grant, the sign-in
//! application, the customer roles, the vendor's APIs, optionally the support organization), prints
//! the plan first, and writes the environment orgdesk runs with. A second run changes nothing.

pub mod apply;
pub mod options;
pub mod plan;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use secrecy::SecretString;
use serde_json::Value;

use crate::server::auth0::{paths, ApiError, ClientConfig, ManagementClient, RetryPolicy};
use options::Options;
use plan::{Action, Item, Kind, Plan};

/// The Management API application setup runs as: used for this run only, never stored or printed.
pub struct Bootstrap {
    pub client_id: String,
    pub client_secret: SecretString,
}

pub const BOOTSTRAP_ID_VAR: &str = "AUTH0_BOOTSTRAP_CLIENT_ID";
pub const BOOTSTRAP_SECRET_VAR: &str = "AUTH0_BOOTSTRAP_CLIENT_SECRET";

impl Bootstrap {
    /// From the environment, or asked for on the terminal (the secret without echo).
    pub fn from_env_or_prompt() -> Result<Self, String> {
        let var = |name| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let terminal = std::io::stdin().is_terminal();
        let client_id = match var(BOOTSTRAP_ID_VAR) {
            Some(v) => v,
            None if terminal => {
                eprint!("Bootstrap application's client id: ");
                let mut line = String::new();
                std::io::stdin()
                    .read_line(&mut line)
                    .map_err(|e| e.to_string())?;
                line.trim().to_string()
            }
            None => return Err(format!("set {BOOTSTRAP_ID_VAR} and {BOOTSTRAP_SECRET_VAR} (a Management API application with broad scopes, used for this run only)")),
        };
        let client_secret = match var(BOOTSTRAP_SECRET_VAR) {
            Some(v) => v,
            None if terminal => {
                rpassword::prompt_password("Bootstrap application's client secret (not shown): ")
                    .map_err(|e| e.to_string())?
            }
            None => return Err(format!("set {BOOTSTRAP_SECRET_VAR}")),
        };
        if client_id.is_empty() || client_secret.trim().is_empty() {
            return Err("the bootstrap credential is empty".into());
        }
        Ok(Self {
            client_id,
            client_secret: SecretString::from(client_secret.trim().to_string()),
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("{0}")]
    Connect(ApiError),
    #[error(transparent)]
    Read(#[from] plan::ReadError),
    #[error("{0} object(s) in the way; nothing was changed")]
    Refused(usize),
    #[error(transparent)]
    Apply(#[from] apply::ApplyError),
    #[error("{0}")]
    Environment(String),
}

/// What a run did.
#[derive(Debug)]
pub struct Outcome {
    /// Creates and updates planned (and, unless a dry run, applied).
    pub changes: usize,
    /// The environment file written (none on a dry run).
    pub env_file: Option<PathBuf>,
}

/// `orgdesk setup ...`, for the binary.
pub async fn main(args: &[String]) -> ExitCode {
    let options = match options::parse(args) {
        Ok(o) => o,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let bootstrap = match Bootstrap::from_env_or_prompt() {
        Ok(b) => b,
        Err(message) => {
            eprintln!("orgdesk setup: {message}");
            return ExitCode::from(2);
        }
    };
    let mut out = std::io::stdout();
    match run(&options, &bootstrap, &mut out).await {
        Ok(_) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("orgdesk setup: {err}");
            ExitCode::FAILURE
        }
    }
}

/// Plans, prints the plan, and (unless a dry run) applies it and writes the environment file.
pub async fn run(
    options: &Options,
    bootstrap: &Bootstrap,
    out: &mut dyn Write,
) -> Result<Outcome, SetupError> {
    let api = ManagementClient::new(ClientConfig {
        issuer: options.issuer(),
        client_id: bootstrap.client_id.clone(),
        client_secret: bootstrap.client_secret.clone(),
        timeout: Duration::from_secs(30),
        retry: RetryPolicy::default(),
    })
    .map_err(SetupError::Connect)?;
    let plan = plan::read(&api, options).await?;
    let dry = if options.dry_run {
        " (dry run: nothing will change)"
    } else {
        ""
    };
    say(out, &format!("Plan for {}{dry}", options.issuer()));
    for item in &plan.items {
        say(out, &plan_line(item));
    }
    let refused = plan.refusals().count();
    if refused > 0 {
        return Err(SetupError::Refused(refused));
    }
    let changes = plan.changes();
    if options.dry_run {
        say(out, &format!("{changes} change(s) planned."));
        return Ok(Outcome {
            changes,
            env_file: None,
        });
    }
    if changes > 0 {
        say(out, "Applying:");
        apply::apply(&api, options, &plan, &mut |item, what| {
            say(out, &format!("  {}: {what}", item.label()));
        })
        .await?;
    }
    // Read back: the environment comes from what the tenant holds, not from what was sent.
    let settled = plan::read(&api, options).await?;
    for item in settled
        .items
        .iter()
        .filter(|i| i.action != Action::Unchanged)
    {
        say(
            out,
            &format!("warning: not settled yet: {}", plan_line(item).trim()),
        );
    }
    let vars = environment(&api, options, &settled).await?;
    write_env(&options.out, &vars)?;
    say(
        out,
        &format!(
            "{changes} change(s) made. Wrote {} (mode 0600; it holds orgdesk's secrets).\n\
             Start orgdesk with it: set -a; . ./{}; set +a; orgdesk",
            options.out.display(),
            options.out.display()
        ),
    );
    Ok(Outcome {
        changes,
        env_file: Some(options.out.clone()),
    })
}

fn say(out: &mut dyn Write, line: &str) {
    let _ = writeln!(out, "{line}");
}

fn plan_line(item: &Item) -> String {
    let id = item.id().map(|i| format!(" [{i}]")).unwrap_or_default();
    match &item.action {
        Action::Create => format!("  create     {}", item.label()),
        Action::Update(fields) => {
            format!(
                "  update     {}{id}: {}",
                item.label(),
                item.changes(fields)
            )
        }
        Action::Unchanged => format!("  unchanged  {}{id}", item.label()),
        Action::Refused(why) => format!("  refused    {}: {why}", item.label()),
    }
}

/// orgdesk's environment from the settled tenant: ids, secrets, APIs and roles.
async fn environment(
    api: &ManagementClient,
    options: &Options,
    plan: &Plan,
) -> Result<Vec<(&'static str, String)>, SetupError> {
    let id_of = |kind: &Kind| {
        plan.find(kind)
            .and_then(Item::id)
            .map(String::from)
            .ok_or_else(|| SetupError::Environment(format!("{kind:?} is missing after the run")))
    };
    let login = id_of(&Kind::LoginClient)?;
    let mgmt = id_of(&Kind::ManagementClient)?;
    let role = |name: &str| {
        id_of(&Kind::Role {
            name: name.to_string(),
        })
    };
    let domain = if options.insecure_http {
        format!("http://{}", options.domain)
    } else {
        options.domain.clone()
    };
    let mut vars = vec![
        ("ORGDESK_AUTH0_DOMAIN", domain),
        ("ORGDESK_PUBLIC_URL", options.public_url.clone()),
        ("ORGDESK_AUTH0_CLIENT_ID", login.clone()),
        (
            "ORGDESK_AUTH0_CLIENT_SECRET",
            secret(api, plan, &Kind::LoginClient, &login).await?,
        ),
        ("ORGDESK_AUTH0_MGMT_CLIENT_ID", mgmt.clone()),
        (
            "ORGDESK_AUTH0_MGMT_CLIENT_SECRET",
            secret(api, plan, &Kind::ManagementClient, &mgmt).await?,
        ),
        (
            "ORGDESK_APIS",
            options
                .apis
                .iter()
                .map(|a| format!("{} {}", a.identifier, a.grantable().join(" ")))
                .collect::<Vec<_>>()
                .join("; "),
        ),
        (
            "ORGDESK_ASSIGNABLE_ROLES",
            options
                .roles
                .iter()
                .map(|r| role(&r.name))
                .collect::<Result<Vec<_>, _>>()?
                .join(","),
        ),
        ("ORGDESK_ADMIN_ROLE", role(&options.admin_role)?),
        ("ORGDESK_API_AUDIENCE", options.own_api.identifier.clone()),
    ];
    if let Some(support) = &options.support {
        vars.push((
            "ORGDESK_SUPPORT_ORG",
            id_of(&Kind::SupportOrg {
                name: support.organization.clone(),
            })?,
        ));
        vars.push(("ORGDESK_SUPPORT_ROLE", role(&support.role)?));
    }
    if options.onboarding {
        let signup = id_of(&Kind::OnboardingClient)?;
        let connections = plan
            .items
            .iter()
            .filter(|item| matches!(item.kind, Kind::ConnectionClient { .. }))
            .filter_map(|item| item.desired.get("connection_id")?.as_str())
            .collect::<Vec<_>>()
            .join(",");
        vars.push(("ORGDESK_AUTH0_ONBOARDING_CLIENT_ID", signup.clone()));
        vars.push((
            "ORGDESK_AUTH0_ONBOARDING_CLIENT_SECRET",
            secret(api, plan, &Kind::OnboardingClient, &signup).await?,
        ));
        vars.push(("ORGDESK_ONBOARDING_CONNECTIONS", connections));
    }
    if options.insecure_http {
        vars.push(("ORGDESK_AUTH0_ALLOW_HTTP", "loopback".into()));
    }
    // What orgdesk would refuse at start is caught here, before anything is written.
    let get = |name: &str| {
        vars.iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.clone())
    };
    crate::server::identity::from_vars(&get)
        .map_err(|e| SetupError::Environment(format!("orgdesk would not start on it: {e}")))?;
    Ok(vars)
}

/// A client's secret: in the list setup read (with `read:client_keys`), or asked for once.
async fn secret(
    api: &ManagementClient,
    plan: &Plan,
    kind: &Kind,
    client_id: &str,
) -> Result<String, SetupError> {
    let listed = plan
        .find(kind)
        .and_then(|i| i.current.as_ref())
        .and_then(|c| c["client_secret"].as_str())
        .map(String::from);
    if let Some(s) = listed {
        return Ok(s);
    }
    let client: Option<Value> = api
        .send(reqwest::Method::GET, &paths::client(client_id), &[], None)
        .await
        .map_err(|e| SetupError::Environment(format!("application {client_id}: {e}")))?;
    client
        .as_ref()
        .and_then(|c| c["client_secret"].as_str())
        .map(String::from)
        .ok_or_else(|| {
            SetupError::Environment(format!(
                "application {client_id}: no secret in Auth0's answer (the bootstrap application needs read:client_keys)"
            ))
        })
}

/// Writes the file, keeping any variable of an earlier file that setup does not set.
fn write_env(path: &Path, vars: &[(&'static str, String)]) -> Result<(), SetupError> {
    let io =
        |e: &dyn std::fmt::Display| SetupError::Environment(format!("{}: {e}", path.display()));
    let mut kept: Vec<(String, String)> = Vec::new();
    if path.exists() {
        for entry in dotenvy::from_path_iter(path).map_err(|e| io(&e))? {
            let (name, value) = entry.map_err(|e| io(&e))?;
            if !vars.iter().any(|(n, _)| *n == name) {
                kept.push((name, value));
            }
        }
    }
    let mut all: Vec<(&str, String)> = vars.to_vec();
    all.extend(kept.iter().map(|(n, v)| (n.as_str(), v.clone())));
    let text = crate::env_file::render(
        "orgdesk's environment, written by `orgdesk setup` (run it again to bring it up to date).\n\
         It holds secrets: keep it out of version control. Variables setup does not set are kept.",
        &all,
    );
    crate::env_file::write_private(path, &text).map_err(|e| io(&e))
}
