//! The orgdesk server binary. `orgdesk tenant ...` runs the local Auth0-compatible tenant alone.

use std::process::ExitCode;

use orgdesk::emulator;
use orgdesk::server::config::{Config, LogFormat};
use orgdesk::server::{run, telemetry};

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("tenant") {
        return run_tenant(&args[1..]).await;
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

async fn run_tenant(args: &[String]) -> ExitCode {
    let config = match emulator::cli::parse(args) {
        Ok(config) => config,
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
    let _ = tokio::signal::ctrl_c().await;
    handle.shutdown().await;
    ExitCode::SUCCESS
}
