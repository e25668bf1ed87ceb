//! The orgdesk server binary. `orgdesk tenant ...` runs the local Auth0-compatible tenant alone;
//! `orgdesk setup ...` connects an Auth0 tenant.

use std::process::ExitCode;

use orgdesk::emulator;
use orgdesk::server::config::{Config, LogFormat};
use orgdesk::server::{run, telemetry};

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("tenant") => return run_tenant(&args[1..]).await,
        Some("setup") => return orgdesk::setup::main(&args[1..]).await,
        Some("healthcheck") => return healthcheck(),
        _ => {}
    }
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(err) => {
            eprintln!("orgdesk: {err}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(config.log_format);
    match run(config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!("{err}");
            eprintln!("orgdesk: {err}");
            ExitCode::FAILURE
        }
    }
}

/// `orgdesk healthcheck`: exit 0 when the server on `ORGDESK_BIND` answers `/healthz` (for container
/// health checks: the slim image has no curl).
fn healthcheck() -> ExitCode {
    use std::io::{Read, Write};
    let bind = std::env::var("ORGDESK_BIND").unwrap_or_else(|_| "127.0.0.1:3000".into());
    let port = bind.rsplit(':').next().unwrap_or("3000");
    let answer = (|| -> std::io::Result<String> {
        let addr = format!("127.0.0.1:{port}")
            .parse()
            .map_err(std::io::Error::other)?;
        let timeout = std::time::Duration::from_secs(2);
        let mut tcp = std::net::TcpStream::connect_timeout(&addr, timeout)?;
        tcp.set_read_timeout(Some(timeout))?;
        tcp.write_all(b"GET /healthz HTTP/1.0\r\nHost: localhost\r\n\r\n")?;
        let mut head = [0u8; 16];
        let n = tcp.read(&mut head)?;
        Ok(String::from_utf8_lossy(&head[..n]).into_owned())
    })();
    match answer {
        Ok(head) if head.split_whitespace().nth(1) == Some("200") => ExitCode::SUCCESS,
        _ => ExitCode::FAILURE,
    }
}

/// The empty tenant's bootstrap application, as `orgdesk setup` reads it from the environment.
fn write_bootstrap(handle: &emulator::Handle, path: &std::path::Path) -> std::io::Result<()> {
    let (id, secret) = handle.bootstrap_credential().ok_or_else(|| {
        std::io::Error::other("the tenant has no bootstrap application (deleted?)")
    })?;
    let text = orgdesk::env_file::render(
        &format!(
            "The local tenant's bootstrap Management API application ({}).\n\
             Use it once: set -a; . ./{}; set +a; orgdesk setup --domain {} --allow-http loopback ...",
            handle.issuer(),
            path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default(),
            handle.base_url
        ),
        &[
            ("AUTH0_BOOTSTRAP_CLIENT_ID", id),
            ("AUTH0_BOOTSTRAP_CLIENT_SECRET", secret),
        ],
    );
    orgdesk::env_file::write_private(path, &text)
}

async fn run_tenant(args: &[String]) -> ExitCode {
    let emulator::cli::TenantArgs {
        config,
        bootstrap_env,
    } = match emulator::cli::parse(args) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(LogFormat::Human);
    let handle = match emulator::start(config).await {
        Ok(handle) => handle,
        Err(err) => {
            eprintln!("orgdesk tenant: {err}");
            return ExitCode::FAILURE;
        }
    };
    tracing::info!(issuer = %handle.issuer(), "local Auth0-compatible tenant is listening");
    if let Some(path) = bootstrap_env {
        if let Err(err) = write_bootstrap(&handle, &path) {
            eprintln!("orgdesk tenant: {}: {err}", path.display());
            handle.shutdown().await;
            return ExitCode::FAILURE;
        }
        tracing::info!(file = %path.display(), "bootstrap credential for `orgdesk setup` written (mode 0600)");
    }
    let _ = tokio::signal::ctrl_c().await;
    handle.shutdown().await;
    ExitCode::SUCCESS
}
